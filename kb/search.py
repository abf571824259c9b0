"""Query-time search: dense, BM25 (`kb.bm25`) and their fusion, scoped to what the user may see.

Fusion modes (`retrieval_mode`):
- `dense`: cosine similarity only.
- `hybrid`: `w·cosine + (1-w)·bm25/max_bm25` over the union of both candidate lists. Both scores are exact
  for every candidate (cosines are looked up in the index, BM25 is computed for every chunk), and neither
  scale depends on how many candidates were taken, so a chunk's fused score is the same whatever `k` is.
- `rrf`: reciprocal rank fusion, `Σ 1/(60 + rank)`.

Two optional steps, off by default (docs/benchmarks.md has their FiQA figures):
- query feedback (`query_feedback_weight` β > 0): Rocchio pseudo-relevance feedback; the query vector moves
  toward the mean of its `query_feedback_depth` nearest chunks the user may see, `q' = q + β·mean(d)`,
  before the search above;
- MMR (`mmr_lambda` λ < 1): the ranked pool is re-ordered greedily by `λ·relevance − (1−λ)·max cosine to
  the chunks already chosen`, so near-duplicate passages do not fill the answer's few source slots.

Hits are ordered by the fused score but keep their cosine with the question as `score`, so the answer's
relevance gate (`retrieval_min_score`) means the same thing in every mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from apfa.settings import RetrievalMode, Settings
from kb.bm25 import lexical_index
from kb.store import Hit, IndexStore

RRF_K = 60
CANDIDATES = 100


@dataclass(frozen=True)
class SearchOptions:
    """How to rank: the fusion mode and weight, the optional steps, and BM25 stemming (module docstring)."""

    mode: RetrievalMode
    dense_weight: float
    stemming: bool
    feedback_weight: float
    feedback_depth: int
    mmr_lambda: float
    candidates: int = CANDIDATES

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchOptions:
        return cls(
            mode=settings.retrieval_mode,
            dense_weight=settings.hybrid_dense_weight,
            stemming=settings.bm25_stemming,
            feedback_weight=settings.query_feedback_weight,
            feedback_depth=settings.query_feedback_depth,
            mmr_lambda=settings.mmr_lambda,
        )


MMR_POOL = 20


def search_chunks(
    store: IndexStore,
    query: str,
    query_vector: np.ndarray,
    k: int,
    user: str | None,
    options: SearchOptions,
) -> list[Hit]:
    """The product's retrieval: top-k chunks `user` may see for `query`, ranked per `options`."""
    mode = RetrievalMode(options.mode)
    if k <= 0:
        return []
    feedback_weight, mmr_lambda = options.feedback_weight, options.mmr_lambda
    query_vector = np.asarray(query_vector, dtype=np.float32).reshape(-1)
    search_vector = query_vector
    if feedback_weight > 0:
        search_vector = expand_query(store, query_vector, user, feedback_weight, options.feedback_depth)
    wanted = max(k, MMR_POOL) if mmr_lambda < 1 else k
    ranked = _ranked(store, query, search_vector, wanted, user, mode, options)
    if mmr_lambda < 1:
        ranked = _maximal_marginal_relevance(store, ranked, mmr_lambda, k)
    ranked = ranked[:k]
    cosine = {chunk_id: similarity for chunk_id, _, similarity in ranked}
    if search_vector is not query_vector:
        cosine = store.similarities(query_vector, list(cosine))
    _, chunks = store.chunks_at_current_version()
    return [Hit(chunks[chunk_id], cosine[chunk_id]) for chunk_id, _, _ in ranked if chunk_id in chunks]


def expand_query(store: IndexStore, query_vector: np.ndarray, user: str | None, weight: float, depth: int):
    """Rocchio feedback from the `depth` nearest chunks `user` may see; the unit query if there are none."""
    first = store.search(query_vector, depth, user)
    if not first:
        return query_vector
    centroid = store.vectors([hit.chunk.chunk_id for hit in first]).mean(axis=0)
    expanded = query_vector + weight * centroid
    return expanded / max(float(np.linalg.norm(expanded)), 1e-12)


def _ranked(
    store: IndexStore,
    query: str,
    query_vector: np.ndarray,
    k: int,
    user: str | None,
    mode: RetrievalMode,
    options: SearchOptions,
) -> list[tuple[int, float, float]]:
    """(chunk id, ranking score, cosine with `query_vector`) best first; the ranking score is the cosine for
    dense and the fused score otherwise."""
    if mode == RetrievalMode.DENSE:
        return [(hit.chunk.chunk_id, hit.score, hit.score) for hit in store.search(query_vector, k, user)]
    pool = max(options.candidates, k)
    dense_hits = store.search(query_vector, pool, user)
    index = lexical_index(store, options.stemming)
    bm25 = index.scores(query, user)
    lexical = index.top(bm25, pool)
    if not lexical:
        return [(hit.chunk.chunk_id, hit.score, hit.score) for hit in dense_hits[:k]]
    cosine = {hit.chunk.chunk_id: hit.score for hit in dense_hits}
    lexical_only = [chunk_id for chunk_id, _ in lexical if chunk_id not in cosine]
    cosine.update(store.similarities(query_vector, lexical_only))
    if mode == RetrievalMode.RRF:
        fused = _reciprocal_rank_fusion([hit.chunk.chunk_id for hit in dense_hits], [cid for cid, _ in lexical])
    else:
        best_bm25, weight = lexical[0][1], options.dense_weight
        fused = {
            chunk_id: weight * similarity + (1 - weight) * float(bm25[index.positions[chunk_id]]) / best_bm25
            for chunk_id, similarity in cosine.items()
            if chunk_id in index.positions
        }
    ranked = sorted(fused, key=lambda chunk_id: (-fused[chunk_id], chunk_id))
    return [(chunk_id, fused[chunk_id], cosine[chunk_id]) for chunk_id in ranked[:k]]


def _maximal_marginal_relevance(
    store: IndexStore, ranked: list[tuple[int, float, float]], mmr_lambda: float, k: int
) -> list[tuple[int, float, float]]:
    """Greedy MMR over the ranked pool; relevance is the ranking score scaled to [0, 1] within the pool."""
    if len(ranked) <= 1:
        return ranked
    vectors = store.vectors([chunk_id for chunk_id, _, _ in ranked])
    scores = np.asarray([score for _, score, _ in ranked], dtype=np.float32)
    spread = float(scores.max() - scores.min())
    relevance = (scores - scores.min()) / spread if spread > 0 else np.ones_like(scores)
    similarity = vectors @ vectors.T
    chosen: list[int] = []
    redundancy = np.full(len(ranked), -np.inf, dtype=np.float32)
    remaining = np.ones(len(ranked), dtype=bool)
    while remaining.any() and len(chosen) < k:
        penalty = np.where(np.isfinite(redundancy), redundancy, 0.0)
        value = np.where(remaining, mmr_lambda * relevance - (1 - mmr_lambda) * penalty, -np.inf)
        best = int(np.argmax(value))
        chosen.append(best)
        remaining[best] = False
        redundancy = np.maximum(redundancy, similarity[best])
    rest = [position for position in range(len(ranked)) if remaining[position]]
    return [ranked[position] for position in chosen + rest]


def _reciprocal_rank_fusion(*rankings: Sequence[int]) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    return fused
