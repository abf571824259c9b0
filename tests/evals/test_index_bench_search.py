"""`apfa bench search` on real MiniLM vectors: it reports every index type by size and shares the eval cache."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from apfa.settings import Settings
from evals.embedding_cache import embed_with_cache
from evals.index_bench import bench_search
from evals.retrieval import chunk_corpus
from kb.embedding import get_embedder

TOPICS = ["escrow", "private mortgage insurance", "closing costs", "an adjustable rate", "a home equity line"]


def write_beir(root: Path, passages: int) -> Path:
    corpus = root / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as handle:
        for n in range(passages):
            text = f"Passage {n} explains {TOPICS[n % len(TOPICS)]} for borrower case {n * 7}."
            handle.write(json.dumps({"_id": str(n), "title": "", "text": text}) + "\n")
    with open(root / "queries.jsonl", "w", encoding="utf-8") as handle:
        for n, topic in enumerate(TOPICS * 2):
            handle.write(json.dumps({"_id": f"q{n}", "text": f"what is {topic}"}) + "\n")
    return corpus


def test_bench_search_reports_each_index_by_size_from_cached_real_vectors(data_dir: Path, monkeypatch):
    corpus = write_beir(data_dir, 60)
    embedder = get_embedder()
    texts = chunk_corpus({str(n): json.loads(line)["text"] for n, line in enumerate(corpus.open())}, 900, 150).texts
    embed_with_cache(texts, embedder, data_dir / "eval_cache")
    embedded: list[int] = []
    real_embed = embedder.embed_documents
    monkeypatch.setattr(
        embedder, "embed_documents", lambda batch, **kw: embedded.append(len(batch)) or real_embed(batch, **kw)
    )

    settings = Settings(APFA_DATA_DIR=str(data_dir))
    report = bench_search(corpus, [60, 200], settings, Console(quiet=True), sample=60, query_count=10)

    assert embedded == [5], "passages come from the eval cache; only the 5 distinct queries are embedded"
    assert report["real_vectors"] == 60 and report["queries"] == 10
    for size in ("60", "200"):
        figures = report["sizes"][size]
        assert set(figures) == {"flat", "ivf", "hnsw"}
        assert figures["flat"]["recall_at_10"] == 1.0
        for kind in ("ivf", "hnsw"):
            assert 0.0 < figures[kind]["recall_at_10"] <= 1.0
            assert 0 < figures[kind]["p50_ms"] <= figures[kind]["p95_ms"]
