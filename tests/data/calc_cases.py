"""What the two calc data set builders share: tolerances, figure names, helpers for expected values, and the book
that writes the cases, each calculator's alternating between the tune half and the report half.

Expected values come from tests/tools/float_loans.py (plain floats from the closed forms), never from the product.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import float_loans as f  # noqa: E402


class Tolerance:
    """How far from the expected value a figure may be and still be right."""

    MONEY = 0.01
    SUMS = 1.00  # totals over a schedule: float cent-rounding may differ by a cent in rare months
    PCT = 0.01
    EXACT = 0
    APR = 0.001


class Figure:
    """The labels of the figures the cases check, as the calculators show them."""

    MONTHLY_PI = "Monthly principal and interest"
    TOTAL_HOUSING = "Total monthly housing payment"
    TOTAL_INTEREST = "Total interest"
    BALANCE = "Balance remaining"
    IO_PAYMENT = "Interest-only payment"
    AFTER_IO = "Payment after the interest-only period"
    AFTER_RESET = "Payment after the reset"
    LTV = "LTV"
    CLTV = "CLTV"
    APR = "APR"
    BACK_END_DTI = "Back-end DTI"
    FRONT_END_DTI = "Front-end DTI"
    MAX_LOAN = "Maximum loan"
    MAX_PRICE = "Maximum price"
    AUTO_PMI_END = "Automatic termination after payment"
    REQUEST_PMI_END = "Can request cancellation after payment"
    INTEREST_SAVED = "Interest saved"
    MONTHS_SAVED = "Months saved"
    BREAK_EVEN = "Break-even months"
    CASH_TO_CLOSE = "Cash to close"


def max_under_dti(income, cap, rate, months, debts=0.0, fixed=0.0):
    return f.max_loan(income * cap / 100 - debts - fixed, rate, months)


def saved(principal, rate, months, **extra):
    """Interest and months saved by `extra` (extra_monthly, extra_yearly or lump) against the plain schedule."""
    base = f.schedule(principal, rate, months)
    fast = f.schedule(principal, rate, months, **extra)
    return sum(r[1] for r in base) - sum(r[1] for r in fast), len(base) - len(fast)


def points_be(principal, months, base, bought, points):
    return f.break_even_months(
        principal * points / 100, f.payment(principal, base, months), f.payment(principal, bought, months)
    )


class CaseBook:
    """A data set's cases in the order they are written."""

    def __init__(self) -> None:
        self.cases: list[dict] = []

    def calculator(self, name: str, figure: str, tolerance: float) -> Callable[..., None]:
        """Adds a case for calculator `name`: its `figure` within `tolerance` unless the case names others."""

        def add(
            question: str,
            expected: float,
            *,
            figure: str = figure,
            tolerance: float = tolerance,
            history: list[str] | None = None,
        ) -> None:
            self.cases.append(
                {
                    "calculator": name,
                    "question": question,
                    "history": history or [],
                    "figure": figure,
                    "expected": round(expected, 4),
                    "tolerance": tolerance,
                }
            )

        return add

    def write(self, out: Path) -> None:
        """Writes the JSONL file, each calculator's cases alternating tune, report, tune, …"""
        kinds: dict[str, int] = {}
        for item in self.cases:
            item["split"] = "tune" if kinds.get(item["calculator"], 0) % 2 == 0 else "report"
            kinds[item["calculator"]] = kinds.get(item["calculator"], 0) + 1
            if isinstance(item["expected"], float) and math.isnan(item["expected"]):
                raise SystemExit(f"no expected value for {item['question']}")
        out.write_text("".join(json.dumps(item) + "\n" for item in self.cases))
        print(f"{len(self.cases)} cases -> {out}: {kinds}")
