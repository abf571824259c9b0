"""The starter knowledge base: short guides shipped in `ingest/starter_kb/`, indexed as shared documents.

They go through the same job path as any upload, so they are chunked, embedded and cited the same way.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from apfa.settings import Settings
from ingest.batch import IngestSummary, ingest_paths
from ingest.pipeline import sha256_of
from kb.store import IndexStore, get_store

STARTER_DIR = Path(__file__).resolve().parent / "starter_kb"
STARTER_SCOPE = "shared"
STARTER_OWNER = "system"


def starter_documents() -> list[Path]:
    return sorted(STARTER_DIR.glob("*.md"))


def missing_starter_documents(store: IndexStore) -> list[Path]:
    """Starter documents whose exact content is not in the index yet (edited files count as new)."""
    return [
        path
        for path in starter_documents()
        if store.find_by_hash(sha256_of(path), STARTER_SCOPE, STARTER_OWNER) is None
    ]


def ensure_starter_kb(settings: Settings, wait: bool = True, console: Console | None = None) -> IngestSummary:
    """Enqueue the starter documents that are not indexed yet; with `wait`, block until they are."""
    missing = missing_starter_documents(get_store(settings))
    if not missing:
        return IngestSummary()
    return ingest_paths(settings, missing, scope=STARTER_SCOPE, owner=STARTER_OWNER, wait=wait, console=console)
