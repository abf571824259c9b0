"""Builds tests/data/loan_estimates.jsonl: the fields of Loan Estimates for `apfa eval loan-estimates`.

One line is the CFPB's sample form (fields typed by hand from the PDF in the shared data directory, which is
passed to the command, never copied here); the others are offers the evaluation draws in the same layout with
reportlab (evals/loan_estimate_forms.py): several lenders, rates, points and fees, and some fields left blank
(a form not filled in completely) whose right answer is "missing". Run once from the repository root.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

CFPB_SAMPLE = {
    "id": "cfpb-sample-arm",
    "file": "adjustable_rate_loan_estimate.pdf",
    "fields": {
        "lender": "Ficus Bank",
        "date_issued": "2/15/2013",
        "loan_amount": 211000,
        "loan_term_years": 30,
        "purpose": "Purchase",
        "product": "5 Year Interest Only, 5/3 Adjustable Rate",
        "loan_type": "Conventional",
        "interest_rate": 4,
        "monthly_principal_interest": 703.33,
        "projected_payments": ["$812", "$1,137–$1,468", "$1,137–$1,713", "$1,028–$2,068"],
        "estimated_taxes_insurance": 533,
        "apr": 4.617,
        "total_interest_percentage": 81.18,
        "origination_charges": 3110,
        "points_amount": 2110,
        "points_percent": 1,
        "lender_credits": 0,
        "total_closing_costs": 8791,
        "cash_to_close": 27791,
        "in_5_years_total": 54944,
        "in_5_years_principal": 0,
        "rate_locked": True,
        "rate_lock_until": "4/16/2013",
    },
}

OFFERS = [
    # lender, amount, rate, points %, application fee, other costs, credits, apr, blanks
    ("Ficus Bank", 300_000, 6.5, 1.0, 500, 6_200, 0, 6.642, ()),
    ("Maple Street Credit Union", 300_000, 6.875, 0.0, 0, 5_400, 1_500, 6.911, ()),
    ("Harbor Home Loans", 300_000, 6.25, 2.0, 995, 6_900, 0, 6.498, ("total_interest_percentage",)),
    ("Prairie National Bank", 425_000, 7.125, 0.5, 1_100, 8_300, 0, 7.262, ("rate_lock_until",)),
    ("Blue Ridge Mortgage", 425_000, 6.99, 1.25, 0, 7_750, 0, 7.188, ("in_5_years_principal",)),
    ("Lakeside Savings", 180_000, 5.875, 0.0, 300, 4_100, 750, 5.969, ("date_issued", "product")),
    ("Summit Lending Group", 180_000, 5.625, 1.5, 650, 4_450, 0, 5.881, ()),
    ("Cedar & Pine Bank", 610_000, 6.375, 0.25, 1_250, 11_900, 2_000, 6.441, ("estimated_taxes_insurance",)),
]
# drawn with label and value in one text run: added after the extractor was tuned on the lines above
INLINE_OFFERS = [
    ("Riverbend Federal Savings", 275_000, 6.75, 1.0, 400, 5_900, 0, 6.881, ()),
    ("Oak Hollow Mortgage Co.", 275_000, 7.0, 0.0, 0, 5_100, 1_000, 7.049, ("total_interest_percentage",)),
    ("Granite State Bank", 520_000, 6.125, 1.75, 1_050, 9_800, 0, 6.338, ("rate_lock_until", "product")),
    ("Sunrise Home Lending", 150_000, 7.375, 0.5, 250, 3_900, 500, 7.512, ()),
]


def payment(principal: float, rate: float, months: int) -> float:
    r = rate / 1200
    return principal * r / (1 - (1 + r) ** -months)


def offer_fields(index: int, offer: tuple) -> dict:
    lender, amount, rate, points, fee, other, credits, apr, blanks = offer
    pi = round(payment(amount, rate, 360), 2)
    points_amount = round(amount * points / 100)
    origination = points_amount + fee
    closing = origination + other - credits
    price = round(amount / 0.8 / 1000) * 1000
    escrow = round(amount * 0.0018)
    balance_60 = amount * (1 + rate / 1200) ** 60 - pi * ((1 + rate / 1200) ** 60 - 1) / (rate / 1200)
    fields = {
        "lender": lender,
        "date_issued": f"{(index % 9) + 1}/1{index % 9}/2025",
        "loan_amount": amount,
        "loan_term_years": 30,
        "purpose": "Purchase" if index % 3 else "Refinance",
        "product": "Fixed Rate",
        "loan_type": ("Conventional", "FHA", "VA")[index % 3],
        "interest_rate": rate,
        "monthly_principal_interest": pi,
        "projected_payments": [f"${math.floor(pi + escrow + 0.5):,}"],
        "estimated_taxes_insurance": escrow,
        "apr": apr,
        "total_interest_percentage": round((pi * 360 - amount) / amount * 100, 2),
        "origination_charges": origination,
        "points_amount": points_amount if points else None,
        "points_percent": points if points else None,
        "lender_credits": credits,
        "total_closing_costs": closing,
        "cash_to_close": closing + price - amount,
        "in_5_years_total": round(pi * 60 + closing + credits),
        "in_5_years_principal": round(amount - balance_60),
        "rate_locked": index % 4 != 3,
        "rate_lock_until": f"{(index % 9) + 2}/2{index % 7}/2025" if index % 4 != 3 else None,
        "sale_price": price,
        "application_fee": fee,
    }
    for name in blanks:
        fields[name] = None
    return {"id": f"generated-{index + 1}", "fields": fields}


def main() -> None:
    items = [CFPB_SAMPLE] + [offer_fields(i, offer) for i, offer in enumerate(OFFERS)]
    for i, offer in enumerate(INLINE_OFFERS, start=len(OFFERS)):
        items.append({**offer_fields(i, offer), "layout": "inline"})
    for index, item in enumerate(items):
        item["split"] = "tune" if index % 2 == 0 else "report"
    out = Path(__file__).with_name("loan_estimates.jsonl")
    out.write_text("".join(json.dumps(item) + "\n" for item in items))
    print(f"{len(items)} Loan Estimates -> {out}")


if __name__ == "__main__":
    main()
