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
from typing import Any

from ingest.parsing import FileTooLargeError, check_size, is_supported, supported_types_text

TERMINAL_STAGES = frozenset({"done", "failed", "canceled", "cancelled"})
TERMINAL_STATES = frozenset({"finished", "failed", "canceled", "cancelled", "stopped"})
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


def validate_upload(path: Path, filename: str, max_bytes: int) -> int:
    """Refuse what the ingest pipeline cannot use; returns the size in bytes."""
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


def is_finished(progress: dict[str, Any]) -> bool:
    return progress.get("stage") in TERMINAL_STAGES or progress.get("state") in TERMINAL_STATES


def describe_progress(progress: dict[str, Any], filename: str) -> str:
    """One line for the progress message, from `ingest.jobs.job_progress`."""
    stage = progress.get("stage") or progress.get("state") or "queued"
    title = progress.get("title") or filename
    done, total = progress.get("done") or 0, progress.get("total") or 0
    if progress.get("state") in {"canceled", "cancelled", "stopped"} or stage in {"canceled", "cancelled"}:
        return f"Cancelled: “{filename}” was not added to the knowledge base."
    match stage:
        case "queued":
            return f"Queued: “{filename}” will be processed shortly…"
        case "parsing":
            return f"Parsing “{filename}”…"
        case "chunking":
            return f"Splitting “{title}” into passages…"
        case "embedding":
            return f"Embedding {done}/{total}" if total else "Embedding…"
        case "indexing":
            return "Indexing…"
        case "done" if progress.get("duplicate_of"):
            return f"Already in the knowledge base: {title} is searchable, nothing new to index."
        case "done":
            chunks = progress.get("chunks") or total
            return f"Done: {title} is now searchable ({chunks} chunk{'' if chunks == 1 else 's'})."
        case "failed":
            return f"Could not index “{filename}”: {progress.get('message') or 'the job failed.'}"
        case _:
            return f"Working on “{filename}”…"
