"""A worker killed mid-job, and jobs that keep failing, against the real Redis and real worker processes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docfactory import LOAN_TOPICS, current_queue, long_text, stop_worker

from ingest import jobs
from ingest.jobs import enqueue_ingest, job_progress
from ingest.progress import TERMINAL_STATES
from kb.store import IndexStore

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TERMINAL = TERMINAL_STATES


@pytest.fixture
def start_worker(queue_env: str, tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    """Starts `apfa worker` processes and stops any still alive at the end."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = tmp_path / f"worker-{len(started)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker"],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        deadline = time.monotonic() + 180
        while not _worker_registered(process.pid):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "worker did not register in time"
            time.sleep(0.3)
        return process

    yield start
    for process in started:
        stop_worker(process)


def _worker_registered(pid: int) -> bool:
    connection = current_queue().connection()
    return any(connection.hget(key, "pid") == str(pid).encode() for key in connection.smembers("rq:workers"))


def _children(pid: int) -> list[int]:
    """Child processes of the worker `pid`, oldest first: its scheduler, then the work horse of the job."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append((int(fields[19]), int(entry.name)))
    return [child for _, child in sorted(children)]


def _work_horse(worker_pid: int) -> int:
    return _children(worker_pid)[-1]


def _wait_for(job_id: str, condition: Callable[[dict], bool], timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        progress = job_progress(current_queue(), job_id)
        if condition(progress):
            return progress
        assert time.monotonic() < deadline, f"gave up waiting; last progress {progress}"
        time.sleep(0.1)


def _embedding_under_way(progress: dict) -> bool:
    return progress.state == "started" and progress.stage == "embedding" and progress.done > 0


def _index_fingerprint(index_dir: Path) -> dict[str, str]:
    """Every published file (staging directories excluded) with the SHA-256 of its bytes."""
    return {
        str(path.relative_to(index_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(index_dir.rglob("*"))
        if path.is_file() and ".tmp-" not in str(path) and path.name != ".writer.lock"
    }


@pytest.mark.integration
def test_killed_worker_leaves_the_index_intact_and_its_job_runs_again(start_worker, data_dir: Path, tmp_path):
    index_dir = data_dir / "index"
    first_worker = start_worker()
    seed = tmp_path / "escrow.md"
    seed.write_text("# Escrow basics\n\n" + LOAN_TOPICS["escrow"], encoding="utf-8")
    seeded = _wait_for(
        enqueue_ingest(current_queue(), seed, "escrow.md", "shared", "system"), lambda p: p.state in TERMINAL
    )
    assert seeded.state == "finished", seeded
    before = _index_fingerprint(index_dir)
    assert (index_dir / "CURRENT").read_text().strip() == "000001"

    big = tmp_path / "servicing-manual.txt"
    big.write_text(long_text(14_000, seed=5), encoding="utf-8")
    job_id = enqueue_ingest(current_queue(), big, "servicing-manual.txt", "shared", "system")

    # The horse alone dies (as under the OOM killer): its worker records it and retries the job.
    _wait_for(job_id, _embedding_under_way)
    os.kill(_work_horse(first_worker.pid), signal.SIGKILL)
    retrying = _wait_for(job_id, lambda p: p.state in ("scheduled", "queued"), timeout=60)
    assert retrying.stage == "queued" and "retried" in retrying.message
    assert _index_fingerprint(index_dir) == before

    # Then the whole worker dies (its scheduler and horse with it) mid-embedding of the retry.
    _wait_for(job_id, _embedding_under_way)
    doomed = _children(first_worker.pid)
    os.kill(first_worker.pid, signal.SIGKILL)
    for child in doomed:
        os.kill(child, signal.SIGKILL)
    first_worker.wait(timeout=10)
    time.sleep(0.5)

    assert job_progress(current_queue(), job_id).state == "started", "nobody is left to notice the job died"
    assert _index_fingerprint(index_dir) == before
    reader = IndexStore(index_dir)
    assert reader.current_version() == 1 and [doc.title for doc in reader.documents()] == ["Escrow basics"]

    start_worker()
    finished = _wait_for(job_id, lambda p: p.state in TERMINAL, timeout=400)

    assert finished.state == "finished" and finished.stage == "done", finished
    assert finished.chunks > 50
    reader = IndexStore(index_dir)
    assert reader.current_version() == 2
    assert sorted(doc.title for doc in reader.documents()) == ["Escrow basics", "servicing-manual"]
    assert reader.versions()[-1].vector_count == 1 + finished.chunks
    assert [path for path in (index_dir / "versions").iterdir() if path.name.startswith(".tmp-")] == []


@pytest.mark.integration
def test_a_failing_job_is_retried_with_backoff_then_fails_with_its_reason(
    start_worker, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(jobs, "RETRY_INTERVALS", [1, 3])
    start_worker()
    (data_dir / "index").write_text("not a directory", encoding="utf-8")
    note = tmp_path / "apr.txt"
    note.write_text(LOAN_TOPICS["apr"], encoding="utf-8")

    started = time.monotonic()
    job_id = enqueue_ingest(current_queue(), note, "apr.txt", "private", "alice")
    waiting = _wait_for(job_id, lambda p: p.state == "scheduled", timeout=120)
    assert waiting.stage == "queued" and "retried" in waiting.message
    failed = _wait_for(job_id, lambda p: p.state in TERMINAL, timeout=120)
    elapsed = time.monotonic() - started

    assert failed.state == "failed" and failed.stage == "failed"
    # RQ schedules retries at whole-second timestamps, so each interval may come up to a second early.
    assert elapsed >= (1 + 3) - 2, "both back-off intervals must pass before giving up"
    assert "apr.txt" in failed.message and "after 3 attempts" in failed.message
    assert "Not a directory" in failed.message and "Traceback" not in failed.message

    (data_dir / "index").unlink()
    job_id = enqueue_ingest(current_queue(), note, "apr.txt", "private", "alice")
    finished = _wait_for(job_id, lambda p: p.state in TERMINAL, timeout=120)
    assert finished.state == "finished" and finished.title == "apr"


def _start_on_a_dead_worker(job_id: str, retries_left: int) -> None:
    """Mark the job started by a worker that has no Redis record any more (it died long ago)."""
    from rq.executions import Execution
    from rq.job import Job

    connection = current_queue().connection()
    job = Job.fetch(job_id, connection=connection)
    job.retries_left = retries_left
    job.save()
    with connection.pipeline() as pipeline:
        job.prepare_for_execution("long-gone-worker", pipeline=pipeline)
        Execution.create(job, ttl=600, pipeline=pipeline, worker_name="long-gone-worker")
        pipeline.execute()


@pytest.mark.integration
def test_abandoned_jobs_are_requeued_while_retries_last_then_fail_with_a_reason(queue_env: str, tmp_path: Path):
    from rq.registry import StartedJobRegistry

    note = tmp_path / "apr.txt"
    note.write_text(LOAN_TOPICS["apr"], encoding="utf-8")
    queue = current_queue().queue()
    retried = enqueue_ingest(current_queue(), note, "apr.txt", "private", "alice")
    exhausted = enqueue_ingest(current_queue(), note, "apr-copy.txt", "private", "alice")
    for job_id in (retried, exhausted):
        queue.remove(job_id)
    _start_on_a_dead_worker(retried, retries_left=2)
    _start_on_a_dead_worker(exhausted, retries_left=0)

    assert sorted(jobs.requeue_abandoned_jobs(queue)) == sorted([retried, exhausted])

    assert StartedJobRegistry(queue=queue).get_job_ids(cleanup=False) == []
    assert queue.get_job_ids() == [retried]
    again = job_progress(current_queue(), retried)
    assert again.state == "queued" and again.stage == "queued" and "retried" in again.message
    failed = job_progress(current_queue(), exhausted)
    assert failed.state == "failed" and failed.stage == "failed"
    assert "apr-copy.txt" in failed.message and "stopped unexpectedly" in failed.message
    assert jobs.requeue_abandoned_jobs(queue) == []
