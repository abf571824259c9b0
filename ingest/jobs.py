"""Background ingestion on RQ: enqueue from the chat or CLI, follow progress, cancel, run workers.

Progress lives in `job.meta` (stage, done, total, message, ...) so a UI polling every half second sees
embedding advance batch by batch. Document problems (`IngestError`) fail the job at once with their
user-readable message; anything else is retried twice (after 5 s and 15 s) before failing with its reason.

A work horse killed mid-job (SIGKILL, out of memory) never publishes a half-built index version (see
ingest/store.py); its job is retried like any other failure. When the whole worker dies with it, the next
worker started on the same host requeues the job at once instead of waiting for RQ's heartbeat expiry.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, SimpleWorker, Worker, get_current_job
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.timeouts import JobTimeoutException

from apfa.settings import Settings
from ingest.parsing import IngestError
from ingest.pipeline import IngestOptions, TextRedactor, ingest_file
from ingest.progress import TERMINAL_STAGES, JobProgress, JobState, Stage
from kb.embedding import Embedder, get_embedder
from kb.store import IndexStore, get_store

log = logging.getLogger(__name__)

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
INGEST_FUNCTION = "ingest.jobs.run_ingest_job"
RETRY_INTERVALS = [5, 15]
RESULT_TTL_SECONDS = 24 * 3600
FAILURE_TTL_SECONDS = 7 * 24 * 3600
_META_SAVE_INTERVAL = 0.2
MAINTENANCE_INTERVAL_SECONDS = 60
_REASON_LIMIT = 200

QUEUE_UNAVAILABLE_MESSAGE = (
    "The document queue is not reachable right now. Your file was kept and can be processed later; "
    "please try again in a moment."
)
RETRYING_MESSAGE = "A temporary problem interrupted processing; it will be retried shortly."
CANCELLED_MESSAGE = "Processing was cancelled."
UNKNOWN_JOB_MESSAGE = "This upload is no longer being tracked; if the document is missing, upload it again."


def generic_failure_message(filename: str | None, reason: str | None = None) -> str:
    name = f"“{filename}”" if filename else "the document"
    if reason:
        return (
            f"Processing {name} failed after {len(RETRY_INTERVALS) + 1} attempts: {reason}. "
            "The file was kept; please try uploading it again later."
        )
    return f"Something went wrong while processing {name}. The file was kept; please try uploading it again later."


def failure_reason(error: BaseException) -> str:
    """One line naming what went wrong, short enough for the upload panel."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= _REASON_LIMIT else text[: _REASON_LIMIT - 1] + "…"


class QueueUnavailableError(RuntimeError):
    """Redis could not be reached; the message is fit to show the user."""

    def __init__(self, message: str = QUEUE_UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


@lru_cache(maxsize=4)
def _client(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30)


@dataclass(frozen=True)
class QueueConfig:
    """Where ingestion jobs wait (REDIS_URL, APFA_QUEUE) and how long one may run; built at each process's edge."""

    redis_url: str
    name: str
    job_timeout_s: int

    @classmethod
    def from_settings(cls, settings: Settings) -> QueueConfig:
        return cls(settings.redis_url or DEFAULT_REDIS_URL, settings.queue_name, settings.job_timeout_s)

    def connection(self) -> Redis:
        """A shared client (fast connect timeout, so a down Redis is reported within seconds)."""
        return _client(self.redis_url)

    def queue(self, connection: Redis | None = None) -> Queue:
        return Queue(self.name, connection=connection or self.connection())


def enqueue_ingest(config: QueueConfig, path: Path | str, filename: str, scope: str, owner: str) -> str:
    """Queue an already-stored file for ingestion and return the job id."""
    try:
        job = config.queue().enqueue_call(
            INGEST_FUNCTION,
            kwargs={"path": str(Path(path).resolve()), "filename": filename, "scope": scope, "owner": owner},
            timeout=config.job_timeout_s,
            result_ttl=RESULT_TTL_SECONDS,
            failure_ttl=FAILURE_TTL_SECONDS,
            description=f"ingest {filename}",
            meta={"stage": Stage.QUEUED.value, "done": 0, "total": 0, "filename": filename, "scope": scope},
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
        )
    except RedisError as error:
        raise QueueUnavailableError() from error
    return job.id


@dataclass(frozen=True)
class WorkerContext:
    """What a job needs from the worker that runs it: set once by `run_worker`, inherited by each work horse."""

    store: IndexStore
    embedder: Embedder
    options: IngestOptions
    job_timeout_s: int


_worker_context: WorkerContext | None = None


class _MetaReporter:
    """Writes progress into job.meta, throttled to a few saves a second except at stage changes.

    "done" is written by the job itself together with the doc id and title, so the UI never sees a
    finished stage without them.
    """

    def __init__(self, job: Job | None) -> None:
        self.job = job
        self._last_stage: Stage | None = None
        self._last_save = 0.0

    def __call__(self, stage: Stage, done: int = 0, total: int = 0) -> None:
        if self.job is None or stage == Stage.DONE:
            return
        now = time.monotonic()
        final_batch = total > 0 and done >= total
        if stage == self._last_stage and not final_batch and now - self._last_save < _META_SAVE_INTERVAL:
            return
        self.update(stage=stage.value, done=done, total=total)
        self._last_stage, self._last_save = stage, now

    def update(self, **fields) -> None:
        if self.job is None:
            return
        self.job.meta.update(fields)
        self.job.save_meta()


def run_ingest_job(path: str, filename: str, scope: str, owner: str) -> dict:
    """The RQ job: ingest one file, recording progress and a user-readable outcome in job.meta."""
    job = get_current_job()
    reporter = _MetaReporter(job)
    reporter.update(stage=Stage.PARSING.value, done=0, total=0, message=None)
    context = _worker_context
    if context is None:
        raise RuntimeError("ingestion jobs run in `apfa worker` (ingest.jobs.run_worker), which configures them")
    try:
        result = ingest_file(
            path,
            filename,
            scope,
            owner,
            on_progress=reporter,
            store=context.store,
            embedder=context.embedder,
            options=context.options,
        )
    except IngestError as error:
        _fail_permanently(job, reporter, error.message)
        raise
    except JobTimeoutException:
        minutes = max(1, context.job_timeout_s // 60)
        _fail_permanently(
            job, reporter, f"“{filename}” took longer than {minutes} minutes to process. Try a smaller file."
        )
        raise
    except Exception as error:
        if job is not None and job.should_retry:
            reporter.update(stage=Stage.QUEUED.value, message=RETRYING_MESSAGE)
        else:
            reporter.update(stage=Stage.FAILED.value, message=generic_failure_message(filename, failure_reason(error)))
        raise
    outcome = {
        "doc_id": result.doc_id,
        "title": result.title,
        "pages": result.pages,
        "chunks": result.chunks,
        "seconds": result.seconds,
        "duplicate_of": result.duplicate_of,
    }
    message = (
        f"“{result.title}” was already in the knowledge base."
        if result.duplicate_of
        else f"“{result.title}” is ready: {result.pages} pages, {result.chunks} passages."
    )
    reporter.update(stage=Stage.DONE.value, done=1, total=1, message=message, **outcome)
    return outcome


def _fail_permanently(job: Job | None, reporter: _MetaReporter, message: str) -> None:
    """Record the message and stop RQ from retrying: the worker checks retries_left after the job raises."""
    if job is not None:
        job.retries_left = 0
    reporter.update(stage=Stage.FAILED.value, message=message)


_STATES = {
    JobStatus.QUEUED: JobState.QUEUED,
    JobStatus.DEFERRED: JobState.QUEUED,
    JobStatus.SCHEDULED: JobState.SCHEDULED,
    JobStatus.STARTED: JobState.STARTED,
    JobStatus.FINISHED: JobState.FINISHED,
    JobStatus.FAILED: JobState.FAILED,
    JobStatus.STOPPED: JobState.CANCELLED,
    JobStatus.CANCELED: JobState.CANCELLED,
}


def job_progress(config: QueueConfig, job_id: str) -> JobProgress:
    """RQ status and job.meta merged into one record for the UI; failures carry a user-readable message."""
    try:
        job = Job.fetch(job_id, connection=config.connection())
        status = job.get_status(refresh=False)
    except NoSuchJobError:
        return JobProgress.failure(job_id, UNKNOWN_JOB_MESSAGE, JobState.UNKNOWN)
    except RedisError as error:
        raise QueueUnavailableError() from error
    meta = dict(job.meta or {})
    state = _STATES.get(status, JobState.QUEUED)
    stage = Stage(meta.get("stage", Stage.QUEUED))
    message = meta.get("message")
    match state:
        case JobState.FINISHED:
            stage = Stage.DONE
        case JobState.FAILED:
            if stage != Stage.FAILED or not message:
                message = generic_failure_message(meta.get("filename"))
            stage = Stage.FAILED
        case JobState.CANCELLED:
            stage, message = Stage.FAILED, CANCELLED_MESSAGE
        case JobState.SCHEDULED:
            stage, message = Stage.QUEUED, message or RETRYING_MESSAGE
        case JobState.QUEUED if stage in TERMINAL_STAGES:
            stage = Stage.QUEUED
    return JobProgress(
        job_id=job_id,
        state=state,
        stage=stage,
        done=int(meta.get("done", 0)),
        total=int(meta.get("total", 0)),
        message=message,
        filename=meta.get("filename"),
        title=meta.get("title"),
        doc_id=meta.get("doc_id"),
        duplicate_of=meta.get("duplicate_of"),
        pages=int(meta.get("pages", 0)),
        chunks=int(meta.get("chunks", 0)),
        seconds=float(meta.get("seconds", 0.0)),
    )


def cancel_job(config: QueueConfig, job_id: str) -> bool:
    """Stop a running job or drop a waiting one; False when it had already ended."""
    connection = config.connection()
    try:
        job = Job.fetch(job_id, connection=connection)
        status = job.get_status(refresh=False)
        if status == JobStatus.STARTED:
            try:
                send_stop_job_command(connection, job_id)
                return True
            except InvalidJobOperation:
                status = job.get_status(refresh=True)
        if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
            job.cancel()
            job.meta.update(stage=Stage.FAILED.value, message=CANCELLED_MESSAGE)
            job.save_meta()
            return True
        return False
    except NoSuchJobError:
        return False
    except RedisError as error:
        raise QueueUnavailableError() from error


def workers_listening(config: QueueConfig) -> int:
    """How many registered workers serve the ingest queue."""
    try:
        return len(Worker.all(queue=config.queue()))
    except RedisError as error:
        raise QueueUnavailableError() from error


def _record_killed_horse(job: Job, retpid: int, ret_val: int, rusage) -> None:
    """Called by the worker when its work horse died without finishing (before RQ retries or fails the job)."""
    reason = "the worker processing it stopped unexpectedly"
    if ret_val and os.WIFSIGNALED(ret_val):
        reason += f" ({signal.Signals(os.WTERMSIG(ret_val)).name}; a very large file can exhaust memory)"
    _record_interruption(job, reason)


def _record_interruption(job: Job, reason: str) -> None:
    if job.should_retry:
        job.meta.update(stage=Stage.QUEUED.value, message=RETRYING_MESSAGE)
    else:
        job.meta.update(stage=Stage.FAILED.value, message=generic_failure_message(job.meta.get("filename"), reason))
    job.save_meta()


def _worker_is_dead(connection: Redis, worker_name: str | None) -> bool:
    """True when the job's worker certainly died: its record expired, or it ran on this host and its
    process is gone (or its pid now belongs to us, as after a container restart)."""
    if not worker_name:
        return False
    record = f"{Worker.redis_worker_namespace_prefix}{worker_name}"
    hostname, raw_pid = cast(list[bytes | None], connection.hmget(record, ["hostname", "pid"]))
    if hostname is None or raw_pid is None:
        return True
    if hostname.decode() != socket.gethostname():
        return False
    pid = int(raw_pid)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def requeue_abandoned_jobs(queue: Queue) -> list[str]:
    """Requeue at once (or fail, when no retries are left) the started jobs whose worker died; returns their ids.

    RQ only notices such jobs once their heartbeat expires and a worker runs maintenance, which can take
    minutes; a worker restarted after a crash would otherwise leave the user's upload hanging that long.
    The restart itself is the back-off, so the job is not scheduled (a dead worker's scheduler lock may
    still be held for a minute).
    """
    connection = queue.connection
    registry = StartedJobRegistry(queue=queue)
    recovered = []
    for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            registry.remove_execution(Execution(execution_id, job_id, connection=connection))
            continue
        if not _worker_is_dead(connection, job.worker_name):
            continue
        log.warning("Requeueing job %s: its worker %s died while running it", job_id, job.worker_name)
        if job.worker_name:
            dead_worker = Worker.find_by_key(f"{Worker.redis_worker_namespace_prefix}{job.worker_name}", connection)
            if dead_worker is not None:
                dead_worker.register_death()
        _record_interruption(job, "the worker processing it stopped unexpectedly")
        with connection.pipeline() as pipeline:
            registry.remove_execution(Execution(execution_id, job_id, connection=connection), pipeline=pipeline)
            if job.should_retry:
                job.retries_left = (job.retries_left or 0) - 1
                queue._enqueue_job(job, pipeline=pipeline, at_front=True)
            else:
                job.set_status(JobStatus.FAILED, pipeline=pipeline)
                job._handle_failure("Work-horse abandoned: its worker died", pipeline, worker_name="")
            pipeline.execute()
        recovered.append(job_id)
    return recovered


def run_worker(
    settings: Settings,
    burst: bool = False,
    *,
    in_process: bool = False,
    shared_redactor: TextRedactor | None = None,
) -> bool:
    """Serve the ingest queue (`apfa worker`); returns whether any job was processed.

    The default forks a work horse per job after loading the embedding model once in the parent, so
    each job starts warm and a crash or a cancel only ends the horse. The parent never runs the model:
    PyTorch's OpenMP pool does not survive fork() once used. `in_process=True` runs jobs without forking
    (for the CLI, whose process may already have used the model). `shared_redactor` is the PII guard for
    shared documents (`IngestOptions`).
    """
    global _worker_context
    config = QueueConfig.from_settings(settings)
    connection = Redis.from_url(config.redis_url, socket_connect_timeout=2)
    queue = config.queue(connection)
    try:
        connection.ping()
    except RedisError as error:
        raise QueueUnavailableError() from error
    requeue_abandoned_jobs(queue)
    _worker_context = WorkerContext(
        store=get_store(settings),
        embedder=get_embedder(settings.embed_precision),
        options=IngestOptions.from_settings(settings, shared_redactor),
        job_timeout_s=config.job_timeout_s,
    )
    if in_process:
        worker: Worker | SimpleWorker = SimpleWorker([queue], connection=connection)
    else:
        worker = Worker(
            [queue],
            connection=connection,
            maintenance_interval=MAINTENANCE_INTERVAL_SECONDS,
            work_horse_killed_handler=_record_killed_horse,
        )
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO" if not in_process else "WARNING")
