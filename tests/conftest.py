"""Shared fixtures: an isolated data directory and settings per test, and a Redis queue of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from docfactory import current_queue

TEST_REDIS_DB = 3


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh APFA_DATA_DIR: what an edge (the `apfa` command, a worker) started in this test reads."""
    directory = tmp_path / "apfa-data"
    directory.mkdir()
    monkeypatch.setenv("APFA_DATA_DIR", str(directory))
    yield directory


@pytest.fixture
def queue_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A queue of its own on a non-default Redis database; its keys are deleted afterwards."""
    queue_name = f"apfa-ingest-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:6379/{TEST_REDIS_DB}")
    monkeypatch.setenv("APFA_QUEUE", queue_name)
    yield queue_name
    _delete_queue_keys(current_queue().connection(), queue_name)


def _delete_queue_keys(connection, queue_name: str) -> None:
    """Remove every key this test's queue left: jobs, results, registries and worker records."""
    doomed = list(connection.scan_iter(f"*{queue_name}*"))
    for key in connection.scan_iter("rq:job:*"):
        if connection.hget(key, "origin") == queue_name.encode():
            job_id = key.decode().removeprefix("rq:job:")
            doomed.extend([key, f"rq:results:{job_id}", f"rq:job:{job_id}:dependents"])
    for key in connection.scan_iter("rq:worker:*"):
        if queue_name.encode() in (connection.hget(key, "queues") or b""):
            doomed.append(key)
            connection.srem("rq:workers", key)
    connection.srem("rq:queues", f"rq:queue:{queue_name}")
    if doomed:
        connection.delete(*doomed)
