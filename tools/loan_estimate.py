"""Reading the CFPB's standard three-page Loan Estimate (TILA-RESPA form H-24) and comparing several of them.

Fields are read from the text layer of the PDF by their printed labels. A field whose label or value cannot be
found is `None` and is shown as missing: nothing is guessed or computed in its place. Differences between offers
(cash to close, the "In 5 Years" cost, how long the extra points of one offer take to pay for themselves) are
computed in `Decimal` only from fields that were read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from pypdf import PdfReader

from tools.loan_math import format_money, format_percent

MONEY = r"\$\s?([\d,]+(?:\.\d\d)?)"
PERCENT = r"([\d.]+)\s?%"
DATE = r"(\d{1,2}/\d{1,2}/\d{2,4})"


@dataclass(frozen=True)
class LoanEstimate:
    """The fields a borrower compares. Money in dollars, rates in percent, `None` when not read."""

    lender: str | None = None
    date_issued: str | None = None
    loan_amount: Decimal | None = None
    loan_term_years: int | None = None
    purpose: str | None = None
    product: str | None = None
    loan_type: str | None = None
    interest_rate: Decimal | None = None
    monthly_principal_interest: Decimal | None = None
    projected_payments: tuple[str, ...] | None = None
    estimated_taxes_insurance: Decimal | None = None
    apr: Decimal | None = None
    total_interest_percentage: Decimal | None = None
    origination_charges: Decimal | None = None
    points_amount: Decimal | None = None
    points_percent: Decimal | None = None
    lender_credits: Decimal | None = None
    total_closing_costs: Decimal | None = None
    cash_to_close: Decimal | None = None
    in_5_years_total: Decimal | None = None
    in_5_years_principal: Decimal | None = None
    rate_lock_until: str | None = None
    rate_locked: bool | None = None

    def missing(self) -> list[str]:
        return [item.name for item in fields(self) if getattr(self, item.name) is None]


FIELD_LABELS = {
    "lender": "Lender",
    "date_issued": "Date issued",
    "loan_amount": "Loan amount",
    "loan_term_years": "Loan term",
    "purpose": "Purpose",
    "product": "Product",
    "loan_type": "Loan type",
    "interest_rate": "Interest rate",
    "monthly_principal_interest": "Monthly principal & interest",
    "projected_payments": "Estimated total monthly payment (by period)",
    "estimated_taxes_insurance": "Estimated taxes, insurance & assessments (monthly)",
    "apr": "APR",
    "total_interest_percentage": "Total interest percentage (TIP)",
    "origination_charges": "Origination charges (A)",
    "points_amount": "Points",
    "points_percent": "Points (% of loan)",
    "lender_credits": "Lender credits",
    "total_closing_costs": "Total closing costs (J)",
    "cash_to_close": "Estimated cash to close",
    "in_5_years_total": "In 5 years: total paid",
    "in_5_years_principal": "In 5 years: principal paid off",
    "rate_locked": "Rate locked",
    "rate_lock_until": "Rate lock expires",
}


def is_loan_estimate(text: str) -> bool:
    """The form's fixed wording: its title, the Loan Terms table and the Comparisons section."""
    lowered = text.lower()
    return "loan estimate" in lowered and "loan terms" in lowered and "projected payments" in lowered


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _money(pattern: str, text: str) -> Decimal | None:
    match = re.search(pattern, text, re.IGNORECASE | re.DOTALL)
    return Decimal(match.group(1).replace(",", "")) if match else None


FORM_LABEL = re.compile(
    r"(?:DATE ISSUED|LOAN TERM|APPLICANTS|PURPOSE|SALE PRICE|PRODUCT|LOAN TYPE|RATE LOCK|LOAN ID|PROPERTY|Loan Terms)\b"
)
SAME_OR_NEXT_LINE = r"[ \t]*\n?[ \t]*"


def _labelled(label: str, text: str) -> str | None:
    """The value printed after a form label, on the same line or (as some PDF producers extract it) the next;
    None when the field is blank, i.e. the next thing is another label."""
    match = re.search(label + r"[ \t]+([^\n]+)", text) or re.search(label + r"[ \t]*\n[ \t]*([^\n]+)", text)
    if not match:
        return None
    value = " ".join(match.group(1).split())
    return None if not value or FORM_LABEL.match(value) else value


def _text(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text, re.IGNORECASE)
    value = " ".join(match.group(1).split()).strip(" ,;:") if match else ""
    return value or None


def _checked(options: list[str], line: str | None) -> str | None:
    """The option marked with an "x" on a checkbox line such as "x  Conventional    FHA    VA"."""
    if not line:
        return None
    for option in options:
        if re.search(rf"(?:^|\s)[x✓✔☒■]\s+{option}\b", line, re.IGNORECASE):
            return option
    return None


def _lender(text: str) -> str | None:
    """Page 3's "LENDER" line (capitals on the form, unlike "Lender Credits")."""
    match = re.search(r"^\s*LENDER\s+([^\n]+?)\s*$", text, re.MULTILINE)
    name = " ".join(match.group(1).split()) if match else ""
    if name and not re.match(r"NMLS|LICENSE", name, re.IGNORECASE):
        return name
    return None


def _projected_payments(text: str) -> tuple[str, ...] | None:
    """The Projected Payments table's bottom row (page 1 also names it in the Loan Terms table; skip that one)."""
    rows = [
        re.findall(r"\$[\d,]+(?:\.\d\d)?(?:\s?[–-]\s?\$[\d,]+)?", match.group(1))
        for match in re.finditer(r"Estimated Total\s*\n?\s*Monthly Payment\s+([^\n]+)", text, re.IGNORECASE)
    ]
    best: list[str] = max(reversed(rows), key=len, default=[])  # the table comes after the Loan Terms mention
    return tuple(amount.replace(" ", "") for amount in best) or None


def _rate_lock(text: str) -> tuple[bool | None, str | None]:
    line = _labelled("RATE LOCK", text)
    if not line:
        return None, None
    until = _text(r"until\s+" + DATE, line)
    if re.search(r"(?:^|\s)[x✓✔☒■]\s+YES", line, re.IGNORECASE):
        return True, until
    if re.search(r"(?:^|\s)[x✓✔☒■]\s+NO\b", line, re.IGNORECASE) or re.match(r"\s*x\s*NO", line, re.IGNORECASE):
        return False, None
    return None, until


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value else None


def extract_loan_estimate(text: str) -> LoanEstimate:
    """Every field found by its printed label; `None` for the ones that are not there."""
    term = _text(r"^(\d{1,2})\s*(?:years|yrs)", _labelled("LOAN TERM", text) or "")
    points = re.search(r"([\d.]+)\s?% of Loan Amount \(Points\)\s*" + MONEY, text, re.IGNORECASE)
    locked, until = _rate_lock(text)
    credits = _money(r"[–-]\s?" + MONEY + r"\s+in\s+Lender\s+Credits", text)
    if credits is None:
        credits = _money(r"^\s*Lender Credits\s+[–-]?\s?" + MONEY, text.replace("\r", ""))
    return LoanEstimate(
        lender=_lender(text),
        date_issued=_text(r"^" + DATE, _labelled("DATE ISSUED", text) or ""),
        loan_amount=_money(r"Loan Amount\s+" + MONEY, text),
        loan_term_years=int(term) if term else None,
        purpose=_text(r"^(Purchase|Refinance|Construction|Home Equity Loan)", _labelled("PURPOSE", text) or ""),
        product=_labelled("PRODUCT", text),
        loan_type=_checked(["Conventional", "FHA", "VA", "USDA"], _labelled("LOAN TYPE", text)),
        interest_rate=_decimal(_text(r"Interest Rate\s+" + PERCENT, text)),
        monthly_principal_interest=_money(r"Monthly Principal & Interest.*?" + MONEY, text),
        projected_payments=_projected_payments(text),
        estimated_taxes_insurance=_money(
            r"Estimated Taxes, Insurance\s*\n?\s*& Assessments[^$]{0,60}?" + MONEY + r"\s*\n?\s*a month", text
        ),
        apr=_decimal(_text(r"Annual Percentage Rate \(APR\)\s+" + PERCENT, text)),
        total_interest_percentage=_decimal(_text(r"Total Interest Percentage \(TIP\)\s+" + PERCENT, text)),
        origination_charges=_money(r"A\.\s+Origination Charges\s+" + MONEY, text),
        points_amount=Decimal(points.group(2).replace(",", "")) if points else None,
        points_percent=Decimal(points.group(1)) if points else None,
        lender_credits=credits,
        total_closing_costs=_money(r"J\.\s+TOTAL CLOSING COSTS\s+" + MONEY, text),
        cash_to_close=_money(r"Estimated Cash to Close\s+" + MONEY, text),
        in_5_years_total=_money(r"In 5 Years\s+" + MONEY, text),
        in_5_years_principal=_money(MONEY + r"\s+Principal you will have paid off", text),
        rate_locked=locked,
        rate_lock_until=until,
    )


def read_loan_estimate(path: Path) -> LoanEstimate | None:
    """The Loan Estimate in a PDF, or None when the file is not one."""
    text = pdf_text(path)
    return extract_loan_estimate(text) if is_loan_estimate(text) else None


# ----- comparing offers -----


@dataclass(frozen=True)
class Difference:
    label: str
    text: str


def _shown(name: str, value: object) -> str:
    if value is None:
        return "*missing*"
    if name in ("interest_rate", "apr", "total_interest_percentage", "points_percent") and isinstance(value, Decimal):
        return format_percent(value, 3)
    if isinstance(value, Decimal):
        return format_money(value, cents=value != value.to_integral_value())
    if isinstance(value, tuple):
        return " / ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "loan_term_years":
        return f"{value} years"
    return str(value)


def comparison_table(estimates: list[LoanEstimate], names: list[str]) -> str:
    """Markdown table: one column per offer, every field, missing ones marked as missing."""
    header = "| Field | " + " | ".join(names) + " |\n| --- |" + " --- |" * len(names)
    rows = [
        f"| {label} | " + " | ".join(_shown(name, getattr(estimate, name)) for estimate in estimates) + " |"
        for name, label in FIELD_LABELS.items()
    ]
    return header + "\n" + "\n".join(rows)


def _ceil_months(cost: Decimal, saving: Decimal) -> int:
    return int((cost / saving).to_integral_value(rounding=ROUND_CEILING))


def differences(estimates: list[LoanEstimate], names: list[str]) -> list[Difference]:
    """Differences a borrower acts on, each only from figures read off the forms."""
    found: list[Difference] = []

    def lowest(attribute: str, label: str) -> None:
        known = [(getattr(e, attribute), name) for e, name in zip(estimates, names, strict=True)]
        known = [(value, name) for value, name in known if value is not None]
        if len(known) < 2:
            found.append(Difference(label, f"Not comparable: {label.lower()} could not be read on every form."))
            return
        known.sort(key=lambda item: item[0])
        (low, low_name), (high, high_name) = known[0], known[-1]
        if low == high:
            found.append(Difference(label, f"{label}: the same on every offer ({_shown(attribute, low)})."))
            return
        found.append(
            Difference(
                label,
                f"{label}: {low_name} is lowest at {_shown(attribute, low)}, {format_money(high - low)} less than "
                f"{high_name} ({_shown(attribute, high)}).",
            )
        )

    lowest("in_5_years_total", "5-year cost (In 5 Years)")
    lowest("cash_to_close", "Cash to close")
    lowest("total_closing_costs", "Total closing costs")
    found.extend(_points_break_even(estimates, names))
    return found


def _points_break_even(estimates: list[LoanEstimate], names: list[str]) -> list[Difference]:
    """For each pair: the offer with more points but a lower P&I pays them back after cost ÷ saving months."""
    results = []
    for i, first in enumerate(estimates):
        for j in range(i + 1, len(estimates)):
            second = estimates[j]
            # (monthly P&I, points, name) of each offer that shows both figures; a pair needs both offers
            priced = [
                (estimate.monthly_principal_interest, estimate.points_amount, name)
                for estimate, name in ((first, names[i]), (second, names[j]))
                if estimate.monthly_principal_interest is not None and estimate.points_amount is not None
            ]
            if len(priced) < 2:
                continue
            priced.sort(key=lambda offer: offer[0])
            (cheap_payment, cheap_points, cheap_name), (dear_payment, dear_points, dear_name) = priced
            extra_points = cheap_points - dear_points
            saving = dear_payment - cheap_payment
            if extra_points <= 0 or saving <= 0:
                continue
            months = _ceil_months(extra_points, saving)
            results.append(
                Difference(
                    "Points break-even",
                    f"Points break-even: {cheap_name} charges {format_money(extra_points)} more in points for a "
                    f"monthly principal and interest {format_money(saving)} lower than {dear_name}; that pays for "
                    f"itself after {months} months ({months // 12} years {months % 12} months) if you keep the loan "
                    "that long.",
                )
            )
    return results
