"""Chunks stay on one page and their offsets point back at exactly their text, for precise citations."""

from __future__ import annotations

from docfactory import long_text

from apfa.settings import Settings
from ingest.chunking import chunk_pages
from ingest.parsing import Page


def test_offsets_map_back_to_the_page_text():
    pages = [Page(1, long_text(900, seed=1)), Page(2, long_text(700, seed=2)), Page(4, long_text(50, seed=3))]

    chunks = chunk_pages(pages, size=400, overlap=80)

    by_number = {page.number: page.text for page in pages}
    assert {chunk.page for chunk in chunks} == {1, 2, 4}
    for chunk in chunks:
        assert by_number[chunk.page][chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= 400


def test_chunks_cover_the_page_in_order_with_overlap():
    page = Page(3, long_text(1200, seed=5))

    chunks = chunk_pages([page], size=500, overlap=100)

    assert len(chunks) > 3
    starts = [chunk.start for chunk in chunks]
    assert starts == sorted(starts)
    assert chunks[0].start == 0 and chunks[-1].end == len(page.text)
    overlapping = sum(1 for left, right in zip(chunks, chunks[1:], strict=False) if right.start < left.end)
    assert overlapping >= len(chunks) // 2
    gaps = [right.start - left.end for left, right in zip(chunks, chunks[1:], strict=False)]
    assert max(gaps) <= 2, "no text may fall between two chunks (beyond the whitespace at a split)"


def test_repeated_passages_get_their_own_offsets():
    paragraph = "The same boilerplate disclaimer appears on every statement."
    page = Page(1, "\n\n".join([paragraph] * 6))

    chunks = chunk_pages([page], size=len(paragraph) + 5, overlap=0)

    assert len(chunks) == 6
    assert len({chunk.start for chunk in chunks}) == 6
    for chunk in chunks:
        assert page.text[chunk.start : chunk.end] == paragraph


def test_the_shipped_chunk_size_bounds_every_chunk():
    settings = Settings()
    page = Page(1, long_text(2000, seed=9))

    chunks = chunk_pages([page], settings.chunk_size, settings.chunk_overlap)

    assert max(len(chunk.text) for chunk in chunks) <= 900
    assert max(len(chunk.text) for chunk in chunks) > 600


def test_chunks_remember_their_section_for_embedding():
    from ingest.chunking import chunk_pages
    from ingest.parsing import Page

    text = "# PMI\n\nIntro.\n\n## Removal at 80% and 78%\n\n" + "You may ask to cancel PMI at 80%. " * 30
    chunks = chunk_pages([Page(1, text)], size=300, overlap=0)
    last = chunks[-1]
    assert last.section == "Removal at 80% and 78%"
    assert last.for_embedding("Private mortgage insurance").startswith(
        "Private mortgage insurance: Removal at 80% and 78%\n"
    )
    assert text[last.start : last.end] == last.text
