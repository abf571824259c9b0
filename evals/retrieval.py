"""Retrieval quality on a BEIR-format dataset, measured with the product's own chunker, embedder, index and search.

Each passage is chunked like an upload and a document is scored by its best chunk. Embedding the corpus is
the slow part (about an hour for FiQA's 57.6K passages on two cores), so vectors are cached under
`data_dir/eval_cache/` keyed by the corpus bytes, the model and every setting that changes them, and the
cache is written in blocks so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from apfa.settings import RetrievalMode, Settings
from evals.beir import BeirDataset, load_beir
from evals.embedding_cache import EmbeddingRun, cache_key, embed_with_cache, progress_bar
from ingest.chunking import Chunk, chunk_pages
from ingest.parsing import Page
from kb.bm25 import lexical_index
from kb.embedding import Embedder, get_embedder
from kb.search import SearchOptions, search_chunks
from kb.store import DocumentRecord, IndexStore

RANKING_DEPTH = 100
CHUNK_DEPTH = 200


@dataclass(frozen=True)
class ChunkedCorpus:
    chunks: list[Chunk]
    doc_ids: list[str]

    @property
    def texts(self) -> list[str]:
        return [chunk.text for chunk in self.chunks]


def chunk_corpus(corpus: Mapping[str, str], size: int, overlap: int) -> ChunkedCorpus:
    """Every passage through the upload chunker; most FiQA passages stay one chunk."""
    chunks: list[Chunk] = []
    doc_ids: list[str] = []
    for doc_id, text in corpus.items():
        for chunk in chunk_pages([Page(number=1, text=text)], size=size, overlap=overlap):
            chunks.append(chunk)
            doc_ids.append(doc_id)
    return ChunkedCorpus(chunks, doc_ids)


def ndcg_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    gains = sum(relevant.get(doc_id, 0) / math.log2(rank + 2) for rank, doc_id in enumerate(ranking[:k]))
    ideal = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(sorted(relevant.values(), reverse=True)[:k]))
    return gains / ideal if ideal > 0 else 0.0


def recall_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    return len(set(ranking[:k]) & set(relevant)) / len(relevant) if relevant else 0.0


def reciprocal_rank_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    return next((1.0 / (rank + 1) for rank, doc_id in enumerate(ranking[:k]) if doc_id in relevant), 0.0)


def score_rankings(rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """Mean nDCG@10, recall@10, recall@100 and MRR@10 over the judged queries (BEIR definitions)."""
    judged = [query_id for query_id in qrels if qrels[query_id]]
    if not judged:
        return {"ndcg@10": 0.0, "recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}

    def mean(metric, k: int) -> float:
        return float(np.mean([metric(rankings.get(query_id, []), qrels[query_id], k) for query_id in judged]))

    return {
        "ndcg@10": mean(ndcg_at, 10),
        "recall@10": mean(recall_at, 10),
        "recall@100": mean(recall_at, 100),
        "mrr@10": mean(reciprocal_rank_at, 10),
    }


def best_chunk_per_document(doc_ids: Sequence[str], chunk_ids: Sequence[int], depth: int) -> list[str]:
    """Documents in the order of their best-ranked chunk."""
    ranking: list[str] = []
    seen: set[str] = set()
    for chunk_id in chunk_ids:
        doc_id = doc_ids[chunk_id]
        if doc_id not in seen:
            seen.add(doc_id)
            ranking.append(doc_id)
            if len(ranking) == depth:
                break
    return ranking


def evaluate_retrieval(
    corpus: Path,
    queries: Path,
    qrels: Path,
    settings: Settings,
    split_name: str = "test",
    console: Console | None = None,
    *,
    mode: RetrievalMode | None = None,
    dense_weight: float | None = None,
    embedder: Embedder | None = None,
    chunk_size: int | None = None,
    chunk_overlap: int | None = None,
) -> dict:
    """Index a BEIR dataset the way uploads are indexed, search it the way the chat does, and score it.

    Search follows `settings` (as the chat does); `mode` and `dense_weight` override it for comparisons."""
    console = console or Console()
    options = SearchOptions.from_settings(settings)
    options = replace(
        options,
        mode=RetrievalMode(mode or options.mode),
        dense_weight=options.dense_weight if dense_weight is None else dense_weight,
    )
    mode = options.mode
    embedder = embedder or get_embedder()
    chunk_size = settings.chunk_size if chunk_size is None else chunk_size
    chunk_overlap = settings.chunk_overlap if chunk_overlap is None else chunk_overlap

    dataset = load_beir(corpus, queries, qrels)
    started = time.perf_counter()
    chunked = chunk_corpus(dataset.corpus, chunk_size, chunk_overlap)
    chunking_seconds = time.perf_counter() - started
    console.print(
        f"{split_name}: {len(dataset.corpus):,} documents → {len(chunked.chunks):,} chunks "
        f"(size {chunk_size}, overlap {chunk_overlap}), {len(dataset.qrels):,} judged queries, mode {mode}"
    )
    cache_dir = settings.data_dir / "eval_cache"
    vectors, embedding = embed_with_cache(chunked.texts, embedder, cache_dir, console)
    embedding_seconds = _corpus_embedding_seconds(
        cache_dir / cache_key(embedder) / "throughput.json", dataset, chunked, embedding
    )

    with tempfile.TemporaryDirectory(prefix="apfa-eval-") as directory:
        store = IndexStore(Path(directory), embedding_model=embedder.name, ivf_threshold=settings.ivf_threshold)
        started = time.perf_counter()
        store.add_document(
            DocumentRecord(
                doc_id="beir-corpus",
                title="",
                filename=corpus.name,
                sha256=dataset.corpus_sha256,
                scope="shared",
                owner="",
            ),
            chunked.chunks,
            vectors,
        )
        if mode != RetrievalMode.DENSE:
            lexical_index(store, options.stemming)
        index_seconds = time.perf_counter() - started
        rankings, latencies = _run_queries(store, embedder, dataset, chunked, options, settings.retrieval_k, console)

    metrics = score_rankings(rankings, dataset.qrels)
    indexing_seconds = embedding_seconds + chunking_seconds + index_seconds if embedding_seconds is not None else None
    report: dict[str, Any] = {
        **{name: round(value, 4) for name, value in metrics.items()},
        "queries": len(dataset.qrels),
        "docs": len(dataset.corpus),
        "chunks": len(chunked.chunks),
        "docs_per_s": round(len(dataset.corpus) / indexing_seconds, 2) if indexing_seconds else None,
        "mode": mode,
        "split": split_name,
        "chunking_s": round(chunking_seconds, 1),
        "index_build_s": round(index_seconds, 1),
        "p50_ms": round(float(np.percentile(latencies, 50)), 1) if latencies else None,
        "p95_ms": round(float(np.percentile(latencies, 95)), 1) if latencies else None,
    }
    if mode == RetrievalMode.HYBRID:
        report["dense_weight"] = options.dense_weight
    if settings.query_feedback_weight > 0:
        report["query_feedback"] = {"weight": settings.query_feedback_weight, "depth": settings.query_feedback_depth}
    if settings.mmr_lambda < 1:
        report["mmr_lambda"] = settings.mmr_lambda
    console.print(_report_table(report))
    return report


def _run_queries(
    store: IndexStore,
    embedder: Embedder,
    dataset: BeirDataset,
    chunked: ChunkedCorpus,
    options: SearchOptions,
    k: int,
    console: Console,
) -> tuple[dict[str, list[str]], list[float]]:
    """Rankings at evaluation depth, and the latency of one chat retrieval (embed + search at `k`)."""
    rankings: dict[str, list[str]] = {}
    latencies: list[float] = []
    with progress_bar(console) as progress:
        task = progress.add_task("searching", total=len(dataset.qrels))
        for query_id in dataset.qrels:
            text = dataset.queries[query_id]
            started = time.perf_counter()
            vector = embedder.embed_query(text)
            search_chunks(store, text, vector, k, None, options)
            latencies.append((time.perf_counter() - started) * 1000)
            hits = search_chunks(store, text, vector, CHUNK_DEPTH, None, options)
            chunk_ids = [hit.chunk.chunk_id for hit in hits]
            rankings[query_id] = best_chunk_per_document(chunked.doc_ids, chunk_ids, RANKING_DEPTH)
            progress.advance(task)
    return rankings, latencies


def _corpus_embedding_seconds(
    path: Path, dataset: BeirDataset, chunked: ChunkedCorpus, run: EmbeddingRun
) -> float | None:
    """Seconds to embed the whole corpus at the rate of every run that embedded part of it.

    Kept beside the cache so a run served from the cache still reports indexing throughput, and a resumed
    run adds up with the runs before it.
    """
    records = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    record = records.get(dataset.corpus_sha256, {"chunks": 0, "seconds": 0.0})
    if run.embedded:
        record = {"chunks": record["chunks"] + run.embedded, "seconds": record["seconds"] + run.seconds}
        records[dataset.corpus_sha256] = record
        path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    if not record["chunks"] or record["seconds"] <= 0:
        return None
    return record["seconds"] / record["chunks"] * len(chunked.chunks)


def _report_table(report: dict) -> Table:
    table = Table(title=f"Retrieval on {report['split']} ({report['mode']}, {report['docs']:,} docs)")
    for column in ("nDCG@10", "recall@10", "recall@100", "MRR@10", "queries", "docs/s", "p50 ms", "p95 ms"):
        table.add_column(column, justify="right")
    rate = report["docs_per_s"]
    table.add_row(
        f"{report['ndcg@10']:.4f}",
        f"{report['recall@10']:.4f}",
        f"{report['recall@100']:.4f}",
        f"{report['mrr@10']:.4f}",
        str(report["queries"]),
        f"{rate:.1f}" if rate is not None else "n/a",
        f"{report['p50_ms']}",
        f"{report['p95_ms']}",
    )
    return table
