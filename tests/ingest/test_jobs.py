"""Background ingestion through the real Redis and a real `run_worker` process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from docfactory import LOAN_TOPICS, current_queue, long_text, make_pdf, stop_worker

from apfa.settings import Settings
from ingest import jobs
from ingest.jobs import QueueUnavailableError, cancel_job, enqueue_ingest, job_progress
from ingest.progress import TERMINAL_STATES
from kb.store import get_store
from tools.retrieval import Retriever

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TERMINAL = TERMINAL_STATES


def _enqueue(path: Path, filename: str, scope: str = "private", owner: str = "alice") -> str:
    return enqueue_ingest(current_queue(), path, filename, scope, owner)


@pytest.fixture
def worker(queue_env: str, data_dir: Path, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """`apfa worker` in its own process."""
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "worker"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while jobs.workers_listening(current_queue()) == 0:
        assert process.poll() is None, (tmp_path / "worker.log").read_text()
        assert time.monotonic() < deadline, "worker did not register in time"
        time.sleep(0.5)
    yield process
    stop_worker(process)
    log.close()


def _follow(job_id: str, timeout: float = 300) -> tuple[dict, list[str]]:
    """Poll like the UI does (faster, to see short stages) until the job ends; return the last state."""
    stages: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        progress = job_progress(current_queue(), job_id)
        if not stages or stages[-1] != progress.stage:
            stages.append(progress.stage)
        if progress.state in TERMINAL:
            return progress, stages
        assert time.monotonic() < deadline, f"job still {progress} after {timeout} s"
        time.sleep(0.05)


@pytest.mark.integration
def test_a_pdf_goes_from_upload_to_searchable_through_the_worker(worker, tmp_path: Path):
    reader_version = get_store(Settings()).current_version()
    pages = [long_text(600, seed) for seed in range(5)] + [LOAN_TOPICS["pmi"]]
    pdf = make_pdf(tmp_path / "upload.pdf", pages, title="PMI Handbook")

    progress, stages = _follow(_enqueue(pdf, "PMI Handbook.pdf"))

    assert progress.state == "finished" and progress.stage == "done", progress
    assert progress.title == "PMI Handbook" and progress.pages == 6 and progress.chunks > 6
    assert "embedding" in stages and stages[-1] == "done"
    known_order = ["queued", "parsing", "chunking", "embedding", "indexing", "done"]
    assert [known_order.index(stage) for stage in stages] == sorted(known_order.index(s) for s in stages)
    assert reader_version == 0 and get_store(Settings()).current_version() == 1
    retrieve = Retriever.from_settings(Settings())
    hits = retrieve("When can I cancel private mortgage insurance?", "alice", k=2)
    assert hits[0].doc_id == progress.doc_id and hits[0].page == 6
    assert retrieve("When can I cancel private mortgage insurance?", "bob", k=2) == []


@pytest.mark.integration
def test_a_bad_file_fails_once_with_its_message_and_the_worker_carries_on(worker, tmp_path: Path):
    good = tmp_path / "escrow.md"
    good.write_text("# Escrow basics\n\n" + LOAN_TOPICS["escrow"], encoding="utf-8")
    _follow(_enqueue(good, "escrow.md"))
    version = get_store(Settings()).current_version()
    broken = tmp_path / "statement.pdf"
    broken.write_bytes(b"%PDF-1.7\n%broken beyond repair")

    progress, _ = _follow(_enqueue(broken, "statement.pdf"), timeout=60)

    assert progress.state == "failed" and progress.stage == "failed"
    assert "statement.pdf" in progress.message and "damaged" in progress.message
    assert "Traceback" not in progress.message
    assert worker.poll() is None, "the worker must survive a bad document"
    assert get_store(Settings()).current_version() == version
    after, _ = _follow(_enqueue(tmp_path / "escrow.md", "escrow-again.md", owner="bob"))
    assert after.state == "finished" and get_store(Settings()).current_version() == version + 1


@pytest.mark.integration
def test_a_second_upload_of_the_same_file_is_reported_as_duplicate(worker, tmp_path: Path):
    note = tmp_path / "apr.txt"
    note.write_text(LOAN_TOPICS["apr"], encoding="utf-8")
    first, _ = _follow(_enqueue(note, "apr.txt"))

    second, _ = _follow(_enqueue(note, "apr copy.txt"))

    assert second.state == "finished" and second.duplicate_of == first.doc_id
    assert get_store(Settings()).current_version() == 1


@pytest.mark.integration
def test_stopping_a_running_job_leaves_nothing_half_indexed(worker, tmp_path: Path):
    long_file = tmp_path / "long.txt"
    long_file.write_text(long_text(60_000, seed=11), encoding="utf-8")
    job_id = _enqueue(long_file, "long.txt")
    deadline = time.monotonic() + 120
    while job_progress(current_queue(), job_id).stage != "embedding":
        assert time.monotonic() < deadline
        time.sleep(0.05)

    assert cancel_job(current_queue(), job_id) is True

    progress, _ = _follow(job_id, timeout=60)
    assert progress.state == "cancelled" and progress.message == "Processing was cancelled."
    assert get_store(Settings()).current_version() == 0 and get_store(Settings()).documents() == []
    assert worker.poll() is None


@pytest.mark.integration
def test_waiting_jobs_can_be_cancelled(queue_env: str, tmp_path: Path):
    note = tmp_path / "apr.txt"
    note.write_text(LOAN_TOPICS["apr"], encoding="utf-8")
    job_id = _enqueue(note, "apr.txt")
    assert job_progress(current_queue(), job_id).stage == "queued"

    assert cancel_job(current_queue(), job_id) is True

    progress = job_progress(current_queue(), job_id)
    assert progress.state == "cancelled" and progress.stage == "failed"
    assert cancel_job(current_queue(), job_id) is False
    assert job_progress(current_queue(), "no-such-job").state == "unknown"


@pytest.mark.integration
def test_cli_ingest_without_a_worker_completes_in_process(queue_env: str, tmp_path: Path):
    from io import StringIO

    from rich.console import Console

    from ingest.batch import ingest_paths

    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "pmi.md").write_text("# PMI\n\n" + LOAN_TOPICS["pmi"], encoding="utf-8")
    (folder / "escrow.html").write_text(f"<title>Escrow</title><p>{LOAN_TOPICS['escrow']}</p>", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 garbage")
    (folder / "photo.png").write_bytes(b"\x89PNG")
    output = StringIO()

    summary = ingest_paths(
        Settings(), [folder], scope="shared", owner="system", wait=True, console=Console(file=output)
    )

    assert summary.files == 3 and len(summary.indexed) == 2 and len(summary.failed) == 1
    assert summary.pages == 2 and summary.chunks >= 2
    assert "damaged" in summary.failed[0].message
    assert [Path(path).name for path, _ in summary.skipped] == ["photo.png"]
    text = output.getvalue()
    assert "Ingestion summary" in text and "photo.png" in text
    assert {record.title for record in get_store(Settings()).documents()} == {"PMI", "Escrow"}


def test_redis_down_is_reported_in_words_a_user_understands(data_dir: Path, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    note = tmp_path / "note.txt"
    note.write_text("hello", encoding="utf-8")

    started = time.monotonic()
    with pytest.raises(QueueUnavailableError) as caught:
        enqueue_ingest(current_queue(), note, "note.txt", "private", "alice")
    with pytest.raises(QueueUnavailableError):
        job_progress(current_queue(), "any")
    with pytest.raises(QueueUnavailableError):
        cancel_job(current_queue(), "any")

    assert time.monotonic() - started < 15
    assert "not reachable" in str(caught.value) and "kept" in str(caught.value)
    assert note.exists()
