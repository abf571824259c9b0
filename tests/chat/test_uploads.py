"""Checking and keeping attached documents, and the progress lines shown while they are indexed."""

from __future__ import annotations

import zipfile

import pytest

from chat.uploads import (
    UploadRejected,
    describe_progress,
    safe_filename,
    scope_for_role,
    store_upload,
    validate_upload,
)
from ingest.progress import JobProgress, JobState, Stage


def job_progress(state: str, stage: str, **fields) -> JobProgress:
    return JobProgress(job_id="job-1", state=JobState(state), stage=Stage(stage), **fields)


def write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_unsupported_type_is_refused_with_the_supported_list(tmp_path):
    path = write(tmp_path, "photo.exe", b"MZ...")
    with pytest.raises(UploadRejected) as refusal:
        validate_upload(path, "photo.exe", max_bytes=1024)
    message = str(refusal.value)
    assert "“photo.exe” is not a file type I can read" in message
    for kind in ("PDF", "DOCX", "TXT", "MD", "HTML"):
        assert kind in message


def test_too_large_file_is_refused_with_the_limit(tmp_path):
    path = write(tmp_path, "guide.pdf", b"%PDF" + b"0" * 3000)
    with pytest.raises(UploadRejected) as refusal:
        validate_upload(path, "guide.pdf", max_bytes=2048)
    assert "over the upload limit" in str(refusal.value)
    assert "guide.pdf" in str(refusal.value)


def test_empty_file_is_refused(tmp_path):
    path = write(tmp_path, "notes.txt", b"")
    with pytest.raises(UploadRejected, match="“notes.txt” is empty"):
        validate_upload(path, "notes.txt", max_bytes=1024)


def test_a_decompression_bomb_is_refused_under_the_default_archive_limits(tmp_path):
    path = tmp_path / "offer.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (2 * 1024 * 1024))
    with pytest.raises(UploadRejected, match="times its compressed size"):
        validate_upload(path, "offer.docx", max_bytes=1024 * 1024)


def test_supported_file_within_the_limit_is_accepted(tmp_path):
    path = write(tmp_path, "Rates.MD", b"# Rates\nFixed or variable.")
    assert validate_upload(path, "Rates.MD", max_bytes=1024) == 26


def test_uploads_are_kept_once_per_content_under_their_hash(tmp_path):
    uploads = tmp_path / "uploads"
    first = store_upload(write(tmp_path, "a.txt", b"same words"), "a.txt", uploads)
    again = store_upload(write(tmp_path, "b.txt", b"same words"), "a.txt", uploads)
    assert first.path == again.path == uploads / first.sha256 / "a.txt"
    assert first.path.read_bytes() == b"same words"
    assert len(first.sha256) == 64
    assert [path.name for path in (uploads / first.sha256).iterdir()] == ["a.txt"]


def test_stored_names_cannot_escape_the_upload_folder():
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_filename("C:\\Users\\me\\loan offer.pdf") == "loan offer.pdf"
    assert safe_filename("..") == "document"


def test_borrowers_upload_privately_and_staff_to_the_shared_knowledge_base():
    assert scope_for_role("borrower") == "private"
    assert scope_for_role(None) == "private"
    for role in ("advisor", "admin", "super_admin"):
        assert scope_for_role(role) == "shared"


@pytest.mark.parametrize(
    ("progress", "line"),
    [
        ({"state": "queued", "stage": "queued"}, "Queued: “offer.pdf” will be processed shortly…"),
        ({"state": "started", "stage": "parsing"}, "Parsing “offer.pdf”…"),
        ({"state": "started", "stage": "embedding", "done": 12, "total": 40}, "Embedding 12/40"),
        ({"state": "started", "stage": "indexing", "done": 40, "total": 40}, "Indexing…"),
        (
            {"state": "finished", "stage": "done", "title": "Loan Offer", "done": 40, "total": 40},
            "Done: Loan Offer is now searchable (40 chunks).",
        ),
        (
            {"state": "failed", "stage": "failed", "message": "The PDF is password-protected."},
            "Could not index “offer.pdf”: The PDF is password-protected.",
        ),
        (
            {"state": "cancelled", "stage": "embedding"},
            "Cancelled: “offer.pdf” was not added to the knowledge base.",
        ),
        (
            {"state": "finished", "stage": "done", "title": "Loan Offer", "duplicate_of": "doc-1"},
            "Already in the knowledge base: Loan Offer is searchable, nothing new to index.",
        ),
    ],
)
def test_progress_lines(progress, line):
    assert describe_progress(job_progress(**progress), "offer.pdf") == line


def test_only_final_stages_end_the_progress_updates():
    assert not job_progress(state="started", stage="embedding").finished
    assert job_progress(state="finished", stage="done").finished
    assert job_progress(state="failed", stage="failed").finished
    assert job_progress(state="cancelled", stage="parsing").finished
    assert job_progress(state="started", stage="failed").finished, "a permanent failure ends it before RQ does"
