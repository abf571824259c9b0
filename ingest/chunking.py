"""Split page text into overlapping chunks that remember where on the page they came from.

Offsets let a citation point at the exact passage: `page.text[chunk.start:chunk.end] == chunk.text`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.parsing import Page
from kb.store import Chunk

HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def nearest_heading(text: str, before: int) -> str:
    """The last Markdown heading that starts before `before` (headings inside the chunk count too)."""
    heading = ""
    for match in HEADING.finditer(text, 0, before):
        heading = match.group(1).strip()
    return heading


def chunk_pages(pages: Sequence[Page], size: int, overlap: int) -> list[Chunk]:
    """Chunk each page separately so no chunk straddles two pages (its page number stays exact)."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=min(overlap, size // 2))
    chunks: list[Chunk] = []
    for page in pages:
        search_from = 0
        for piece in splitter.split_text(page.text):
            start = page.text.find(piece, search_from)
            if start < 0:
                start = page.text.find(piece)
            if start < 0:
                continue
            chunks.append(
                Chunk(
                    text=piece,
                    page=page.number,
                    start=start,
                    end=start + len(piece),
                    section=nearest_heading(page.text, start + len(piece)),
                )
            )
            search_from = start + 1
    return chunks
