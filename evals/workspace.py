"""What evaluations share: indexing documents exactly as `apfa worker` does, with the settings of the command."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from apfa.settings import Settings
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
