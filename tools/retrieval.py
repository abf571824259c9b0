"""Retrieval over the knowledge base, scoped to what the asking user may see.

Dense, hybrid (BM25 + dense score fusion) or RRF per `retrieval_mode`; see `kb.search` for the
fusion and for how scopes are enforced on the lexical side. Each result keeps its document, page and
character offsets so the answer can cite its source exactly, and `score` is always the cosine similarity.
The store is shared per process and picks up newly ingested documents without a restart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from typing import Protocol

import numpy as np

from apfa.settings import Settings
from kb.embedding import Precision, get_embedder
from kb.search import SearchOptions, search_chunks
from kb.store import Hit, IndexStore, Passage, get_store


@dataclass(frozen=True)
class RetrievedChunk(Passage):
    score: float
    scope: str = "shared"

    @classmethod
    def from_hit(cls, hit: Hit) -> RetrievedChunk:
        """The passage a search found, its cosine similarity to 4 places and its scope (not who owns it)."""
        passage = {field.name: getattr(hit.chunk, field.name) for field in fields(Passage)}
        return cls(**passage, score=round(hit.score, 4), scope=hit.chunk.scope)

    @property
    def citation(self) -> str:
        return f"{self.title}, p. {self.page}"


class Retrieve(Protocol):
    """A knowledge-base search scoped to what `user` may see; `k=None` means the configured number of passages."""

    def __call__(self, query: str, user: str | None, k: int | None = None) -> list[RetrievedChunk]: ...


class RetrievalContext(Protocol):
    """What the search tool reads from the turn's runtime context (`agents.configuration.TurnContext`)."""

    @property
    def retrieve(self) -> Retrieve: ...


@dataclass(frozen=True)
class Retriever:
    """The knowledge-base search of one process: which store, how to rank and how many passages.

    Built once from the settings at an edge (`from_settings`) and passed in; the embedder for `precision` is the
    process-wide one, loaded on the first query.
    """

    store: IndexStore
    options: SearchOptions
    k: int
    precision: Precision = "fp32"

    @classmethod
    def from_settings(cls, settings: Settings) -> Retriever:
        return cls(
            get_store(settings), SearchOptions.from_settings(settings), settings.retrieval_k, settings.embed_precision
        )

    def embed_query(self, text: str) -> np.ndarray:
        return get_embedder(self.precision).embed_query(text)

    def __call__(self, query: str, user: str | None, k: int | None = None) -> list[RetrievedChunk]:
        """The k passages most relevant to `query` among shared documents and `user`'s private ones."""
        if not query.strip():
            return []
        k = self.k if k is None else k
        hits = search_chunks(self.store, query, self.embed_query(query), k, user, self.options)
        return [RetrievedChunk.from_hit(hit) for hit in hits]

    def index_version(self) -> str:
        """Which index and which version of it answers ("<index dir digest>.v<n>"): answer caches key on it."""
        return f"{hashlib.sha256(str(self.store.root).encode()).hexdigest()[:8]}.v{self.store.current_version()}"

    def owns_private_documents(self, user: str | None) -> bool:
        return any(document.scope == "private" for document in self.store.documents(user))


def format_passages(chunks: list[RetrievedChunk]) -> str:
    """Numbered passages with their citation, the shape a model can quote and cite from."""
    if not chunks:
        return "No relevant passages were found in the knowledge base."
    return "\n\n".join(f"[{number}] {chunk.citation}\n{chunk.text}" for number, chunk in enumerate(chunks, start=1))
