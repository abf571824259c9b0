"""`apfa eval loan-estimates`: how many Loan Estimate fields are read right (and blanks reported as missing).

Each line of the data set is `{"id", "fields": {name: value or null}, "split", "file"?}`. A line with `file` is a
real PDF in `--docs` (the CFPB sample); the others are drawn in the form's layout (`evals.loan_estimate_forms`).
A field is right when the extracted value equals the known one, or both are missing.
"""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console

from evals.loan_estimate_forms import render_loan_estimate
from evals.run import EvalRun
from tools.loan_estimate import FIELD_LABELS, LoanEstimate, read_loan_estimate


def _same(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(actual, bool) or isinstance(expected, bool):
        return bool(expected) == bool(actual)
    if isinstance(actual, Decimal | int):
        return Decimal(str(expected)) == Decimal(str(actual))
    if isinstance(actual, tuple):
        return list(actual) == list(expected)
    return str(expected).strip().lower() == str(actual).strip().lower()


def score(expected: dict[str, Any], estimate: LoanEstimate | None) -> dict[str, bool]:
    return {name: estimate is not None and _same(expected.get(name), getattr(estimate, name)) for name in FIELD_LABELS}


def evaluate_loan_estimates(run: EvalRun, console: Console | None = None) -> dict:
    """`run.docs` holds the real forms the data set names by `file`; a row whose form is not there is skipped."""
    console = console or Console()
    docs = run.docs
    rows = [json.loads(line) for line in run.dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if run.split in (None, "all") or row.get("split") == run.split]
    totals: dict[str, list[int]] = {"sample": [0, 0], "generated": [0, 0]}
    by_field: dict[str, list[int]] = {name: [0, 0] for name in FIELD_LABELS}
    skipped = []
    with tempfile.TemporaryDirectory() as work:
        for row in rows:
            if row.get("file"):
                if docs is None or not (docs / row["file"]).exists():
                    skipped.append(row["id"])
                    continue
                path, source = docs / row["file"], "sample"
            else:
                target = Path(work) / f"{row['id']}.pdf"
                path = render_loan_estimate(row["fields"], target, row.get("layout", "columns"))
                source = "generated"
            marks = score(row["fields"], read_loan_estimate(path))
            for name, read_right in marks.items():
                by_field[name][0] += read_right
                by_field[name][1] += 1
                if not read_right:
                    console.print(
                        f"[red]WRONG[/red] {row['id']} {name}: expected {row['fields'].get(name)!r}", highlight=False
                    )
            totals[source][0] += sum(marks.values())
            totals[source][1] += len(marks)
    for name, (right, total) in by_field.items():
        if total:
            console.print(f"{name:28} {right}/{total}", highlight=False)
    right = sum(value[0] for value in totals.values())
    total = sum(value[1] for value in totals.values())
    return {
        "items": len(rows) - len(skipped),
        "skipped": skipped,
        "fields": total,
        "fields_right": right,
        "accuracy": round(right / total, 4) if total else 0.0,
        "sample": f"{totals['sample'][0]}/{totals['sample'][1]}",
        "generated": f"{totals['generated'][0]}/{totals['generated'][1]}",
        "split": run.split or "all",
    }
