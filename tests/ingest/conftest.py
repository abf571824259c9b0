"""Fixtures for the ingest tests: an isolated data directory and settings per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from docfactory import clear_caches


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh APFA_DATA_DIR with the settings, store and Redis caches rebuilt around it."""
    directory = tmp_path / "apfa-data"
    directory.mkdir()
    monkeypatch.setenv("APFA_DATA_DIR", str(directory))
    clear_caches()
    yield directory
    clear_caches()
