"""The starter knowledge base is indexed once, as shared documents owned by "system"."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from rich.console import Console

from apfa.settings import Settings
from ingest.starter_kb import ensure_starter_kb, missing_starter_documents, starter_documents
from kb.store import get_store
from tools.pii import redact_text


def test_starter_documents_are_the_packaged_markdown_guides():
    documents = starter_documents()

    assert documents, "ingest/starter_kb/ must ship guides"
    assert all(path.suffix == ".md" and path.parent.name == "starter_kb" for path in documents)
    assert documents == sorted(documents)


def test_redacting_the_starter_guides_as_shared_documents_keeps_their_lending_terms():
    """Shared documents are PII-redacted before chunking; our own guides hold no personal data but the people of
    their worked examples, so nothing else may be taken for a name, a phone number or an address."""
    redacted = {path.name: redact_text(path.read_text(encoding="utf-8")) for path in starter_documents()}
    kinds = {kind for text in redacted.values() for kind in re.findall(r"<([A-Z_]+)_\d+>", text)}
    assert kinds <= {"PERSON"}
    everything = "\n".join(redacted.values())
    for term in ("30-year fixed", "Earnest money", "Maximum LTV", "Removing PMI", "Perkins loans", "10/6 ARMs"):
        assert term in everything


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
