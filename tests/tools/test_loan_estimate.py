"""Loan Estimates: fields read from the CFPB form, blanks reported as missing, offers compared."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from evals.loan_estimate_forms import render_loan_estimate
from tools.loan_estimate import (
    LoanEstimate,
    comparison_table,
    differences,
    extract_loan_estimate,
    is_loan_estimate,
    pdf_text,
    read_loan_estimate,
)

CFPB_SAMPLE = (
    Path(__file__).resolve().parents[3] / "shared/data/cfpb_mortgage_docs/pdf/adjustable_rate_loan_estimate.pdf"
)
DATASET = Path(__file__).resolve().parents[1] / "data/loan_estimates.jsonl"


def offers() -> list[dict]:
    return [json.loads(line) for line in DATASET.read_text().splitlines() if not json.loads(line).get("file")]


@pytest.mark.skipif(not CFPB_SAMPLE.exists(), reason="the CFPB sample lives in the shared data directory")
def test_the_cfpb_sample_is_read_field_by_field():
    estimate = read_loan_estimate(CFPB_SAMPLE)
    assert estimate.lender == "Ficus Bank"
    assert estimate.loan_amount == 211_000 and estimate.interest_rate == 4
    assert estimate.monthly_principal_interest == Decimal("703.33")
    assert estimate.projected_payments == ("$812", "$1,137–$1,468", "$1,137–$1,713", "$1,028–$2,068")
    assert estimate.apr == Decimal("4.617") and estimate.total_interest_percentage == Decimal("81.18")
    assert (estimate.points_percent, estimate.points_amount, estimate.origination_charges) == (1, 2110, 3110)
    assert (estimate.total_closing_costs, estimate.cash_to_close, estimate.lender_credits) == (8791, 27791, 0)
    assert (estimate.in_5_years_total, estimate.in_5_years_principal) == (54944, 0)
    assert estimate.rate_locked and estimate.rate_lock_until == "4/16/2013"
    assert estimate.missing() == []


@pytest.mark.parametrize("layout", ["columns", "inline"])
def test_generated_forms_are_read_and_blanks_stay_missing(tmp_path, layout):
    row = next(row for row in offers() if row["fields"]["total_interest_percentage"] is None)
    estimate = read_loan_estimate(render_loan_estimate(row["fields"], tmp_path / "le.pdf", layout))
    assert estimate.lender == row["fields"]["lender"]
    assert estimate.total_interest_percentage is None
    assert "total_interest_percentage" in estimate.missing()
    assert estimate.apr == Decimal(str(row["fields"]["apr"]))


def test_a_document_that_is_not_a_loan_estimate(tmp_path):
    assert not is_loan_estimate("Closing Disclosure. Loan Terms. Projected Payments.")
    assert extract_loan_estimate("nothing here") == LoanEstimate()


def test_offers_are_compared_from_read_figures_only(tmp_path):
    rows = offers()[:2]
    estimates = [
        read_loan_estimate(render_loan_estimate(r["fields"], tmp_path / f"{i}.pdf")) for i, r in enumerate(rows)
    ]
    names = [e.lender for e in estimates]
    table = comparison_table(estimates, names)
    assert "| Lender | Ficus Bank | Maple Street Credit Union |" in table
    assert "*missing*" in table  # the second offer has no points
    found = {d.label: d.text for d in differences(estimates, names)}
    five_year = found["5-year cost (In 5 Years)"]
    low, high = sorted(e.in_5_years_total for e in estimates)
    assert f"${high - low:,.2f}" in five_year
    with_missing = [estimates[0], LoanEstimate(lender="Unreadable")]
    assert "Not comparable" in {d.label: d.text for d in differences(with_missing, ["A", "B"])}["Cash to close"]


def test_points_break_even_between_offers():
    cheap = LoanEstimate(monthly_principal_interest=Decimal("1896.20"), points_amount=Decimal(3000))
    dear = LoanEstimate(monthly_principal_interest=Decimal("1970.79"), points_amount=Decimal(0))
    text = " ".join(d.text for d in differences([cheap, dear], ["A", "B"]))
    assert "after 41 months" in text  # 3000 / 74.59 = 40.2 -> 41


def test_pdf_text_reads_every_page(tmp_path):
    row = offers()[0]
    text = pdf_text(render_loan_estimate(row["fields"], tmp_path / "le.pdf"))
    assert "PAGE 3 OF 3" in text and is_loan_estimate(text)
