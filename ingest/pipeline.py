"""Parse → chunk → embed → index: the one ingestion path, run by the RQ job (`ingest.jobs`).

Publishing to the index is the last step, so a failure anywhere before it leaves the index untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from apfa.settings import Settings
from ingest.chunking import chunk_pages
from ingest.parsing import (
    EmptyDocumentError,
    Page,
    ParsedDocument,
    UploadLimits,
    check_size,
    parse_file,
)
from ingest.progress import Stage
from kb.context import document_context, is_filled_form
from kb.embedding import Embedder
from kb.store import SCOPES, DocumentRecord, DuplicateDocumentError, IndexStore

StageCallback = Callable[[Stage, int, int], None]
TextRedactor = Callable[[str], str]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestOptions:
    """What every ingestion of this process follows, read from the settings at the edge that starts it.

    `shared_redactor` is the PII guard applied to shared documents before they are chunked and embedded; it
    lives in `tools`, which `ingest` may not import, so the edge (the `apfa` command, the tests) passes it in.
    Private documents stay whole, in their owner's scope only.
    """

    limits: UploadLimits
    chunk_size: int
    chunk_overlap: int
    shared_redactor: TextRedactor | None = None

    @classmethod
    def from_settings(cls, settings: Settings, shared_redactor: TextRedactor | None = None) -> IngestOptions:
        return cls(UploadLimits.from_settings(settings), settings.chunk_size, settings.chunk_overlap, shared_redactor)


def _redacted(parsed: ParsedDocument, filename: str, redactor: TextRedactor | None) -> ParsedDocument:
    if redactor is None:
        log.warning("No PII redactor is configured: shared document %s is indexed unredacted", filename)
        return parsed
    pages = [Page(page.number, redactor(page.text)) for page in parsed.pages]
    return dataclasses.replace(parsed, title=redactor(parsed.title), pages=pages)


@dataclass(frozen=True)
class IngestResult:
    doc_id: str
    title: str
    pages: int
    chunks: int
    seconds: float
    duplicate_of: str | None = None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest_file(
    path: Path | str,
    filename: str | None = None,
    scope: str = "private",
    owner: str = "system",
    on_progress: StageCallback | None = None,
    *,
    store: IndexStore,
    embedder: Embedder,
    options: IngestOptions,
) -> IngestResult:
    """Index one file and return what was added; a re-upload of the same bytes returns the existing doc."""
    started = time.monotonic()
    path = Path(path)
    filename = filename or path.name
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    if not owner:
        raise ValueError("every document needs an owner")

    def report(stage: Stage, done: int = 0, total: int = 0) -> None:
        if on_progress:
            on_progress(stage, done, total)

    report(Stage.PARSING)
    check_size(path, filename, options.limits.max_bytes)
    digest = sha256_of(path)
    existing = store.find_by_hash(digest, scope, owner)
    if existing is not None:
        return _duplicate_result(existing, started)
    parsed = parse_file(path, filename, options.limits)
    if scope == "shared":
        parsed = _redacted(parsed, filename, options.shared_redactor)

    report(Stage.CHUNKING)
    chunks = chunk_pages(parsed.pages, options.chunk_size, options.chunk_overlap)
    if not chunks:
        raise EmptyDocumentError(f"“{filename}” contains no text that APFA can read.")

    report(Stage.EMBEDDING, 0, len(chunks))
    # The embedder reads each chunk after its document's header (`kb.context`); the stored text stays exact.
    context = document_context(
        parsed.title, is_filled_form(line for page in parsed.pages for line in page.text.splitlines())
    )
    vectors = embedder.embed_documents(
        [chunk.for_embedding(context) for chunk in chunks],
        on_progress=lambda done, total: report(Stage.EMBEDDING, done, total),
    )

    report(Stage.INDEXING, 0, 1)
    record = DocumentRecord(
        doc_id=uuid.uuid4().hex,
        title=parsed.title,
        filename=filename,
        sha256=digest,
        scope=scope,
        owner=owner,
        pages=len(parsed.pages),
        mime=parsed.mime,
    )
    try:
        store.add_document(record, chunks, vectors)
    except DuplicateDocumentError as duplicate:
        return _duplicate_result(duplicate.existing, started)
    report(Stage.DONE, 1, 1)
    return IngestResult(
        doc_id=record.doc_id,
        title=record.title,
        pages=record.pages,
        chunks=len(chunks),
        seconds=round(time.monotonic() - started, 3),
    )


def _duplicate_result(existing: DocumentRecord, started: float) -> IngestResult:
    return IngestResult(
        doc_id=existing.doc_id,
        title=existing.title,
        pages=existing.pages,
        chunks=existing.chunks,
        seconds=round(time.monotonic() - started, 3),
        duplicate_of=existing.doc_id,
    )
