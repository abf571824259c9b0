"""`apfa eval retrieval`: BEIR loading, metric definitions, the resumable vector cache and the end-to-end report.

A bag-of-words hashing embedder stands in for the model so the whole path (chunk → embed → index → search →
score) runs in a second; the real model's figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from apfa.settings import Settings
from evals import embedding_cache
from evals.beir import load_beir
from evals.embedding_cache import embed_with_cache
from evals.retrieval import (
    best_chunk_per_document,
    evaluate_retrieval,
    ndcg_at,
    recall_at,
    reciprocal_rank_at,
    score_rankings,
)

CORPUS = {
    "d1": ("Escrow", "An escrow account pays property taxes and homeowners insurance."),
    "d2": ("", "Private mortgage insurance can be cancelled at 80 percent loan-to-value."),
    "d3": ("", "An adjustable-rate mortgage resets after its introductory period."),
    "d4": ("", "Closing costs include appraisal, title insurance and origination fees."),
}
QUERIES = {
    "q1": "how is property tax paid from escrow",
    "q2": "cancel private mortgage insurance",
    "q3": "question nobody judged",
}
QRELS = [("q1", "d1", 1), ("q2", "d2", 1), ("q2", "d4", 0)]


class HashingEmbedder:
    """Deterministic word-hashing vectors; counts how many texts it was asked to embed."""

    name = "hashing-test"
    precision = "fp32"
    max_tokens = 64
    dimension = 64

    def __init__(self) -> None:
        self.embedded = 0

    def embed_documents(self, texts, on_progress=None) -> np.ndarray:
        self.embedded += len(texts)
        if on_progress:
            on_progress(len(texts), len(texts))
        return np.stack([self.embed_query(text) for text in texts]) if texts else np.zeros((0, 64), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-9)


@pytest.fixture
def beir(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "beir"
    (root / "qrels").mkdir(parents=True)
    with open(root / "corpus.jsonl", "w", encoding="utf-8") as handle:
        for doc_id, (title, text) in CORPUS.items():
            handle.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    with open(root / "queries.jsonl", "w", encoding="utf-8") as handle:
        for query_id, text in QUERIES.items():
            handle.write(json.dumps({"_id": query_id, "text": text, "metadata": {}}) + "\n")
    lines = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t{s}" for q, d, s in QRELS]
    (root / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"corpus": root / "corpus.jsonl", "queries": root / "queries.jsonl", "qrels": root / "qrels" / "test.tsv"}


def test_load_beir_keeps_judged_queries_positive_judgements_and_titles(beir):
    dataset = load_beir(beir["corpus"], beir["queries"], beir["qrels"])

    assert set(dataset.queries) == {"q1", "q2"}
    assert dataset.qrels == {"q1": {"d1": 1}, "q2": {"d2": 1}}
    assert dataset.corpus["d1"].startswith("Escrow An escrow account")
    assert len(dataset.corpus_sha256) == 64


def test_metrics_match_hand_computed_values():
    relevant = {"a": 1, "b": 1}
    ranking = ["x", "a", "y", "b"]

    assert ndcg_at(ranking, relevant, 10) == pytest.approx((1 / np.log2(3) + 1 / np.log2(5)) / (1 + 1 / np.log2(3)))
    assert recall_at(ranking, relevant, 2) == 0.5 and recall_at(ranking, relevant, 10) == 1.0
    assert reciprocal_rank_at(ranking, relevant, 10) == 0.5
    assert reciprocal_rank_at(ranking, relevant, 1) == 0.0
    assert score_rankings({"q": ["a", "b"]}, {"q": relevant, "missing": {"z": 1}})["ndcg@10"] == pytest.approx(0.5)


def test_a_document_is_ranked_by_its_best_chunk():
    doc_of_chunk = ["d1", "d1", "d2", "d3", "d2"]
    assert best_chunk_per_document(doc_of_chunk, [1, 0, 4, 3, 2], depth=10) == ["d1", "d2", "d3"]
    assert best_chunk_per_document(doc_of_chunk, [4, 3, 0], depth=2) == ["d2", "d3"]


def test_cache_embeds_each_text_once_and_resumes_after_an_interruption(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(embedding_cache, "CACHE_BLOCK", 2)
    embedder = HashingEmbedder()
    texts = ["alpha", "beta", "gamma", "delta", "alpha"]

    class Interrupted(Exception):
        pass

    calls = {"n": 0}
    original = embedder.embed_documents

    def fails_on_second_block(block, on_progress=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Interrupted
        return original(block, on_progress)

    monkeypatch.setattr(embedder, "embed_documents", fails_on_second_block)
    with pytest.raises(Interrupted):
        embed_with_cache(texts, embedder, tmp_path)
    monkeypatch.setattr(embedder, "embed_documents", original)

    vectors, run = embed_with_cache(texts, embedder, tmp_path)
    assert embedder.embedded == 4, "the first block survived; 'alpha' is embedded once although listed twice"
    assert run.embedded == 2 and run.rate is not None
    np.testing.assert_allclose(vectors[0], vectors[4])
    np.testing.assert_allclose(vectors[3], embedder.embed_query("delta"))

    again, run = embed_with_cache(texts[:3], embedder, tmp_path)
    assert embedder.embedded == 4 and run.rate is None, "a subset of a cached corpus only searches"
    np.testing.assert_allclose(again, vectors[:3])


def test_cache_finds_texts_whose_digest_ends_in_a_zero_byte(tmp_path: Path):
    """numpy's fixed-width bytes drop trailing NULs; such a digest must still hit the cache."""
    text = next(
        f"passage {number}"
        for number in range(100_000)
        if hashlib.blake2b(f"passage {number}".encode(), digest_size=16).digest().endswith(b"\0")
    )
    embedder = HashingEmbedder()
    embed_with_cache([text], embedder, tmp_path)
    _, run = embed_with_cache([text], embedder, tmp_path)
    assert run.embedded == 0 and embedder.embedded == 1


@pytest.mark.parametrize("mode", ["dense", "hybrid", "rrf"])
def test_evaluate_retrieval_reports_every_figure_and_caches_the_corpus(beir, data_dir: Path, mode: str):
    embedder = HashingEmbedder()
    console = Console(record=True, width=140)

    report = evaluate_retrieval(
        **beir, settings=Settings(), split_name="test", console=console, mode=mode, embedder=embedder
    )

    for key in ("ndcg@10", "recall@10", "recall@100", "mrr@10", "queries", "docs", "docs_per_s"):
        assert key in report
    assert report["queries"] == 2 and report["docs"] == 4 and report["mode"] == mode
    assert report["recall@100"] == 1.0 and report["ndcg@10"] > 0.6
    assert report["docs_per_s"] > 0 and report["p95_ms"] >= report["p50_ms"] > 0
    assert "nDCG@10" in console.export_text()
    assert list((data_dir / "eval_cache").glob("*/block-*.npz"))

    second = evaluate_retrieval(
        **beir, settings=Settings(), split_name="test", console=Console(quiet=True), mode=mode, embedder=embedder
    )
    assert embedder.embedded == 4, "the second run only searches"
    assert second["ndcg@10"] == report["ndcg@10"] and second["docs_per_s"] > 0, "throughput survives the cache"
