"""Hybrid retrieval (BM25 + dense) keeps scopes on the lexical side and follows every index version.

Vectors are hand-made so each test controls what the dense side sees; BM25 runs for real (bm25s).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from apfa.settings import RetrievalMode, Settings
from ingest.chunking import Chunk
from kb.bm25 import lexical_index
from kb.search import SearchOptions, expand_query, search_chunks
from kb.store import DocumentRecord, IndexStore
from tools import retrieval

DIMENSION = 8

SHIPPED = SearchOptions.from_settings(Settings())


def search(store, query, vector, k, user, **overrides):
    """search_chunks with the shipped options, as the chat uses them, but for the ones a test varies."""
    return search_chunks(store, query, vector, k, user, replace(SHIPPED, **overrides))


def unit(*weights: float) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[: len(weights)] = weights
    return vector / np.linalg.norm(vector)


QUERY_VECTOR = unit(1.0)
LEXICAL_HEAVY = 0.2


def add(store: IndexStore, doc_id: str, text: str, vector: np.ndarray, scope: str = "shared", owner: str = "system"):
    record = DocumentRecord(
        doc_id=doc_id, title=doc_id.title(), filename=f"{doc_id}.txt", sha256=doc_id, scope=scope, owner=owner
    )
    return store.add_document(record, [Chunk(text=text, page=1, start=0, end=len(text))], vector.reshape(1, -1))


@pytest.fixture
def store(tmp_path: Path) -> IndexStore:
    store = IndexStore(tmp_path / "index", embedding_model="test", ivf_threshold=1_000_000)
    add(store, "escrow", "Escrow accounts collect property taxes with each payment.", unit(1.0, 0.2))
    add(store, "arm", "Adjustable-rate mortgages reset after the introductory period.", unit(0.9, 0.5))
    add(store, "pmi", "Private mortgage insurance ends at 78 percent loan-to-value.", unit(0.1, 1.0))
    return store


def doc_ids(hits) -> list[str]:
    return [hit.chunk.doc_id for hit in hits]


def test_an_exact_term_lifts_a_passage_the_dense_side_ranks_last(store: IndexStore):
    query = "when does private mortgage insurance end"

    dense = search(store, query, QUERY_VECTOR, 3, None, mode="dense")
    hybrid = search(store, query, QUERY_VECTOR, 3, None, mode="hybrid", dense_weight=0.5)
    rrf = search(store, query, QUERY_VECTOR, 3, None, mode="rrf")

    assert doc_ids(dense)[-1] == "pmi"
    assert doc_ids(hybrid)[0] == "pmi"
    assert doc_ids(rrf)[0] == "pmi"


def test_a_question_naming_a_sample_form_finds_it_by_its_file_name_title(store: IndexStore):
    form = "\n".join([f"Fee line {n} ${n * 10}" for n in range(24)] + ["Appraisal Fee $305"])
    record = DocumentRecord(
        doc_id="le",
        title="adjustable_rate_loan_estimate.pdf",
        filename="le.pdf",
        sha256="le",
        scope="shared",
        owner="system",
    )
    store.add_document(record, [Chunk(text=form, page=1, start=0, end=len(form))], unit(0.0, 0.0, 1.0).reshape(1, -1))

    _, chunks = store.chunks_at_current_version()
    for query in ("on the sample arm estimate", "sample adjustable rate loan estimate"):
        assert [chunks[chunk_id].doc_id for chunk_id, _ in lexical_index(store).search(query, 1, None)] == ["le"]


def test_weight_one_is_dense_order_and_scores_stay_cosines(store: IndexStore):
    query = "private mortgage insurance"
    dense = search(store, query, QUERY_VECTOR, 3, None, mode="dense")
    only_dense = search(store, query, QUERY_VECTOR, 3, None, mode="hybrid", dense_weight=1.0)
    lexical_first = search(store, query, QUERY_VECTOR, 3, None, mode="hybrid", dense_weight=0.0)

    assert doc_ids(only_dense) == doc_ids(dense)
    assert doc_ids(lexical_first)[0] == "pmi"
    cosines = {hit.chunk.doc_id: hit.score for hit in dense}
    for hit in lexical_first:
        assert hit.score == pytest.approx(cosines[hit.chunk.doc_id], abs=1e-6)


def test_lexical_side_never_returns_another_borrowers_private_chunk(store: IndexStore):
    alice_text, bob_text = "Pay stub of Zephyrine Quillfeather, Riverside Dental.", "Bob's pay stub, hardware store."
    add(store, "alice-stub", alice_text, unit(0.0, 0.0, 1.0), "private", "alice")
    add(store, "bob-stub", bob_text, unit(0.0, 0.0, 0.0, 1.0), "private", "bob")
    query = "Zephyrine Quillfeather pay stub"

    for mode in ("hybrid", "rrf"):
        bob_hits = search(store, query, QUERY_VECTOR, 10, "bob", mode=mode, dense_weight=LEXICAL_HEAVY)
        anonymous_hits = search(store, query, QUERY_VECTOR, 10, None, mode=mode, dense_weight=LEXICAL_HEAVY)
        alice_hits = search(store, query, QUERY_VECTOR, 10, "alice", mode=mode, dense_weight=LEXICAL_HEAVY)

        assert "alice-stub" not in doc_ids(bob_hits) and "bob-stub" in doc_ids(bob_hits)
        assert not {"alice-stub", "bob-stub"} & set(doc_ids(anonymous_hits))
        assert doc_ids(alice_hits)[0] == "alice-stub"
    _, chunks = store.chunks_at_current_version()
    bob_lexical = lexical_index(store).search(query, 10, "bob")
    assert bob_lexical and all(chunks[chunk_id].owner != "alice" for chunk_id, _ in bob_lexical)


def test_new_upload_is_found_lexically_and_a_deleted_one_is_gone(store: IndexStore):
    query = "balloon payment clause"
    before = lexical_index(store)
    assert (
        search(store, query, QUERY_VECTOR, 3, None, mode="hybrid", dense_weight=LEXICAL_HEAVY)[0].chunk.doc_id
        != "balloon"
    )

    version = add(store, "balloon", "A balloon payment clause leaves a large final payment.", unit(0.0, 0.0, 0.0, 1.0))

    assert lexical_index(store).version == version != before.version
    assert (
        search(store, query, QUERY_VECTOR, 3, None, mode="hybrid", dense_weight=LEXICAL_HEAVY)[0].chunk.doc_id
        == "balloon"
    )
    assert "balloon" in doc_ids(search(store, query, QUERY_VECTOR, 2, None, mode="rrf"))

    store.delete_document("balloon")

    assert "balloon" not in doc_ids(
        search(store, query, QUERY_VECTOR, 4, None, mode="hybrid", dense_weight=LEXICAL_HEAVY)
    )


def test_a_second_process_store_sees_the_new_version_too(store: IndexStore, tmp_path: Path):
    reader = IndexStore(tmp_path / "index", embedding_model="test")
    assert search(reader, "escrow", QUERY_VECTOR, 1, None, mode="hybrid")[0].chunk.doc_id == "escrow"

    add(store, "heloc", "A HELOC is a revolving line secured by home equity.", unit(0.0, 0.0, 0.0, 1.0))

    hits = search(reader, "heloc revolving line", QUERY_VECTOR, 1, None, mode="hybrid", dense_weight=LEXICAL_HEAVY)
    assert doc_ids(hits) == ["heloc"]


def test_queries_without_known_words_fall_back_to_dense(store: IndexStore):
    dense = search(store, "the of and", QUERY_VECTOR, 2, None, mode="dense")
    assert doc_ids(search(store, "the of and", QUERY_VECTOR, 2, None, mode="hybrid")) == doc_ids(dense)
    empty = IndexStore(store.root.parent / "empty")
    assert search(empty, "escrow", QUERY_VECTOR, 2, None, mode="hybrid") == []


def test_retrieve_uses_the_configured_mode_and_weight(store: IndexStore, monkeypatch: pytest.MonkeyPatch):
    class FixedEmbedder:
        def embed_query(self, text: str) -> np.ndarray:
            return QUERY_VECTOR

    monkeypatch.setattr(retrieval, "get_embedder", lambda precision: FixedEmbedder())
    settings = Settings(APFA_RETRIEVAL_MODE="hybrid", APFA_HYBRID_DENSE_WEIGHT=LEXICAL_HEAVY, APFA_RETRIEVAL_K=1)
    configured = retrieval.Retriever(store, SearchOptions.from_settings(settings), settings.retrieval_k)
    dense = replace(configured, options=replace(configured.options, mode=RetrievalMode.DENSE))
    query = "private mortgage insurance end"
    assert dense(query, None)[0].doc_id == "escrow"
    assert configured(query, None)[0].doc_id == "pmi"


def test_unknown_mode_is_refused(store: IndexStore):
    with pytest.raises(ValueError, match="not a valid RetrievalMode"):
        search(store, "escrow", QUERY_VECTOR, 2, None, mode="sparse")


def test_query_feedback_learns_only_from_chunks_the_user_may_see(store: IndexStore):
    add(store, "alice-note", "Alice's private budget note.", unit(1.0, 0.0, 0.0, 1.0), "private", "alice")
    _, chunks = store.chunks_at_current_version()
    shared = [cid for cid, chunk in chunks.items() if chunk.scope == "shared"]

    expanded = expand_query(store, QUERY_VECTOR, "bob", weight=1.0, depth=2)

    nearest_two = [hit.chunk.chunk_id for hit in store.search(QUERY_VECTOR, 2, "bob")]
    assert set(nearest_two) <= set(shared)
    manual = QUERY_VECTOR + store.vectors(nearest_two).mean(axis=0)
    assert np.allclose(expanded, manual / np.linalg.norm(manual), atol=1e-6)
    assert expanded[3] == 0.0, "nothing of Alice's note leaks into Bob's query"


@pytest.mark.parametrize("mode", ["dense", "hybrid", "rrf"])
def test_feedback_and_mmr_keep_the_questions_cosine_as_score(store: IndexStore, mode: str):
    hits = search(store, "escrow property taxes", QUERY_VECTOR, 3, None, mode=mode, feedback_weight=1.0, mmr_lambda=0.5)

    cosine = store.similarities(QUERY_VECTOR, [hit.chunk.chunk_id for hit in hits])
    assert len(hits) == 3 and all(hit.score == pytest.approx(cosine[hit.chunk.chunk_id]) for hit in hits)


def test_mmr_gives_a_near_duplicate_slot_to_a_different_passage(store: IndexStore):
    add(store, "escrow-copy", "Escrow accounts collect property taxes with every payment.", unit(1.0, 0.21))
    add(store, "heloc", "A home equity line of credit is a revolving loan.", unit(0.8, -0.6))

    plain = doc_ids(search(store, "", QUERY_VECTOR, 2, None, mode="dense", mmr_lambda=1.0))
    diverse = doc_ids(search(store, "", QUERY_VECTOR, 2, None, mode="dense", mmr_lambda=0.5))

    assert plain == ["escrow", "escrow-copy"]
    assert diverse == ["escrow", "heloc"]


@pytest.mark.parametrize("stemming", [True, False])
def test_bm25_matches_other_forms_of_a_word_when_stemming(tmp_path: Path, stemming: bool):
    store = IndexStore(tmp_path / "index", embedding_model="test", ivf_threshold=1_000_000)
    add(store, "late", "Servicers report payments that arrive more than 30 days late.", unit(0.0, 1.0))
    add(store, "escrow", "Escrow accounts collect property taxes.", unit(1.0))

    found = [chunk_id for chunk_id, _ in lexical_index(store, stemming).search("reporting a missed payment", 5, None)]

    _, chunks = store.chunks_at_current_version()
    assert [chunks[chunk_id].doc_id for chunk_id in found] == (["late"] if stemming else [])
