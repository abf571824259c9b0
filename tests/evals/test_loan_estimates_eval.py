"""`apfa eval loan-estimates`: generated forms scored field by field; a form that is not there is skipped."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from evals.loan_estimates import evaluate_loan_estimates, score
from evals.run import EvalRun
from tools.loan_estimate import LoanEstimate

DATASET = Path(__file__).resolve().parents[1] / "data/loan_estimates.jsonl"


def test_generated_forms_are_all_read_and_the_missing_sample_is_skipped(tmp_path):
    rows = [json.loads(line) for line in DATASET.read_text().splitlines()]
    subset = tmp_path / "le.jsonl"
    subset.write_text("".join(json.dumps(row) + "\n" for row in rows[:3]))
    report = evaluate_loan_estimates(EvalRun(subset, docs=tmp_path), console=Console(record=True))
    assert report["skipped"] == ["cfpb-sample-arm"]
    assert report["items"] == 2 and report["fields"] == 2 * 23
    assert report["fields_right"] == report["fields"]


def test_a_guessed_value_for_a_blank_field_is_wrong():
    marks = score({"apr": None, "lender": "Ficus Bank"}, LoanEstimate(apr=None, lender="Ficus Bank"))
    assert marks["apr"] and marks["lender"]
    assert not score({"apr": None}, LoanEstimate(apr=6))["apr"]
    assert not any(score({"lender": "X"}, None).values())
