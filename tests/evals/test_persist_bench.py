"""`apfa bench persist` measures real writes and leaves nothing behind in the database it measured."""

from __future__ import annotations

import sqlite3

import pytest

from apfa.settings import get_settings
from evals import persist_bench as benchmark


@pytest.fixture
def sqlite_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("APFA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_bench_persist_reports_per_turn_times_and_cleans_up(sqlite_data_dir, monkeypatch):
    redacted: list[str] = []
    monkeypatch.setattr(benchmark, "pii_redactor", lambda text: redacted.append(text) or text)

    report = benchmark.bench_persist(turns=3)

    assert report["turns"] == 3 and 0 < report["median_ms"] <= report["p95_ms"]
    assert benchmark.QUESTION in redacted and benchmark.EXCERPT in redacted, "every stored text is redacted first"
    with sqlite3.connect(sqlite_data_dir / "apfa.db") as connection:
        for table in ("threads", "steps", "elements", "users"):
            assert connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
