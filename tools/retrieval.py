"""Retrieval over the knowledge base, scoped to what the asking user may see.

Dense, hybrid (BM25 + dense score fusion) or RRF per `retrieval_mode`; see `kb.search` for the
fusion and for how scopes are enforced on the lexical side. Each result keeps its document, page and
character offsets so the answer can cite its source exactly, and `score` is always the cosine similarity.
The store is shared per process and picks up newly ingested documents without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from apfa.settings import RetrievalMode, get_settings
from kb.embedding import get_embedder
from kb.search import SearchOptions, search_chunks
from kb.store import IndexStore, get_store


@dataclass(frozen=True)
class RetrievedChunk:
    doc_id: str
    title: str
    page: int
    start: int
    end: int
    text: str
    score: float
    scope: str = "shared"

    @property
    def citation(self) -> str:
        return f"{self.title}, p. {self.page}"


def retrieve(
    query: str,
    user: str | None,
    k: int | None = None,
    *,
    store: IndexStore | None = None,
    mode: RetrievalMode | None = None,
) -> list[RetrievedChunk]:
    """The k passages most relevant to `query` among shared documents and `user`'s private ones."""
    if not query.strip():
        return []
    settings = get_settings()
    k = settings.retrieval_k if k is None else k
    store = store or get_store(settings)
    options = SearchOptions.from_settings(settings)
    if mode is not None:
        options = replace(options, mode=RetrievalMode(mode))
    hits = search_chunks(store, query, get_embedder(settings.embed_precision).embed_query(query), k, user, options)
    return [
        RetrievedChunk(
            doc_id=hit.chunk.doc_id,
            title=hit.chunk.title,
            page=hit.chunk.page,
            start=hit.chunk.start,
            end=hit.chunk.end,
            text=hit.chunk.text,
            score=round(hit.score, 4),
            scope=hit.chunk.scope,
        )
        for hit in hits
    ]


def format_passages(chunks: list[RetrievedChunk]) -> str:
    """Numbered passages with their citation, the shape a model can quote and cite from."""
    if not chunks:
        return "No relevant passages were found in the knowledge base."
    return "\n\n".join(f"[{number}] {chunk.citation}\n{chunk.text}" for number, chunk in enumerate(chunks, start=1))
