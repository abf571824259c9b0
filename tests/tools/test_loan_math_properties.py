"""Property tests: every calculator against the closed forms and an independent float implementation."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import float_loans as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from tools import loan_math as lm

principals = st.integers(min_value=5_000, max_value=2_000_000)
rates = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("12"), places=3)
terms = st.sampled_from([60, 120, 180, 240, 300, 360])
FAST = settings(max_examples=40, deadline=None)


@FAST
@given(principals, rates, terms)
def test_payment_matches_the_closed_form(principal, rate, months):
    exact = lm.monthly_payment(principal, rate, months=months)
    assert abs(float(exact) - ref.payment(principal, float(rate), months)) < 1e-6 * principal
    assert lm.to_cents(exact) == Decimal(str(ref.cents(float(exact))))


@FAST
@given(principals, rates, terms)
def test_schedule_and_total_interest_match_the_float_schedule(principal, rate, months):
    schedule = lm.amortization_schedule(principal, rate, months=months)
    floats = ref.schedule(principal, float(rate), months)
    assert len(schedule) == len(floats) == months
    assert schedule[-1].balance == 0
    assert abs(float(lm.total_interest(principal, rate, months=months)) - sum(r[1] for r in floats)) <= 0.05
    assert sum(row.principal for row in schedule) == principal


@FAST
@given(principals, rates, terms, st.integers(min_value=1, max_value=59))
def test_balance_after_n_payments_tracks_the_closed_form(principal, rate, months, made):
    schedule = lm.amortization_schedule(principal, rate, months=months)
    balance = lm.balance_after(schedule, made)
    # the schedule rounds interest and the payment to cents every month: at most a cent of drift per payment
    assert abs(float(balance) - ref.closed_form_balance(principal, float(rate), months, made)) <= 0.01 * made + 0.01


@FAST
@given(principals, rates, terms, st.sampled_from([12, 36, 60, 120]))
def test_interest_only_then_amortising(principal, rate, months, io_months):
    if io_months >= months:
        return
    result = lm.interest_only_payments(principal, rate, months, io_months)
    assert abs(float(result.interest_only_payment) - principal * float(rate) / 1200) < 1e-6
    assert (
        abs(float(result.amortizing_payment) - ref.payment(principal, float(rate), months - io_months))
        < 1e-6 * principal
    )


@FAST
@given(
    principals,
    rates,
    st.decimals(min_value=Decimal("0.5"), max_value=Decimal("15"), places=2),
    st.decimals(min_value=1, max_value=3, places=1),
    st.decimals(min_value=3, max_value=6, places=1),
)
def test_arm_reset_respects_caps_and_matches_float(principal, rate, target, initial_cap, lifetime_cap):
    first = lm.arm_adjustments(principal, rate, 360, 60, target, initial_cap=initial_cap, lifetime_cap=lifetime_cap)[0]
    assert abs(first.rate_pct - rate) <= initial_cap
    assert first.rate_pct <= rate + lifetime_cap
    new_rate, payment = ref.arm_payment(
        principal, float(rate), 360, 60, float(target), float(initial_cap), float(lifetime_cap)
    )
    assert abs(float(first.rate_pct) - max(new_rate, 0)) < 1e-9
    assert abs(float(first.payment) - payment) < 1e-6 * principal


@FAST
@given(
    st.decimals(min_value=1000, max_value=50_000, places=2),
    st.lists(st.decimals(min_value=0, max_value=3000, places=2), max_size=6),
    st.decimals(min_value=0, max_value=5000, places=2),
)
def test_dti_counts_every_debt_once(income, debts, housing):
    result = lm.front_and_back_dti(income, housing, debts)
    expected = (float(housing) + sum(float(d) for d in debts)) / float(income) * 100
    assert abs(float(result.back_end_pct) - expected) < 1e-9
    assert result.front_end_pct <= result.back_end_pct


@FAST
@given(
    st.decimals(min_value=3000, max_value=40_000, places=2),
    st.decimals(min_value=30, max_value=50, places=0),
    rates,
    st.decimals(min_value=0, max_value=800, places=2),
    st.decimals(min_value=0, max_value=1000, places=2),
)
def test_max_loan_under_dti_spends_exactly_the_budget(income, cap, rate, debts, fixed):
    try:
        result = lm.max_loan_under_dti(income, cap, rate, 360, other_debts=debts, taxes=fixed)
    except ValueError:
        assert float(income) * float(cap) / 100 - float(debts) - float(fixed) <= 0
        return
    budget = float(income) * float(cap) / 100 - float(debts) - float(fixed)
    assert abs(float(result.max_loan) - ref.max_loan(budget, float(rate), 360)) < 1e-6 * float(result.max_loan)
    payment = lm.monthly_payment(result.max_loan, rate, months=360)
    assert abs(payment + fixed + debts - income * cap / 100) < Decimal("1e-20")


@FAST
@given(principals, rates, st.decimals(min_value="0.5", max_value=5, places=1), st.integers(min_value=20, max_value=25))
def test_pmi_dates_follow_the_original_schedule(principal, rate, down_pct, _):
    value = Decimal(principal) / (1 - down_pct / 100 - Decimal("0.10"))
    dates = lm.pmi_schedule(principal, rate, 360, value)
    assert (dates.request_payment, dates.automatic_payment, dates.midpoint_payment) == ref.pmi_months(
        principal, float(rate), 360, float(value)
    )
    assert dates.request_payment <= dates.automatic_payment


@FAST
@given(principals, rates, terms, st.integers(min_value=0, max_value=2000), st.integers(min_value=0, max_value=20_000))
def test_extra_payments_save_what_the_float_schedule_saves(principal, rate, months, extra, lump):
    result = lm.payoff_with_extras(principal, rate, months, extra_monthly=extra, lump_sum=lump, lump_sum_month=3)
    base = ref.schedule(principal, float(rate), months)
    fast = ref.schedule(principal, float(rate), months, extra_monthly=extra, lump=lump, lump_month=3)
    assert result.months_saved == len(base) - len(fast)
    assert abs(float(result.interest_saved) - (sum(r[1] for r in base) - sum(r[1] for r in fast))) <= 0.05
    assert result.interest_saved >= 0


@FAST
@given(
    principals,
    st.decimals(min_value=3, max_value=9, places=3),
    st.decimals(min_value="0.125", max_value=1, places=3),
    st.decimals(min_value="0.25", max_value=3, places=2),
)
def test_points_break_even_is_cost_over_saving_rounded_up(principal, rate, reduction, points):
    result = lm.points_break_even(principal, 360, rate, rate - reduction, points)
    expected = ref.break_even_months(
        principal * float(points) / 100,
        ref.payment(principal, float(rate), 360),
        ref.payment(principal, float(rate - reduction), 360),
    )
    assert result.months == expected
    assert result.monthly_saving * result.months >= result.cost


@settings(max_examples=15, deadline=None)
@given(
    principals,
    st.decimals(min_value=2, max_value=10, places=3),
    terms,
    st.decimals(min_value=0, max_value="0.04", places=4),
)
def test_apr_matches_the_appendix_j_float_solution(principal, rate, months, fee_share):
    fees = (Decimal(principal) * fee_share).quantize(Decimal("0.01"))
    apr = lm.apr(principal, rate, months, fees)
    assert abs(float(apr) - ref.apr(principal, float(rate), months, float(fees))) <= 0.001
    assert apr >= rate.quantize(Decimal("0.001")) - Decimal("0.001")


@FAST
@given(
    st.integers(min_value=0, max_value=500_000),
    st.integers(min_value=0, max_value=30_000),
    st.integers(min_value=0, max_value=5_000),
    st.integers(min_value=0, max_value=5_000),
)
def test_cash_to_close_is_the_sum_of_its_parts(down, costs, credits, deposit):
    result = lm.cash_to_close(down_payment=down, closing_costs=costs, lender_credits=credits, deposit=deposit)
    assert result.total == down + costs - credits - deposit
    assert sum(amount for _, amount in result.parts) == result.total


def test_ltv_and_cltv():
    assert lm.ltv(280_000, 350_000) == 80
    assert abs(float(lm.cltv([280_000, 30_000], 350_000)) - 310 / 350 * 100) < 1e-12


def test_income_periods():
    assert lm.monthly_income_from(72_000, "year") == 6_000
    assert lm.monthly_income_from(30, "hour") == 5_200
    assert math.isclose(float(lm.monthly_income_from(2_000, "biweek")), 2_000 * 26 / 12)


def test_payments_made_by_a_date():
    first = dt.date(2020, 3, 1)
    assert lm.payments_made_by(first, dt.date(2025, 3, 1)) == 61
    assert lm.payments_made_by(first, dt.date(2025, 2, 28)) == 60
    assert lm.payment_date(dt.date(2024, 1, 31), 2) == dt.date(2024, 2, 29)


@FAST
@given(
    st.integers(min_value=0, max_value=20_000),
    st.decimals(min_value=500, max_value=6000, places=2),
    st.decimals(min_value="0.01", max_value=800, places=2),
)
def test_refinance_break_even_is_costs_over_saving_rounded_up(costs, new_payment, saving):
    result = lm.break_even(costs, new_payment + saving, new_payment)
    assert result.months == ref.break_even_months(costs, float(new_payment + saving), float(new_payment))
    assert lm.break_even(costs, new_payment, new_payment + saving).months is None


@FAST
@given(
    st.integers(min_value=0, max_value=3_000_000),
    st.integers(min_value=0, max_value=500_000),
    st.integers(min_value=1, max_value=3_000_000),
)
def test_ltv_and_cltv_match_the_ratio(first, second, value):
    assert abs(float(lm.ltv(first, value)) - first / value * 100) < 1e-9
    assert abs(float(lm.cltv([first, second], value)) - (first + second) / value * 100) < 1e-9
