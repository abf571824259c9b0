"""What an ingestion job reports while it runs: one typed record shared by the worker, the chat and `apfa ingest`.

`state` is where the job is in the queue (RQ's status, with its two spellings of cancellation folded into one);
`stage` is what the pipeline is doing. The chat and the CLI only read these two enums, so a new state or stage is
added here once and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "queued"
    SCHEDULED = "scheduled"  # waiting for a retry after a failure
    STARTED = "started"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # the job expired or never existed


class Stage(StrEnum):
    QUEUED = "queued"
    PARSING = "parsing"
    CHUNKING = "chunking"
    EMBEDDING = "embedding"
    INDEXING = "indexing"
    DONE = "done"
    FAILED = "failed"


TERMINAL_STATES = frozenset({JobState.FINISHED, JobState.FAILED, JobState.CANCELLED, JobState.UNKNOWN})
TERMINAL_STAGES = frozenset({Stage.DONE, Stage.FAILED})


@dataclass(frozen=True)
class JobProgress:
    job_id: str
    state: JobState
    stage: Stage
    done: int = 0
    total: int = 0
    message: str | None = None
    filename: str | None = None
    title: str | None = None
    doc_id: str | None = None
    duplicate_of: str | None = None
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0

    @property
    def finished(self) -> bool:
        """Nothing more will happen: the document is searchable, or it will not be without a new upload."""
        return self.state in TERMINAL_STATES or self.stage in TERMINAL_STAGES

    @property
    def succeeded(self) -> bool:
        return self.state == JobState.FINISHED and self.stage == Stage.DONE

    @classmethod
    def failure(cls, job_id: str, message: str, state: JobState = JobState.FAILED) -> JobProgress:
        return cls(job_id=job_id, state=state, stage=Stage.FAILED, message=message)
