"""The starter knowledge base is indexed once, as shared documents owned by "system"."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from apfa.settings import Settings
from ingest.starter_kb import ensure_starter_kb, missing_starter_documents, starter_documents
from kb.store import get_store


def test_starter_documents_are_the_packaged_markdown_guides():
    documents = starter_documents()

    assert documents, "ingest/starter_kb/ must ship guides"
    assert all(path.suffix == ".md" and path.parent.name == "starter_kb" for path in documents)
    assert documents == sorted(documents)


@pytest.mark.integration
def test_ensure_starter_kb_indexes_everything_once(queue_env):  # noqa: F811
    settings = Settings()
    summary = ensure_starter_kb(settings, wait=True, console=Console(file=StringIO()))

    assert len(summary.indexed) == len(starter_documents()) and not summary.failed
    records = get_store(settings).documents("any-borrower")
    assert len(records) == len(starter_documents())
    assert {(record.scope, record.owner) for record in records} == {("shared", "system")}
    assert missing_starter_documents(get_store(settings)) == []
    version = get_store(settings).current_version()
    assert ensure_starter_kb(settings, wait=True).files == 0
    assert get_store(settings).current_version() == version
