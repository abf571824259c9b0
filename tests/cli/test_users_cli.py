"""`apfa users add` and `apfa users list` as an administrator runs them, on a fresh SQLite database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def apfa(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {"APFA_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "HOME": str(data_dir.parent)}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )


def test_users_list_shows_every_account_with_its_role(tmp_path):
    data_dir = tmp_path / "data"
    assert apfa(data_dir, "migrate").returncode == 0
    for name, role in [("zoe", "borrower"), ("adam", "advisor")]:
        added = apfa(data_dir, "users", "add", name, "--role", role, "--password-stdin", stdin="long-enough-pw\n")
        assert added.returncode == 0, added.stderr
    listed = apfa(data_dir, "users", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["adam\tadvisor", "zoe\tborrower"]


def test_an_administrator_changes_a_role_and_a_password(tmp_path):
    data_dir = tmp_path / "data"
    assert apfa(data_dir, "users", "add", "kim", "--password-stdin", stdin="long-enough-pw\n").returncode == 0

    promoted = apfa(data_dir, "users", "role", "kim", "advisor")
    changed = apfa(data_dir, "users", "password", "kim", "--password-stdin", stdin="another-long-pw\n")
    too_short = apfa(data_dir, "users", "password", "kim", "--password-stdin", stdin="short\n")
    unknown = apfa(data_dir, "users", "role", "nobody", "admin")

    assert promoted.returncode == 0 and apfa(data_dir, "users", "list").stdout.splitlines() == ["kim\tadvisor"]
    assert changed.returncode == 0, changed.stderr
    assert too_short.returncode == 2 and "at least" in too_short.stderr
    assert unknown.returncode == 2 and "No account named 'nobody'" in unknown.stderr
