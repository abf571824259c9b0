"""What the two calc data set builders share: reading a source file of cases and writing its JSONL data set.

Each case's expected value is written in the source as its derivation over tests/tools/float_loans.py (plain floats
from the closed forms), never taken from the product.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from float_loans import expected_value  # noqa: E402


def build(source: Path, out: Path) -> None:
    """Writes `out` from `source`, each calculator's cases alternating tune, report, tune, …"""
    kinds: dict[str, int] = {}
    cases = []
    for line in source.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        case = json.loads(line)
        expected = expected_value(case["expected"])
        if isinstance(expected, float) and math.isnan(expected):
            raise SystemExit(f"no expected value for {case['question']}")
        calculator = case["calculator"]
        cases.append(
            {
                "calculator": calculator,
                "question": case["question"],
                "history": case.get("history", []),
                "figure": case["figure"],
                "expected": round(expected, 4),
                "tolerance": case["tolerance"],
                "split": "tune" if kinds.get(calculator, 0) % 2 == 0 else "report",
            }
        )
        kinds[calculator] = kinds.get(calculator, 0) + 1
    out.write_text("".join(json.dumps(case) + "\n" for case in cases))
    print(f"{len(cases)} cases -> {out}: {kinds}")
