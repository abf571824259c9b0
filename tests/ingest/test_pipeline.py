"""ingest_file: the one path from a file to searchable chunks, all-or-nothing, with dedup and progress."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from docfactory import LOAN_TOPICS, index_file, long_text, make_pdf

from apfa.settings import Settings
from ingest.batch import expand_paths
from ingest.parsing import CorruptDocumentError, FileTooLargeError
from kb.store import get_store


class WordHashEmbedder:
    """Bag-of-words vectors: deterministic and fast, enough to check plumbing (not retrieval quality)."""

    dimension = 64

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def embed_documents(self, texts, on_progress=None):
        if self.fail:
            raise RuntimeError("model crashed")
        vectors = np.stack([self.embed_query(text) for text in texts])
        for done in range(0, len(texts) + 1, 4):
            if on_progress:
                on_progress(done, len(texts))
        if on_progress:
            on_progress(len(texts), len(texts))
        return vectors

    def embed_query(self, text):
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in text.lower().split():
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        return vector / max(np.linalg.norm(vector), 1e-9)


def test_a_pdf_becomes_searchable_with_pages_and_offsets(data_dir: Path, tmp_path: Path):
    pdf = make_pdf(
        tmp_path / "handbook.pdf",
        [long_text(400, 1), long_text(400, 2), LOAN_TOPICS["escrow"]],
        title="Servicing Handbook",
    )
    stages: list[tuple[str, int, int]] = []
    embedder = WordHashEmbedder()

    result = index_file(
        pdf, "handbook.pdf", "private", "alice", on_progress=lambda *event: stages.append(event), embedder=embedder
    )

    assert (result.title, result.pages, result.duplicate_of) == ("Servicing Handbook", 3, None)
    assert result.chunks >= 4
    order = [stage for stage, _, _ in stages]
    assert order[0] == "parsing" and order[-1] == "done"
    assert order.index("chunking") < order.index("embedding") < order.index("indexing")
    assert ("embedding", result.chunks, result.chunks) in stages
    hits = get_store(Settings()).search(embedder.embed_query(LOAN_TOPICS["escrow"]), 1, "alice")
    assert hits[0].chunk.page == 3 and hits[0].chunk.doc_id == result.doc_id
    assert get_store(Settings()).search(embedder.embed_query(LOAN_TOPICS["escrow"]), 5, "bob") == []


def test_the_embedder_reads_each_chunk_after_its_documents_header(data_dir: Path, tmp_path: Path):
    form = tmp_path / "adjustable_rate_loan_estimate.txt"
    lines = [f"Fee line {n} ${n * 10}" for n in range(30)]
    form.write_text("\n".join(lines), encoding="utf-8")
    seen: list[str] = []

    class Recording(WordHashEmbedder):
        def embed_documents(self, texts, on_progress=None):
            seen.extend(texts)
            return super().embed_documents(texts, on_progress)

    index_file(form, form.name, "shared", "system", embedder=Recording())

    assert seen and all(text.startswith("adjustable rate loan estimate, ARM, sample form\n") for text in seen)
    _, chunks = get_store(Settings()).chunks_at_current_version()
    assert all(chunk.text.startswith("Fee line") for chunk in chunks.values())  # what users see is unchanged


def test_uploading_the_same_bytes_again_is_skipped(data_dir: Path, tmp_path: Path):
    note = tmp_path / "note.md"
    note.write_text("# Escrow\n\n" + LOAN_TOPICS["escrow"], encoding="utf-8")
    first = index_file(note, "note.md", "private", "alice", embedder=WordHashEmbedder())
    version = get_store(Settings()).current_version()

    again = index_file(note, "renamed.md", "private", "alice", embedder=WordHashEmbedder(fail=True))
    someone_else = index_file(note, "note.md", "private", "bob", embedder=WordHashEmbedder())

    assert again.duplicate_of == first.doc_id and again.title == "Escrow"
    assert someone_else.duplicate_of is None
    assert get_store(Settings()).current_version() == version + 1


def test_a_failure_before_publishing_leaves_the_index_unchanged(data_dir: Path, tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(LOAN_TOPICS["apr"], encoding="utf-8")
    index_file(good, "good.txt", "shared", "system", embedder=WordHashEmbedder())
    bad = tmp_path / "other.txt"
    bad.write_text(LOAN_TOPICS["pmi"], encoding="utf-8")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not a pdf at all")

    with pytest.raises(RuntimeError):
        index_file(bad, "other.txt", "shared", "system", embedder=WordHashEmbedder(fail=True))
    with pytest.raises(CorruptDocumentError):
        index_file(broken, "broken.pdf", "shared", "system", embedder=WordHashEmbedder())

    assert get_store(Settings()).current_version() == 1
    assert [record.filename for record in get_store(Settings()).documents()] == ["good.txt"]


def test_oversize_files_are_refused_before_any_work(data_dir: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("APFA_MAX_UPLOAD_MB", "1")
    big = tmp_path / "big.txt"
    big.write_text("loan " * 300_000, encoding="utf-8")

    with pytest.raises(FileTooLargeError):
        index_file(big, "big.txt", "shared", "system", embedder=WordHashEmbedder(fail=True))
    assert get_store(Settings()).current_version() == 0


def test_expand_paths_walks_directories_and_explains_skips(tmp_path: Path):
    folder = tmp_path / "docs"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.md").write_text("# A", encoding="utf-8")
    (folder / "nested" / "b.PDF").write_bytes(b"%PDF")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    (folder / ".hidden.md").write_text("x", encoding="utf-8")

    files, skipped = expand_paths([folder, tmp_path / "missing.txt", folder / "a.md"])

    assert [file.name for file in files] == ["a.md", "b.PDF"]
    reasons = dict(skipped)
    assert "not a supported type" in reasons[str(folder / "photo.jpg")]
    assert reasons[str(tmp_path / "missing.txt")] == "no such file or directory"
