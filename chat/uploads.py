"""Checking, keeping and describing the documents users attach in the chat.

Files are checked here before anything is queued, so an unsupported, empty or oversize file is refused with a
message that says what to do, and nothing reaches the worker. Accepted files are kept under
`uploads_dir/<sha256>/<name>`: the same content is stored once, and the file stays even if the queue is down.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.parsing import (
    ArchiveLimits,
    FileTooLargeError,
    IngestError,
    check_archive,
    check_size,
    is_supported,
    supported_types_text,
)
from ingest.progress import JobProgress, JobState, Stage

_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^\w.\- ()]+")


class UploadRejected(ValueError):
    """The attached file cannot be indexed; the message is written for the user."""


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    filename: str
    sha256: str
    size: int


def scope_for_role(role: str | None) -> str:
    """Borrowers' documents stay private to them; staff uploads join the shared knowledge base."""
    return "private" if role in (None, "borrower") else "shared"


def validate_upload(path: Path, filename: str, max_bytes: int, archive_limits: ArchiveLimits | None = None) -> int:
    """Refuse what the ingest pipeline cannot use (including decompression bombs); returns the size in bytes.

    Without `archive_limits` the default archive limits apply (the chat passes the configured ones).
    """
    if not is_supported(filename):
        raise UploadRejected(
            f"“{filename}” is not a file type I can read. Please upload one of: {supported_types_text()}."
        )
    try:
        size = check_size(Path(path), filename, max_bytes)
    except FileTooLargeError as error:
        raise UploadRejected(error.message) from error
    except OSError as error:
        raise UploadRejected(f"“{filename}” could not be read; please attach it again.") from error
    if size == 0:
        raise UploadRejected(f"“{filename}” is empty, so there is nothing to index. Please check the file.")
    try:
        check_archive(Path(path), filename, archive_limits or ArchiveLimits())
    except IngestError as error:
        raise UploadRejected(error.message) from error
    return size


def safe_filename(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip()
    name = _UNSAFE_FILENAME_CHARACTERS.sub("_", name).strip(". ") or "document"
    stem, suffix = os.path.splitext(name)
    return stem[: 120 - len(suffix)] + suffix


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def store_upload(source: Path, filename: str, uploads_dir: Path) -> StoredUpload:
    """Copy an accepted upload to `uploads_dir/<sha256>/<name>` (atomically; kept if it already exists)."""
    sha256 = file_sha256(source)
    name = safe_filename(filename)
    destination = Path(uploads_dir) / sha256 / name
    destination.parent.mkdir(parents=True, exist_ok=True)
    if not destination.exists():
        with (
            open(source, "rb") as handle,
            tempfile.NamedTemporaryFile(dir=destination.parent, delete=False, suffix=".part") as partial,
        ):
            shutil.copyfileobj(handle, partial)
        os.replace(partial.name, destination)
    return StoredUpload(path=destination, filename=filename, sha256=sha256, size=destination.stat().st_size)


def describe_progress(progress: JobProgress, filename: str) -> str:
    """One line for the progress message, from `ingest.jobs.job_progress`."""
    title = progress.title or filename
    done, total = progress.done, progress.total
    if progress.state == JobState.CANCELLED:
        return f"Cancelled: “{filename}” was not added to the knowledge base."
    match progress.stage:
        case Stage.QUEUED:
            return f"Queued: “{filename}” will be processed shortly…"
        case Stage.PARSING:
            return f"Parsing “{filename}”…"
        case Stage.CHUNKING:
            return f"Splitting “{title}” into passages…"
        case Stage.EMBEDDING:
            return f"Embedding {done}/{total}" if total else "Embedding…"
        case Stage.INDEXING:
            return "Indexing…"
        case Stage.DONE if progress.duplicate_of:
            return f"Already in the knowledge base: {title} is searchable, nothing new to index."
        case Stage.DONE:
            chunks = progress.chunks or total
            return f"Done: {title} is now searchable ({chunks} chunk{'' if chunks == 1 else 's'})."
        case Stage.FAILED:
            return f"Could not index “{filename}”: {progress.message or 'the job failed.'}"
        case _:
            return f"Working on “{filename}”…"
