"""`apfa index list` and `apfa index rollback` on a real versioned store in a temporary data directory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from apfa.settings import Settings
from cli.main import main
from ingest.chunking import Chunk
from kb.store import DocumentRecord, IndexStore, get_store

DIMENSION = 8


def commands_store() -> IndexStore:
    """The store the `apfa` command opens: the `data_dir` fixture points APFA_DATA_DIR at this test's directory."""
    return get_store(Settings())


def _add(title: str, chunk_count: int, seed: int) -> int:
    vectors = np.random.default_rng(seed).normal(size=(chunk_count, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [Chunk(text=f"{title} passage {n}", page=1, start=0, end=10) for n in range(chunk_count)]
    record = DocumentRecord(
        doc_id=f"doc-{seed}",
        title=title,
        filename=f"{title}.md",
        sha256=f"{seed:064d}",
        scope="shared",
        owner="system",
    )
    return commands_store().add_document(record, chunks, vectors)


def _listed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["index", "list"]) == 0
    return capsys.readouterr().out.splitlines()


def test_list_shows_every_kept_version_with_its_manifest_and_marks_the_current_one(data_dir: Path, capsys):
    for seed, (title, chunks) in enumerate([("Escrow", 2), ("PMI", 3), ("APR", 1)], start=1):
        _add(title, chunks, seed)

    lines = _listed(capsys)

    assert [line.split("\t")[0] for line in lines] == ["  v1", "  v2", "* v3"]
    assert [line.split("\t")[1] for line in lines] == ["parent=None", "parent=1", "parent=2"]
    assert [line.split("\t")[2] for line in lines] == ["vectors=2", "vectors=5", "vectors=6"]
    assert all("all-MiniLM-L6-v2" in line for line in lines)


def test_rollback_makes_an_older_version_current_for_a_running_reader(data_dir: Path, capsys):
    for seed, (title, chunks) in enumerate([("Escrow", 2), ("PMI", 3), ("APR", 1)], start=1):
        _add(title, chunks, seed)
    reader = commands_store()
    assert [doc.title for doc in reader.documents()] == ["Escrow", "PMI", "APR"]

    assert main(["index", "rollback", "2"]) == 0
    assert "Version 2 is current." in capsys.readouterr().out

    assert [line.split("\t")[0] for line in _listed(capsys)] == ["  v1", "* v2", "  v3"]
    assert sorted(doc.title for doc in reader.documents()) == ["Escrow", "PMI"]
    query = np.random.default_rng(3).normal(size=DIMENSION).astype(np.float32)
    assert {hit.chunk.title for hit in reader.search(query, k=10, user=None)} == {"Escrow", "PMI"}

    version = _add("Points", 1, 4)
    assert version == 4
    assert _listed(capsys)[-1].startswith("* v4\tparent=2\tvectors=6")


def test_rollback_to_a_version_that_is_not_kept_fails_with_the_kept_ones(data_dir: Path, capsys):
    _add("Escrow", 2, 1)
    _add("PMI", 3, 2)

    assert main(["index", "rollback", "9"]) == 2

    error = capsys.readouterr().err
    assert "version 9 is not available" in error and "1, 2" in error
    assert commands_store().current_version() == 2
