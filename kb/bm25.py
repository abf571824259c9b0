"""BM25 over the chunks of one index version (bm25s, Snowball-stemmed by default).

The BM25 index is derived from a store version, so it is rebuilt when a new version is published (an upload
or a deletion) and never serves chunks the dense index no longer has. Scopes are enforced by masking the
BM25 scores of chunks the user may not see, so a borrower never gets another user's private chunk from the
lexical side either.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np

from kb.context import document_context, is_filled_form
from kb.store import IndexStore, StoredChunk

STOPWORDS = "en"


_stemmers = threading.local()


def _stem_words(words: list[str]) -> list[str]:
    """English Snowball stems; a Stemmer object must not be shared between threads, so one per thread."""
    if not hasattr(_stemmers, "english"):
        import Stemmer

        _stemmers.english = Stemmer.Stemmer("english")
    return _stemmers.english.stemWords(words)


def tokenize(texts: Sequence[str], stemming: bool) -> list[list[str]]:
    """Lower-cased word tokens without English stopwords, Snowball-stemmed when `stemming`."""
    stemmer = _stem_words if stemming else None
    return bm25s.tokenize(list(texts), stopwords=STOPWORDS, stemmer=stemmer, return_ids=False, show_progress=False)


@dataclass
class LexicalIndex:
    """BM25 over a fixed list of chunks; position i holds chunk_ids[i]."""

    version: int
    stemming: bool
    chunk_ids: np.ndarray
    scopes: np.ndarray
    owners: np.ndarray
    retriever: bm25s.BM25
    positions: dict[int, int] = field(default_factory=dict)
    _masks: dict[str | None, np.ndarray] = field(default_factory=dict)
    _mask_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, version: int, chunks: Mapping[int, StoredChunk], stemming: bool) -> LexicalIndex:
        ordered = sorted(chunks.values(), key=lambda chunk: chunk.chunk_id)
        retriever = bm25s.BM25()
        if ordered:
            contexts = _document_contexts(ordered)
            texts = [f"{contexts[chunk.doc_id]}\n{chunk.text}" for chunk in ordered]
            retriever.index(tokenize(texts, stemming), show_progress=False)
        chunk_ids = [chunk.chunk_id for chunk in ordered]
        return cls(
            version=version,
            stemming=stemming,
            chunk_ids=np.asarray(chunk_ids, dtype=np.int64),
            positions={chunk_id: position for position, chunk_id in enumerate(chunk_ids)},
            scopes=np.asarray([chunk.scope for chunk in ordered]),
            owners=np.asarray([chunk.owner for chunk in ordered]),
            retriever=retriever,
        )

    def visible_mask(self, user: str | None) -> np.ndarray:
        """1.0 for shared chunks and `user`'s private ones, 0.0 for everything else."""
        with self._mask_lock:
            if user not in self._masks:
                visible = (self.scopes == "shared") | ((self.owners == user) if user is not None else False)
                self._masks[user] = visible.astype(np.float32)
                if len(self._masks) > 256:
                    self._masks.pop(next(iter(self._masks)))
            return self._masks[user]

    def scores(self, query: str, user: str | None) -> np.ndarray:
        """BM25 score of every chunk position for `query`; 0 for chunks `user` may not see."""
        tokens = tokenize([query], self.stemming)[0] if len(self.chunk_ids) else []
        known = self.retriever.get_tokens_ids(tokens) if tokens else []
        if not known:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return self.retriever.get_scores(known, weight_mask=self.visible_mask(user))

    def search(self, query: str, k: int, user: str | None) -> list[tuple[int, float]]:
        """Top-k (chunk_id, BM25 score) among chunks `user` may see, best first; only positive scores."""
        return self.top(self.scores(query, user), k)

    def top(self, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k best positive entries of a `scores` array as (chunk_id, score), best first."""
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self.chunk_ids[position]), float(scores[position])) for position in best]


def _document_contexts(chunks: Sequence[StoredChunk]) -> dict[str, str]:
    """Each document's header (`kb.context`), indexed with every chunk's text: a query naming a document ("the
    sample ARM loan estimate") should find its chunks. Whether it is a filled-in form is read from its chunks."""
    lines: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for chunk in chunks:
        lines.setdefault(chunk.doc_id, []).extend(chunk.text.splitlines())
        titles[chunk.doc_id] = chunk.title
    return {doc_id: document_context(titles[doc_id], is_filled_form(lines[doc_id])) for doc_id in titles}


_indexes: dict[tuple[str, bool], LexicalIndex] = {}
_indexes_lock = threading.Lock()


def lexical_index(store: IndexStore, stemming: bool = True) -> LexicalIndex:
    """The BM25 index of the store's current version, rebuilt once per new version (one per store root)."""
    version, chunks = store.chunks_at_current_version()
    key = (str(store.root.resolve()), stemming)
    cached = _indexes.get(key)
    if cached is not None and cached.version == version:
        return cached
    with _indexes_lock:
        cached = _indexes.get(key)
        if cached is None or cached.version != version:
            cached = LexicalIndex.build(version, chunks, stemming)
            _indexes[key] = cached
        return cached
