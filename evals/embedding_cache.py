"""One content-addressed embedding cache for every measurement: a vector per chunk text, per embedder setting.

Embedding a corpus is the slow part of an evaluation (about an hour for FiQA's 57.6K passages on two cores), so
vectors are cached under a directory keyed by the model, precision and truncation length, written in blocks so an
interrupted run resumes where it stopped, and shared by corpora, subsets and re-chunkings that keep some chunks.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from kb.embedding import Embedder

CACHE_BLOCK = 512
DIGEST_BYTES = 16


@dataclass(frozen=True)
class EmbeddingRun:
    """How many texts a call had to embed (cache misses) and how long that took."""

    embedded: int
    seconds: float

    @property
    def rate(self) -> float | None:
        return self.embedded / self.seconds if self.embedded and self.seconds > 0 else None


def cache_key(embedder: Embedder) -> str:
    """Changes whenever a text's vector would: model, precision and truncation length."""
    parts = {"model": embedder.name, "precision": embedder.precision, "max_tokens": embedder.max_tokens}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def embed_with_cache(
    texts: Sequence[str], embedder: Embedder, cache_dir: Path, console: Console | None = None
) -> tuple[np.ndarray, EmbeddingRun]:
    """Vectors for `texts`, and how many of them had to be embedded (the rest came from the cache).

    The cache is content-addressed (one entry per chunk text), so a corpus, its subsets and a re-chunking
    that keeps some chunks all share vectors, and each finished block survives an interrupted run.
    """
    directory = cache_dir / cache_key(embedder)
    directory.mkdir(parents=True, exist_ok=True)
    digests = [_text_digest(text) for text in texts]
    cached = _load_cache(directory)
    missing: dict[bytes, str] = {}
    for digest, text in zip(digests, texts, strict=True):
        if digest not in cached and digest not in missing:
            missing[digest] = text
    started, pending = time.perf_counter(), list(missing.items())
    with progress_bar(console) as progress:
        task = progress.add_task("embedding", total=len(pending))
        for block_start in range(0, len(pending), CACHE_BLOCK):
            block = pending[block_start : block_start + CACHE_BLOCK]
            vectors = embedder.embed_documents(
                [text for _, text in block],
                on_progress=partial(_advance, progress, task, block_start),
            )
            block_digests = np.frombuffer(b"".join(digest for digest, _ in block), dtype=f"S{DIGEST_BYTES}")
            _save_block(directory, block_digests, vectors)
            cached.update(zip((digest for digest, _ in block), vectors, strict=True))
    run = EmbeddingRun(len(pending), time.perf_counter() - started)
    matrix = np.stack([cached[digest] for digest in digests]) if digests else np.zeros((0, embedder.dimension))
    return matrix.astype(np.float32, copy=False), run


def _advance(progress: Progress, task, offset: int, finished: int, _total: int) -> None:
    progress.update(task, completed=offset + finished)


def _text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST_BYTES).digest()


def _load_cache(directory: Path) -> dict[bytes, np.ndarray]:
    cached: dict[bytes, np.ndarray] = {}
    for block in sorted(directory.glob("block-*.npz")):
        with np.load(block) as stored:
            digests = (digest.ljust(DIGEST_BYTES, b"\0") for digest in stored["digests"].tolist())
            cached.update(zip(digests, stored["vectors"], strict=True))
    return cached


def _save_block(directory: Path, digests: np.ndarray, vectors: np.ndarray) -> None:
    """Written aside and renamed, so a block file is either complete or absent."""
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".tmp-", suffix=".npz", delete=False) as handle:
        np.savez(handle, digests=digests, vectors=vectors.astype(np.float32))
    Path(handle.name).replace(directory / f"block-{time.time_ns()}.npz")


def progress_bar(console: Console | None) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=console is None,
    )
