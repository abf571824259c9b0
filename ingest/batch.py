"""`apfa ingest`: enqueue many files as ingestion jobs and follow them to the end with a progress display.

When no worker is listening, an in-process burst worker runs the queue, so the command completes on a laptop
without `apfa worker` running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from apfa.settings import Settings
from ingest import jobs
from ingest.parsing import IngestError, check_size, is_supported, supported_types_text
from ingest.pipeline import TextRedactor
from ingest.progress import TERMINAL_STATES, JobProgress, JobState, Stage

_POLL_SECONDS = 0.25
_STALE_WORKER_SECONDS = 30.0


@dataclass
class FileOutcome:
    path: str
    job_id: str
    state: JobState
    title: str | None = None
    doc_id: str | None = None
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    duplicate_of: str | None = None
    message: str | None = None


@dataclass
class IngestSummary:
    """What `apfa ingest` did: one outcome per enqueued file, plus the files skipped before enqueueing."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def files(self) -> int:
        return len(self.outcomes)

    @property
    def indexed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.state == JobState.FINISHED and not o.duplicate_of]

    @property
    def duplicates(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.duplicate_of]

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.state in TERMINAL_STATES - {JobState.FINISHED}]

    @property
    def pending(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.state not in TERMINAL_STATES]

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.indexed)

    @property
    def chunks(self) -> int:
        return sum(o.chunks for o in self.indexed)


def expand_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Supported files under the given files and directories, and the ones skipped with a reason."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            for candidate in candidates:
                if is_supported(candidate.name):
                    files.append(candidate.resolve())
                else:
                    skipped.append((str(candidate), f"not a supported type ({supported_types_text()})"))
        elif not path.exists():
            skipped.append((str(path), "no such file or directory"))
        elif not is_supported(path.name):
            skipped.append((str(path), f"not a supported type ({supported_types_text()})"))
        else:
            files.append(path.resolve())
    unique = list(dict.fromkeys(files))
    return unique, skipped


def ingest_paths(
    settings: Settings,
    paths: Sequence[Path | str],
    scope: str = "shared",
    owner: str = "system",
    wait: bool = True,
    console: Console | None = None,
    shared_redactor: TextRedactor | None = None,
) -> IngestSummary:
    """Enqueue every supported file; with `wait`, show progress until all are done and print a summary.

    When no worker is listening, an in-process burst worker (with `shared_redactor` as its PII guard)
    processes the queue so the command still completes on a laptop without `apfa worker` running.
    """
    started = time.monotonic()
    console = console or Console()
    config = jobs.QueueConfig.from_settings(settings)
    files, skipped = expand_paths(paths)
    summary = IngestSummary(skipped=skipped)
    for file in files:
        try:
            check_size(file, file.name, settings.max_upload_bytes)
        except IngestError as error:
            summary.skipped.append((str(file), error.message))
            continue
        job_id = jobs.enqueue_ingest(config, file, file.name, scope, owner)
        summary.outcomes.append(FileOutcome(path=str(file), job_id=job_id, state=JobState.QUEUED))
    if wait and summary.outcomes:

        def run_burst() -> None:
            jobs.run_worker(settings, burst=True, in_process=True, shared_redactor=shared_redactor)

        _wait_with_progress(config, summary, console, run_burst)
    summary.seconds = round(time.monotonic() - started, 2)
    if wait:
        print_summary(summary, console)
    return summary


def _wait_with_progress(
    config: jobs.QueueConfig, summary: IngestSummary, console: Console, run_burst: Callable[[], None]
) -> None:
    columns = (
        TextColumn("{task.description}", style="bold"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        tasks = {
            outcome.job_id: progress.add_task(Path(outcome.path).name, total=None, stage="queued")
            for outcome in summary.outcomes
        }

        refresh_lock = threading.Lock()

        def refresh() -> bool:
            with refresh_lock:
                return _refresh_outcomes(config, summary, progress, tasks)

        if jobs.workers_listening(config) == 0:
            _process_in_process(refresh, run_burst)
            return
        waiting_since = time.monotonic()
        while not refresh():
            if any(o.state != JobState.QUEUED for o in summary.outcomes):
                waiting_since = time.monotonic()
            elif time.monotonic() - waiting_since > _STALE_WORKER_SECONDS:
                _process_in_process(refresh, run_burst)
                return
            time.sleep(_POLL_SECONDS)


def _refresh_outcomes(config: jobs.QueueConfig, summary: IngestSummary, progress: Progress, tasks: dict) -> bool:
    """Poll every unfinished job once; True when all are finished."""
    for outcome in summary.pending:
        state = jobs.job_progress(config, outcome.job_id)
        _apply_progress(outcome, state)
        progress.update(
            tasks[outcome.job_id], completed=state.done, total=state.total or None, stage=_stage_text(state)
        )
    return not summary.pending


def _process_in_process(refresh: Callable[[], bool], run_burst: Callable[[], None]) -> None:
    """Run burst workers in this process while a thread keeps the progress display current."""
    finished = threading.Event()

    def poll() -> None:
        while not finished.is_set() and not refresh():
            finished.wait(_POLL_SECONDS)

    poller = threading.Thread(target=poll, name="ingest-progress", daemon=True)
    poller.start()
    try:
        while not refresh():
            run_burst()
            if not refresh():
                time.sleep(1.0)
    finally:
        finished.set()
        poller.join()


def _apply_progress(outcome: FileOutcome, state: JobProgress) -> None:
    outcome.state = state.state
    outcome.title = state.title or outcome.title
    outcome.doc_id = state.doc_id or outcome.doc_id
    outcome.duplicate_of = state.duplicate_of or outcome.duplicate_of
    outcome.message = state.message or outcome.message
    outcome.pages, outcome.chunks, outcome.seconds = state.pages, state.chunks, state.seconds


def _stage_text(state: JobProgress) -> str:
    if state.duplicate_of:
        return "already indexed"
    if state.stage == Stage.FAILED:
        return f"[red]failed[/red]: {state.message or ''}"
    return str(state.stage)


def print_summary(summary: IngestSummary, console: Console) -> None:
    table = Table(title="Ingestion summary", show_header=False)
    table.add_row("files indexed", str(len(summary.indexed)))
    table.add_row("already indexed", str(len(summary.duplicates)))
    table.add_row("failed", str(len(summary.failed)))
    table.add_row("skipped", str(len(summary.skipped)))
    table.add_row("pages", str(summary.pages))
    table.add_row("chunks", str(summary.chunks))
    table.add_row("seconds", f"{summary.seconds:.1f}")
    console.print(table)
    for outcome in summary.failed:
        console.print(f"[red]failed[/red] {outcome.path}: {outcome.message or outcome.state}")
    for path, reason in summary.skipped:
        console.print(f"[yellow]skipped[/yellow] {path}: {reason}")
