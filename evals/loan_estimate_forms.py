"""Loan Estimates in the CFPB's three-page layout (form H-24), drawn with reportlab from known field values.

They give `apfa eval loan-estimates` and the tests forms whose every field is known: lenders, rates, fees and the
fields left blank vary, and labels and values are separate drawing operations on the same line, as on the form.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

LEFT, VALUE, THIRD = 40, 230, 400
LINE = 14


def _money(value: Any) -> str:
    if value is None:
        return ""
    amount = Decimal(str(value))
    return f"${amount:,.2f}" if amount != amount.to_integral_value() else f"${amount:,.0f}"


def _pct(value: Any) -> str:
    return "" if value is None else f"{Decimal(str(value)).normalize():f}%"


class _Page:
    """`inline` draws a line's cells as one string (label and value in one text run, as some producers do)."""

    def __init__(self, pdf: canvas.Canvas, inline: bool = False):
        self.pdf = pdf
        self.y = 750
        self.inline = inline

    def line(self, *cells: tuple[float, str], size: int = 9) -> None:
        if self.inline:
            cells = ((cells[0][0], "  ".join(text for _, text in cells if text)),) if cells else ()
        for x, text in cells:
            if text:
                self.pdf.setFont("Helvetica", size)
                self.pdf.drawString(x, self.y, text)
        self.y -= LINE

    def gap(self) -> None:
        self.y -= LINE // 2


def render_loan_estimate(fields: dict[str, Any], path: Path, layout: str = "columns") -> Path:
    """Draw the three pages; a field that is None (or absent) is left blank, as an unfilled form would be.

    `layout` "columns" draws labels and values as separate text runs (extracted on separate lines), "inline" as one.
    """
    f = fields.get
    inline = layout == "inline"
    pdf = canvas.Canvas(str(path), pagesize=letter)
    page = _Page(pdf, inline)
    page.line((LEFT, (f("lender") or "").upper()), size=12)
    page.line((LEFT, "Loan Estimate"), size=14)
    page.line(
        (LEFT, "DATE ISSUED"),
        (VALUE - 100, f("date_issued") or ""),
        (THIRD - 60, "LOAN TERM"),
        (THIRD + 20, f"{f('loan_term_years')} years" if f("loan_term_years") else ""),
    )
    page.line(
        (LEFT, "APPLICANTS"), (VALUE - 100, "<PERSON_1>"), (THIRD - 60, "PURPOSE"), (THIRD + 20, f("purpose") or "")
    )
    page.line(
        (LEFT, "SALE PRICE"),
        (VALUE - 100, _money(f("sale_price"))),
        (THIRD - 60, "PRODUCT"),
        (THIRD + 20, f("product") or ""),
    )
    loan_type = f("loan_type")
    boxes = "    ".join(("x  " if option == loan_type else "   ") + option for option in ("Conventional", "FHA", "VA"))
    page.line((THIRD - 60, "LOAN TYPE"), (THIRD + 20, boxes))
    lock = f("rate_locked")
    lock_text = ""
    if lock is True:
        lock_text = "NO   x  YES, until " + (f("rate_lock_until") or "") + " at 5:00 p.m. EDT"
    elif lock is False:
        lock_text = "x  NO     YES"
    page.line((THIRD - 60, "RATE LOCK"), (THIRD + 20, lock_text))
    page.gap()
    page.line((LEFT, "Loan Terms"), (THIRD, "Can this amount increase after closing?"))
    page.line((LEFT, "Loan Amount"), (VALUE, _money(f("loan_amount"))), (THIRD, "NO"))
    page.line((LEFT, "Interest Rate"), (VALUE, _pct(f("interest_rate"))), (THIRD, "NO"))
    page.line((LEFT, "Monthly Principal & Interest"), (THIRD, "NO"))
    page.line((LEFT, "See Projected Payments below for your"))
    page.line((LEFT, "Estimated Total Monthly Payment"))
    page.line((VALUE, _money(f("monthly_principal_interest"))))
    page.gap()
    page.line((LEFT, "Projected Payments"))
    page.line((LEFT, "Payment Calculation"), (VALUE, "Years 1-7"), (THIRD, "Years 8-30"))
    page.line((LEFT, "Principal & Interest"), (VALUE, _money(f("monthly_principal_interest"))))
    payments = f("projected_payments") or []
    page.line((LEFT, "Estimated Total"))
    page.line((LEFT, "Monthly Payment"), *[(VALUE + 170 * i, text) for i, text in enumerate(payments)])
    page.line((LEFT, "Estimated Taxes, Insurance"))
    page.line((LEFT, "& Assessments"), (VALUE, _money(f("estimated_taxes_insurance"))), (VALUE + 60, "a month"))
    page.gap()
    page.line((LEFT, "Costs at Closing"))
    credits = f("lender_credits")
    page.line(
        (LEFT, "Estimated Closing Costs"),
        (VALUE, _money(f("total_closing_costs"))),
        (
            VALUE + 70,
            f"Includes Loan Costs and Other Costs – {_money(credits) or '$0'} in Lender Credits."
            if credits is not None
            else "Includes Loan Costs and Other Costs.",
        ),
    )
    page.line(
        (LEFT, "Estimated Cash to Close"), (VALUE, _money(f("cash_to_close"))), (VALUE + 70, "Includes Closing Costs.")
    )
    page.line((LEFT, "PAGE 1 OF 3  •  LOAN ID # 1234567890  LOAN ESTIMATE"))
    pdf.showPage()

    page = _Page(pdf, inline)
    page.line((LEFT, "Closing Cost Details"))
    page.line((LEFT, "Loan Costs"), (THIRD, "Other Costs"))
    page.line((LEFT, "A.  Origination Charges"), (VALUE, _money(f("origination_charges"))))
    points = f("points_amount")
    page.line(
        (
            LEFT,
            f"{_pct(f('points_percent'))} of Loan Amount (Points)"
            if points is not None
            else "    % of Loan Amount (Points)",
        ),
        (VALUE, _money(points)),
    )
    page.line((LEFT, "Application Fee"), (VALUE, _money(f("application_fee"))))
    page.line((LEFT, "B.  Services You Cannot Shop For"), (VALUE, _money(f("services_cannot_shop"))))
    page.line((LEFT, "C.  Services You Can Shop For"), (VALUE, _money(f("services_can_shop"))))
    page.line((LEFT, "D.  TOTAL LOAN COSTS (A + B + C)"), (VALUE, _money(f("total_loan_costs"))))
    page.line((LEFT, "I.  TOTAL OTHER COSTS (E + F + G + H)"), (VALUE, _money(f("total_other_costs"))))
    page.line((LEFT, "J.  TOTAL CLOSING COSTS"), (VALUE, _money(f("total_closing_costs"))))
    page.line((LEFT, "Lender Credits"), (VALUE, f"– {_money(credits)}" if credits else ""))
    page.line((LEFT, "Calculating Cash to Close"))
    page.line((LEFT, "Estimated Cash to Close"), (VALUE, _money(f("cash_to_close"))))
    page.line((LEFT, "PAGE 2 OF 3  •  LOAN ID # 1234567890  LOAN ESTIMATE"))
    pdf.showPage()

    page = _Page(pdf, inline)
    page.line((LEFT, "Additional Information About This Loan"))
    page.line((LEFT, "LENDER"), (LEFT + 80, f("lender") or ""))
    page.line((LEFT, "NMLS/__ LICENSE ID"))
    page.line((LEFT, "LOAN OFFICER"), (LEFT + 80, "<PERSON_2>"))
    page.gap()
    page.line((LEFT, "Comparisons"), (VALUE, "Use these measures to compare this loan with other loans."))
    page.line(
        (LEFT, "In 5 Years"),
        (VALUE - 60, _money(f("in_5_years_total"))),
        (VALUE + 20, "Total you will have paid in principal, interest, mortgage insurance, and loan costs."),
    )
    page.line((VALUE - 60, _money(f("in_5_years_principal"))), (VALUE + 20, "Principal you will have paid off."))
    page.line(
        (LEFT, "Annual Percentage Rate (APR)"),
        (VALUE - 60, _pct(f("apr"))),
        (VALUE + 20, "Your costs over the loan term expressed as a rate."),
    )
    page.line(
        (LEFT, "Total Interest Percentage (TIP)"),
        (VALUE - 60, _pct(f("total_interest_percentage"))),
        (VALUE + 20, "The total amount of interest that you will pay over the loan term."),
    )
    page.line((LEFT, "PAGE 3 OF 3  •  LOAN ID # 1234567890  LOAN ESTIMATE"))
    pdf.showPage()
    pdf.save()
    return path
