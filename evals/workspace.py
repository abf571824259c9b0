"""What evaluations share: indexing documents exactly as `apfa worker` does, with the settings of the command."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from apfa.settings import Settings, get_settings
from ingest.pipeline import IngestOptions, IngestResult, ingest_file
from kb.embedding import get_embedder
from kb.store import get_store
from tools.pii import redact_text


def indexer(settings: Settings) -> Callable[..., IngestResult]:
    """`ingest_file` bound to this configuration's store, embedder and options (shared documents PII-redacted)."""
    return partial(
        ingest_file,
        store=get_store(settings),
        embedder=get_embedder(settings.embed_precision),
        options=IngestOptions.from_settings(settings, redact_text),
    )


@contextmanager
def throwaway_data_dir(prefix: str) -> Iterator[Path]:
    """A fresh APFA_DATA_DIR for the length of an evaluation, so what it indexes never touches the real one.

    The chat's graph reads its settings for itself (agents/ is not yet given them at the edge), so the directory
    is switched through the environment and the settings cache, and both are restored afterwards.
    """
    previous = os.environ.get("APFA_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix=prefix) as data_dir:
        os.environ["APFA_DATA_DIR"] = data_dir
        get_settings.cache_clear()
        try:
            yield Path(data_dir)
        finally:
            if previous is None:
                os.environ.pop("APFA_DATA_DIR", None)
            else:
                os.environ["APFA_DATA_DIR"] = previous
            get_settings.cache_clear()
