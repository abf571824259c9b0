"""`apfa eval calc`: cases run through the chat's graph, figures judged within tolerance, failures printed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from apfa.settings import Settings
from evals.calc import evaluate_calc, load_cases
from evals.run import EvalRun

DATASET = Path(__file__).resolve().parents[1] / "data/calc_questions.jsonl"


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_cases_are_judged_by_the_named_figure(tmp_path):
    settings = Settings(APFA_LLM_PROVIDER="fake", APFA_DATA_DIR=str(tmp_path / "data"))
    rows = [
        {
            "question": "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?",
            "expected": 1896.20,
            "tolerance": 0.01,
            "figure": "Monthly principal and interest",
            "calculator": "payment",
            "split": "tune",
        },
        {
            "question": "what about 15 years?",
            "history": ["payment on $300,000 at 6.5% for 30 years"],
            "expected": 2613.32,
            "tolerance": 0.01,
            "calculator": "payment",
            "split": "report",
        },
        {
            "question": "what's the payment on a $300,000 loan for 30 years?",
            "expected": 1896.20,
            "tolerance": 0.01,
            "calculator": "payment",
            "split": "report",
        },
    ]
    console = Console(record=True, width=200)
    report = evaluate_calc(EvalRun(write(tmp_path / "calc.jsonl", rows)), settings, console=console)
    assert (report["items"], report["correct"]) == (3, 2)
    assert report["by_calculator"] == {"payment": "2/3"}
    assert "asked instead" in console.export_text()
    tune = evaluate_calc(EvalRun(write(tmp_path / "calc.jsonl", rows), split="tune"), settings, console=console)
    assert tune["accuracy"] == 1.0


def test_the_data_set_is_large_enough_and_split():
    cases = load_cases(DATASET)
    assert len(cases) >= 80
    per_calculator: dict[str, int] = {}
    for case in cases:
        per_calculator[case.calculator] = per_calculator.get(case.calculator, 0) + 1
    assert len(per_calculator) == 15 and min(per_calculator.values()) >= 5
    assert {case.split for case in cases} == {"tune", "report"}
    assert sum(bool(case.history) for case in cases) >= 3


def test_the_command_ends_with_one_json_line(tmp_path):
    rows = [{"question": "LTV for a $280,000 loan on a $350,000 house", "expected": 80, "tolerance": 0.01}]
    env = {"APFA_LLM_PROVIDER": "fake", "APFA_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "eval", "calc", "--dataset", str(write(tmp_path / "c.jsonl", rows))],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert (report["items"], report["correct"], report["accuracy"]) == (1, 1, 1.0)
