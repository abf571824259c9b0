"""Loan arithmetic: known figures and schedule invariants (property tests are in test_loan_math_properties)."""

from decimal import Decimal

import pytest

from tools.loan_math import (
    amortization_schedule,
    apr_from_fees,
    dti,
    format_money,
    ltv,
    max_loan_for_payment,
    monthly_payment,
    payoff_with_extras,
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


@pytest.mark.parametrize(("principal", "rate", "years"), [(300_000, "6.5", 30), (200_000, 0, 10), (12_345, 9, 3)])
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
    result = payoff_with_extras(300_000, 6, 360, extra_monthly=200)
    assert result.months_baseline == 360
    assert result.months_saved == 81
    assert result.interest_saved == result.interest_baseline - result.interest_with_extra
    assert result.interest_saved == Decimal("91173.87")
    no_extra = payoff_with_extras(300_000, 6, 360)
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
