"""`apfa bench persist` measures real writes and leaves nothing behind in the database it measured."""

from __future__ import annotations

import sqlite3

from apfa.settings import Settings
from evals import persist_bench as benchmark


def test_bench_persist_reports_per_turn_times_and_cleans_up(tmp_path, monkeypatch):
    redacted: list[str] = []
    monkeypatch.setattr(benchmark, "pii_redactor", lambda text: redacted.append(text) or text)
    settings = Settings(APFA_DATA_DIR=str(tmp_path), DATABASE_URL=None)

    report = benchmark.bench_persist(settings.effective_database_url, turns=3)

    assert report["turns"] == 3 and 0 < report["median_ms"] <= report["p95_ms"]
    assert benchmark.QUESTION in redacted and benchmark.EXCERPT in redacted, "every stored text is redacted first"
    with sqlite3.connect(tmp_path / "apfa.db") as connection:
        for table in ("threads", "steps", "elements", "users"):
            assert connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
