"""Loan arithmetic: known figures, schedule invariants and the deterministic question parser."""

from decimal import Decimal

import pytest

from tools.loan_math import (
    amortization_schedule,
    apr_from_fees,
    compute_from_question,
    dti,
    format_money,
    ltv,
    max_loan_for_payment,
    monthly_payment,
    payoff_with_extra_payment,
    to_cents,
    total_interest,
)


@pytest.mark.parametrize(
    ("principal", "rate", "years", "expected"),
    [
        (300_000, "6.5", 30, "1896.20"),
        (200_000, 0, 10, "1666.67"),
        (250_000, 7, 15, "2247.07"),
        (100_000, 5, 30, "536.82"),
        (400_000, "3.25", 15, "2810.68"),
    ],
)
def test_monthly_payment_known_values(principal, rate, years, expected):
    assert to_cents(monthly_payment(principal, rate, years)) == Decimal(expected)


def test_term_in_months_equals_term_in_years():
    assert monthly_payment(300_000, "6.5", months=360) == monthly_payment(300_000, "6.5", years=30)


def test_float_rates_are_taken_at_face_value():
    assert monthly_payment(300_000, 6.5, 30) == monthly_payment(300_000, Decimal("6.5"), 30)


def test_payment_keeps_full_precision_until_presentation():
    payment = monthly_payment(300_000, "6.5", 30)
    assert payment != to_cents(payment)
    assert format_money(payment) == "$1,896.20"


def test_rounding_is_half_up():
    assert to_cents(Decimal("0.125")) == Decimal("0.13")
    assert to_cents(Decimal("2.675")) == Decimal("2.68")


@pytest.mark.parametrize(
    ("principal", "rate", "years"), [(300_000, "6.5", 30), (200_000, 0, 10), (12_345, 9, 3)]
)
def test_schedule_pays_off_exactly(principal, rate, years):
    schedule = amortization_schedule(principal, rate, years)
    assert len(schedule) == years * 12
    assert schedule[-1].balance == Decimal("0.00")
    assert sum(row.principal for row in schedule) == Decimal(principal)
    regular = to_cents(monthly_payment(principal, rate, years))
    assert all(row.payment == regular for row in schedule[:-1])
    assert all(row.payment == row.interest + row.principal for row in schedule)
    assert all(row.payment.as_tuple().exponent == -2 for row in schedule)


def test_final_payment_absorbs_rounding():
    schedule = amortization_schedule(300_000, "6.5", 30)
    assert schedule[-1].payment == Decimal("1900.91")
    assert schedule[-2].balance == schedule[-1].principal


def test_total_interest_matches_schedule():
    schedule = amortization_schedule(300_000, "6.5", 30)
    paid = sum(row.payment for row in schedule)
    assert total_interest(300_000, "6.5", 30) == paid - 300_000 == Decimal("382636.71")
    assert total_interest(200_000, 0, 10) == 0


def test_dti_and_ltv():
    assert dti(1200, 6000) == Decimal(20)
    assert to_cents(dti(1500, 4500)) == Decimal("33.33")
    assert ltv(280_000, 350_000) == Decimal(80)
    with pytest.raises(ValueError):
        dti(100, 0)
    with pytest.raises(ValueError):
        ltv(100, 0)


def test_max_loan_is_the_inverse_of_payment():
    principal = max_loan_for_payment(monthly_payment(300_000, "6.5", 30), "6.5", 30)
    assert to_cents(principal) == Decimal("300000.00")
    assert max_loan_for_payment(1000, 0, 10) == Decimal(120_000)


def test_extra_payment_savings():
    result = payoff_with_extra_payment(300_000, 6, 30, 200)
    assert result.months_baseline == 360
    assert result.months_saved == 81
    assert result.interest_saved == result.interest_baseline - result.interest_with_extra
    assert result.interest_saved == Decimal("91173.87")
    no_extra = payoff_with_extra_payment(300_000, 6, 30, 0)
    assert no_extra.months_saved == 0 and no_extra.interest_saved == 0


def test_apr_reflects_fees():
    apr = apr_from_fees(300_000, "6.5", 30, 5_000)
    assert apr == Decimal("6.662")
    payment = monthly_payment(300_000, "6.5", 30)
    assert abs(monthly_payment(295_000, apr, 30) - payment) < Decimal("0.10")
    assert apr_from_fees(300_000, "6.5", 30, 0) == Decimal("6.500")
    assert apr_from_fees(300_000, "6.5", 30, 10_000) > apr


def test_invalid_inputs_raise():
    with pytest.raises(ValueError):
        monthly_payment(-5, 5, 30)
    with pytest.raises(ValueError):
        monthly_payment(100_000, -1, 30)
    with pytest.raises(ValueError):
        monthly_payment(100_000, 5, years=30, months=360)
    with pytest.raises(ValueError):
        apr_from_fees(100_000, 5, 30, 100_000)


@pytest.mark.parametrize(
    ("question", "kind", "fragment"),
    [
        (
            "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?",
            "payment",
            "$1,896.20 per month",
        ),
        ("payment for 250k at 7 percent over 15 years", "payment", "$2,247.07 per month"),
        ("What would my payment be on a 400k mortgage at 7.25% for 30 yrs", "payment", "$2,728.71 per month"),
        ("monthly payment for $200,000 at 0% for 120 months", "payment", "$1,666.67 per month"),
        ("payment on a 30-year mortgage of $450,000 at 6.875%", "payment", "$2,956.18 per month"),
        ("my debts are $1,200 a month and I earn $6,000 a month, what's my DTI?", "dti", "20%"),
        (
            "I earn $6,000 a month and my debts are $1,500 a month, what is my debt-to-income ratio?",
            "dti",
            "25%",
        ),
        (
            "I make $72,000 a year and pay $900 a month on my car loan and credit cards. What is my DTI?",
            "dti",
            "15%",
        ),
        ("LTV for a $280,000 loan on a $350,000 house", "ltv", "80%"),
        ("buying a $400,000 home with $80,000 down, what is my LTV?", "ltv", "80%"),
        (
            "how much interest would I save paying $200 extra per month on $300,000 at 6% for 30 years?",
            "extra_payment",
            "$91,173.87",
        ),
        (
            "How much can I borrow if I can afford $2,000 a month at 6.5% for 30 years?",
            "max_loan",
            "$316,421.64",
        ),
        (
            "What is the APR on a $300,000 loan at 6.5% for 30 years with $5,000 in closing costs?",
            "apr",
            "6.662%",
        ),
    ],
)
def test_compute_from_question(question, kind, fragment):
    result = compute_from_question(question)
    assert result is not None
    assert result.kind == kind
    assert fragment in result.summary


def test_compute_from_question_reports_inputs():
    result = compute_from_question("What is the monthly payment on a $300,000 loan at 6.5% for 30 years?")
    assert result.inputs == {"principal": Decimal(300_000), "annual_rate_pct": Decimal("6.5"), "months": 360}
    assert result.results["monthly_payment"] == Decimal("1896.20")
    dti_result = compute_from_question("I make $72,000 a year and pay $900 a month in debts, what's my DTI?")
    assert dti_result.inputs["gross_monthly_income"] == Decimal(6000)
    assert dti_result.notes


@pytest.mark.parametrize(
    "question",
    [
        "What is an FHA loan?",
        "What is a good DTI?",
        "my credit score is 720, can I get a mortgage in 2025?",
        "I have a $300,000 loan at 6.5% for 30 years, should I refinance?",
        "Can lenders consider my age?",
        "What documents do I need for pre-approval?",
        "",
    ],
)
def test_non_calculation_questions_return_none(question):
    assert compute_from_question(question) is None
