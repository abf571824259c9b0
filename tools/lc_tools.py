"""LangChain tools over ``tools.loan_math`` for models that call tools natively (e.g. Bedrock Converse).

Arguments are typed and described so the generated JSON schema tells the model exactly what to send;
results are plain dicts of strings so every figure reaches the model already rounded for presentation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from langchain_core.tools import tool
from pydantic import Field

from tools import loan_math


def _money(amount: Decimal) -> str:
    return loan_math.format_money(amount)


@tool
def loan_payment(
    principal: Annotated[float, Field(gt=0, description="Loan amount in US dollars, e.g. 300000")],
    annual_rate_pct: Annotated[
        float, Field(ge=0, lt=100, description="Annual interest rate in percent, e.g. 6.5")
    ],
    years: Annotated[int, Field(gt=0, le=50, description="Loan term in years, e.g. 30")],
) -> dict[str, str]:
    """Monthly principal-and-interest payment, total interest and total paid for a fixed-rate loan."""
    payment = loan_math.monthly_payment(principal, annual_rate_pct, years)
    interest = loan_math.total_interest(principal, annual_rate_pct, years)
    return {
        "monthly_payment": _money(payment),
        "total_interest": _money(interest),
        "total_paid": _money(loan_math.to_cents(principal) + interest),
        "payments": str(years * loan_math.MONTHS_PER_YEAR),
    }


@tool
def debt_to_income(
    monthly_debts: Annotated[float, Field(ge=0, description="Total monthly debt payments in US dollars")],
    gross_monthly_income: Annotated[
        float, Field(gt=0, description="Gross (pre-tax) monthly income in US dollars")
    ],
) -> dict[str, str]:
    """Debt-to-income ratio (DTI) in percent: monthly debt payments divided by gross monthly income."""
    ratio = loan_math.dti(monthly_debts, gross_monthly_income)
    return {"dti_pct": loan_math.format_percent(ratio)}


@tool
def loan_to_value(
    loan: Annotated[float, Field(ge=0, description="Loan amount in US dollars")],
    value: Annotated[float, Field(gt=0, description="Appraised value or purchase price in US dollars")],
) -> dict[str, str]:
    """Loan-to-value ratio (LTV) in percent: loan amount divided by the property's value."""
    ratio = loan_math.ltv(loan, value)
    return {"ltv_pct": loan_math.format_percent(ratio)}


LOAN_TOOLS = [loan_payment, debt_to_income, loan_to_value]
