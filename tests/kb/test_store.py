"""The versioned index store: atomic publish, reload without restart, rollback, delete, dedup and scopes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import faiss
import numpy as np
import pytest

from ingest.chunking import Chunk
from kb.store import DocumentNotFoundError, DocumentRecord, DuplicateDocumentError, IndexStore

DIMENSION = 32
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def unit_vectors(count: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def add(
    store: IndexStore,
    doc_id: str,
    scope: str = "shared",
    owner: str = "system",
    count: int = 5,
    seed: int | None = None,
    sha: str | None = None,
) -> tuple[int, np.ndarray]:
    vectors = unit_vectors(count, seed if seed is not None else zlib.crc32(doc_id.encode()))
    chunks = [Chunk(f"{doc_id} passage {index}", page=index + 1, start=0, end=10) for index in range(count)]
    record = DocumentRecord(
        doc_id, f"Title {doc_id}", f"{doc_id}.pdf", sha or f"sha-{doc_id}", scope, owner, pages=count
    )
    return store.add_document(record, chunks, vectors), vectors


def doc_ids(hits) -> set[str]:
    return {hit.chunk.doc_id for hit in hits}


def test_publish_writes_a_complete_version_and_points_current_at_it(tmp_path: Path):
    store = IndexStore(tmp_path / "index")

    version, vectors = add(store, "guide")

    assert version == 1 and store.current_version() == 1
    assert (tmp_path / "index" / "CURRENT").read_text().strip() == "000001"
    version_dir = tmp_path / "index" / "versions" / "000001"
    assert {path.name for path in version_dir.iterdir()} == {
        "index.faiss",
        "chunks.jsonl",
        "documents.json",
        "manifest.json",
    }
    [info] = store.versions()
    assert (info.version, info.parent_version, info.vector_count, info.documents) == (1, None, 5, 1)
    assert info.dimension == DIMENSION and info.embedding_model == "all-MiniLM-L6-v2" and info.current
    top = store.search(vectors[2], 1, user=None)[0]
    assert top.chunk.text == "guide passage 2" and top.chunk.page == 3
    assert top.score == pytest.approx(1.0, abs=1e-5)


def test_an_empty_store_answers_nothing(tmp_path: Path):
    store = IndexStore(tmp_path / "index")

    assert store.search(unit_vectors(1, 0)[0], 5, "anyone") == []
    assert store.current_version() == 0 and store.versions() == [] and store.documents() == []


def test_a_reader_sees_new_versions_without_restart(tmp_path: Path):
    reader = IndexStore(tmp_path / "index")
    writer = IndexStore(tmp_path / "index")
    _, first = add(writer, "first")
    assert doc_ids(reader.search(first[0], 3, None)) == {"first"}

    _, second = add(writer, "second")

    assert reader.search(second[0], 1, None)[0].chunk.doc_id == "second"
    assert {record.doc_id for record in reader.documents()} == {"first", "second"}


def test_failed_publish_leaves_the_current_version_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    store = IndexStore(tmp_path / "index")
    _, vectors = add(store, "kept")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(faiss, "write_index", disk_full)
    with pytest.raises(OSError):
        add(store, "lost")
    monkeypatch.undo()

    assert store.current_version() == 1
    assert doc_ids(store.search(vectors[0], 20, None)) == {"kept"}
    version, _ = add(store, "next")
    assert version == 2, "the abandoned staging directory must not take a version number"
    assert not [p for p in (tmp_path / "index" / "versions").iterdir() if p.name.startswith(".tmp-")]


def test_delete_publishes_a_version_without_the_document(tmp_path: Path):
    store = IndexStore(tmp_path / "index")
    _, keep_vectors = add(store, "keep")
    _, drop_vectors = add(store, "drop")

    version = store.delete_document("drop")

    assert version == 3
    assert "drop" not in doc_ids(store.search(drop_vectors[0], 10, None))
    assert store.versions()[-1].vector_count == 5
    assert [record.doc_id for record in store.documents()] == ["keep"]
    with pytest.raises(DocumentNotFoundError):
        store.delete_document("drop")


def test_rollback_restores_an_older_version_for_readers(tmp_path: Path):
    store = IndexStore(tmp_path / "index")
    reader = IndexStore(tmp_path / "index")
    add(store, "one")
    _, two = add(store, "two")
    assert "two" in doc_ids(reader.search(two[0], 3, None))

    store.rollback(1)

    assert reader.current_version() == 1
    assert doc_ids(reader.search(two[0], 10, None)) == {"one"}
    version, _ = add(store, "three")
    assert version == 3
    assert store.versions()[-1].parent_version == 1
    assert {record.doc_id for record in store.documents()} == {"one", "three"}


def test_old_versions_are_pruned_but_the_current_one_never_is(tmp_path: Path):
    store = IndexStore(tmp_path / "index", keep_versions=2)
    for name in ("a", "b", "c", "d"):
        add(store, name)

    assert [info.version for info in store.versions()] == [3, 4]
    with pytest.raises(ValueError):
        store.rollback(1)
    store.rollback(3)
    add(store, "e")
    add(store, "f")
    assert 3 not in [info.version for info in store.versions()]
    assert store.current_version() == 6


def test_same_bytes_in_the_same_scope_are_a_duplicate(tmp_path: Path):
    store = IndexStore(tmp_path / "index")
    add(store, "shared-guide", sha="abc")
    add(store, "alice-statement", scope="private", owner="alice", sha="def")

    assert store.find_by_hash("abc", "shared", "admin").doc_id == "shared-guide"
    assert store.find_by_hash("abc", "private", "bob").doc_id == "shared-guide", "bob already sees it"
    assert store.find_by_hash("def", "private", "alice").doc_id == "alice-statement"
    assert store.find_by_hash("def", "private", "bob") is None, "bob's copy is his own document"
    assert store.find_by_hash("def", "shared", "admin") is None
    with pytest.raises(DuplicateDocumentError) as caught:
        add(store, "again", sha="abc")
    assert caught.value.existing.doc_id == "shared-guide"


def test_borrower_b_never_sees_borrower_a_private_chunks(tmp_path: Path):
    store = IndexStore(tmp_path / "index")
    add(store, "guide", count=20, seed=1)
    _, alice_vectors = add(store, "alice-paystub", scope="private", owner="alice", count=8, seed=2)
    add(store, "bob-statement", scope="private", owner="bob", count=8, seed=3)

    for query in alice_vectors:
        bob_hits = store.search(query, 10, "bob")
        assert len(bob_hits) == 10
        assert "alice-paystub" not in doc_ids(bob_hits)
        assert bob_hits[0].score < 0.99
        assert store.search(query, 1, "alice")[0].chunk.doc_id == "alice-paystub"
    assert doc_ids(store.search(alice_vectors[0], 100, None)) == {"guide"}
    assert len(store.search(alice_vectors[0], 100, "bob")) == 28
    assert {record.doc_id for record in store.documents("bob")} == {"guide", "bob-statement"}


def test_filtering_still_returns_k_results_when_most_chunks_are_hidden(tmp_path: Path):
    store = IndexStore(tmp_path / "index")
    _, private = add(store, "alice-big", scope="private", owner="alice", count=500, seed=4)
    add(store, "guide", count=3, seed=5)

    hits = store.search(private[0], 3, "bob")

    assert doc_ids(hits) == {"guide"} and len(hits) == 3


def test_large_indexes_switch_to_ivf_and_keep_scopes(tmp_path: Path):
    store = IndexStore(tmp_path / "index", ivf_threshold=1000)
    centers = unit_vectors(40, 7)
    rng = np.random.default_rng(8)
    clustered = centers[rng.integers(0, 40, 3000)] + 0.05 * rng.normal(size=(3000, DIMENSION))
    clustered = (clustered / np.linalg.norm(clustered, axis=1, keepdims=True)).astype(np.float32)
    chunks = [Chunk(f"passage {index}", 1, 0, 1) for index in range(3000)]
    store.add_document(
        DocumentRecord("bulk", "Bulk", "bulk.txt", "s1", "shared", "system"), chunks[:900], clustered[:900]
    )
    assert store.versions()[-1].index_type == "flat"
    store.add_document(
        DocumentRecord("more", "More", "more.txt", "s2", "shared", "system"),
        chunks[900:2800],
        clustered[900:2800],
    )
    _, secret = add(store, "secret", scope="private", owner="alice", count=200, seed=9)

    info = store.versions()[-1]
    assert info.index_type == "ivf" and info.vector_count == 3000
    flat = faiss.IndexFlatIP(DIMENSION)
    flat.add(clustered[:2800])
    queries = clustered[2800:2850]
    _, exact = flat.search(queries, 10)
    recalls = []
    for query, truth in zip(queries, exact, strict=True):
        found = {hit.chunk.chunk_id for hit in store.search(query, 10, "bob")}
        recalls.append(len(found & set(truth.tolist())) / 10)
    assert np.mean(recalls) >= 0.9
    assert "secret" not in doc_ids(store.search(secret[0], 50, "bob"))
    assert store.search(secret[0], 1, "alice")[0].chunk.doc_id == "secret"
    store.delete_document("secret")
    assert "secret" not in doc_ids(store.search(secret[0], 50, "alice"))


@pytest.mark.parametrize("ivf_threshold", [10_000, 100], ids=["flat", "ivf"])
def test_exact_similarities_of_chosen_chunks_survive_a_reload(tmp_path: Path, ivf_threshold: int):
    """Hybrid retrieval scores lexical-only candidates with these: they must be the exact cosines."""
    writer = IndexStore(tmp_path / "index", ivf_threshold=ivf_threshold)
    _, first = add(writer, "first", count=150, seed=1)
    _, second = add(writer, "second", count=150, seed=2)
    stored = np.vstack([first, second])
    reader = IndexStore(tmp_path / "index", ivf_threshold=ivf_threshold)
    query = unit_vectors(1, 3)[0]

    wanted = [0, 7, 151, 299, 10_000]
    similarities = reader.similarities(query, wanted)

    assert sorted(similarities) == [0, 7, 151, 299], "unknown ids are left out"
    for chunk_id, similarity in similarities.items():
        assert similarity == pytest.approx(float(stored[chunk_id] @ query), abs=1e-5)
    assert reader.versions()[-1].index_type == ("ivf" if ivf_threshold == 100 else "flat")


def test_concurrent_writers_never_lose_a_document(tmp_path: Path):
    script = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_store import add
        from kb.store import IndexStore
        store = IndexStore({str(tmp_path / "index")!r})
        for number in range(4):
            add(store, f"{{sys.argv[1]}}-{{number}}")
        """
    )
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    writers = [
        subprocess.Popen([sys.executable, "-c", script, name], env=environment, cwd=PROJECT_ROOT)
        for name in ("left", "right", "middle")
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0]

    store = IndexStore(tmp_path / "index")
    assert store.current_version() == 12
    assert len(store.documents()) == 12
    assert store.versions()[-1].vector_count == 60
