"""Exact loan arithmetic in ``Decimal``: every calculator the assistant shows a borrower.

Figures stay at full ``Decimal`` precision through every step and are rounded to cents (ROUND_HALF_UP) only
when presented, so the assistant never states a number that a borrower's own spreadsheet would contradict.
The amortisation schedule is the exception by nature: it lists what a borrower actually pays, in cents, with
the final payment adjusted so the balance ends at exactly 0.00. Totals of interest, balances after N payments,
PMI dates, extra-payment savings and APR are all read from that schedule (the payments actually made).

Reading figures out of a borrower's question is `tools.loan_questions`; this module never parses text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MONTHS_PER_YEAR = 12
WEEKS_PER_YEAR = 52
WORKING_PRECISION = 50
APR_PLACES = Decimal("0.001")
PMI_REQUEST_LTV = Decimal(80)
PMI_AUTOMATIC_LTV = Decimal(78)

Number = Decimal | int | float | str


def _dec(value: Number) -> Decimal:
    """Convert via ``str`` so floats such as 6.5 become Decimal('6.5'), not their binary expansion."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def to_cents(amount: Number) -> Decimal:
    """Round to cents the way statements and disclosures do (half up)."""
    return _dec(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Number, *, cents: bool = True) -> str:
    """Present an amount as ``$1,896.20`` (or ``$300,000`` when ``cents`` is False and it is whole)."""
    rounded = to_cents(amount)
    sign = "-" if rounded < 0 else ""
    if not cents and rounded == rounded.to_integral_value():
        return f"{sign}${abs(rounded):,.0f}"
    return f"{sign}${abs(rounded):,.2f}"


def format_percent(value: Number, places: int = 2) -> str:
    """Present a percentage without trailing zeros: 6.5%, 20%, 36.67%."""
    quantum = Decimal(1).scaleb(-places)
    rounded = _dec(value).quantize(quantum, rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}%"


def term_in_months(years: Number | None = None, months: int | None = None) -> int:
    """Resolve a loan term given either in years or in months (exactly one of them)."""
    if months is not None and years is None:
        total = int(months)
    elif years is not None and months is None:
        total_decimal = _dec(years) * MONTHS_PER_YEAR
        if total_decimal != total_decimal.to_integral_value():
            raise ValueError("the term in years must be a whole number of months")
        total = int(total_decimal)
    else:
        raise ValueError("give the term either in years or in months")
    if total <= 0:
        raise ValueError("the term must be at least one month")
    return total


def _monthly_rate(annual_rate_pct: Number) -> Decimal:
    rate = _dec(annual_rate_pct)
    if rate < 0:
        raise ValueError("the interest rate cannot be negative")
    return rate / HUNDRED / MONTHS_PER_YEAR


def _payment_for(principal: Decimal, monthly_rate: Decimal, months: int) -> Decimal:
    if monthly_rate == 0:
        return principal / months
    growth = (1 + monthly_rate) ** months
    return principal * monthly_rate * growth / (growth - 1)


def _positive(value: Number, what: str) -> Decimal:
    amount = _dec(value)
    if amount <= 0:
        raise ValueError(f"{what} must be positive")
    return amount


def _not_negative(value: Number, what: str) -> Decimal:
    amount = _dec(value)
    if amount < 0:
        raise ValueError(f"{what} cannot be negative")
    return amount


# ----- fixed-rate payment and schedule -----


def monthly_payment(
    principal: Number, annual_rate_pct: Number, years: Number | None = None, months: int | None = None
) -> Decimal:
    """Level monthly payment (principal and interest) at full precision; present it with ``to_cents``."""
    amount = _positive(principal, "the loan amount")
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        return _payment_for(amount, _monthly_rate(annual_rate_pct), term_in_months(years, months))


@dataclass(frozen=True)
class AmortizationRow:
    """One month of a schedule, in cents as the borrower pays it."""

    number: int
    payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal


def _extra_for(
    number: int, extra_monthly: Decimal, extra_yearly: Decimal, lump_sum: Decimal, lump_month: int
) -> Decimal:
    extra = extra_monthly
    if extra_yearly and number % MONTHS_PER_YEAR == 0:
        extra += extra_yearly
    if lump_sum and number == lump_month:
        extra += lump_sum
    return extra


def amortization_schedule(
    principal: Number,
    annual_rate_pct: Number,
    years: Number | None = None,
    months: int | None = None,
    extra_monthly: Number = 0,
    *,
    extra_yearly: Number = 0,
    lump_sum: Number = 0,
    lump_sum_month: int = 1,
) -> list[AmortizationRow]:
    """Month-by-month schedule; the last payment absorbs rounding so the balance ends at exactly 0.00.

    Interest is rounded to cents each month, as servicers do. Extra amounts (every month, every twelfth month,
    or once) go entirely to principal, which shortens the loan; the scheduled payment itself never changes.
    """
    amount = to_cents(_positive(principal, "the loan amount"))
    monthly_extra, yearly_extra, lump = (
        to_cents(_not_negative(value, "an extra payment")) for value in (extra_monthly, extra_yearly, lump_sum)
    )
    total_months = term_in_months(years, months)
    rate = _monthly_rate(annual_rate_pct)
    scheduled = to_cents(monthly_payment(amount, annual_rate_pct, months=total_months))
    rows: list[AmortizationRow] = []
    balance = amount
    number = 0
    while balance > 0:
        number += 1
        interest = to_cents(balance * rate)
        due = scheduled + _extra_for(number, monthly_extra, yearly_extra, lump, lump_sum_month)
        is_last = number >= total_months or balance + interest <= due
        payment = balance + interest if is_last else due
        principal_part = payment - interest
        balance -= principal_part
        rows.append(AmortizationRow(number, payment, interest, principal_part, balance))
    return rows


def total_interest(
    principal: Number, annual_rate_pct: Number, years: Number | None = None, months: int | None = None
) -> Decimal:
    """Interest actually paid over the schedule (cent-rounded payments, last payment adjusted)."""
    return sum((row.interest for row in amortization_schedule(principal, annual_rate_pct, years, months)), Decimal(0))


def balance_after(schedule: Sequence[AmortizationRow], payments_made: int) -> Decimal:
    """Balance left after ``payments_made`` payments of a schedule (the original amount before any)."""
    if payments_made < 0:
        raise ValueError("the number of payments cannot be negative")
    if payments_made == 0:
        return schedule[0].balance + schedule[0].principal
    if payments_made >= len(schedule):
        return Decimal("0.00")
    return schedule[payments_made - 1].balance


def payments_made_by(first_payment: dt.date, on: dt.date) -> int:
    """How many monthly payments fall on or before ``on`` when the first is due on ``first_payment``."""
    if on < first_payment:
        return 0
    months = (on.year - first_payment.year) * MONTHS_PER_YEAR + on.month - first_payment.month
    return months + (1 if on.day >= first_payment.day else 0)


def payment_date(first_payment: dt.date, number: int) -> dt.date:
    """Due date of payment ``number`` (1-based), same day of month as the first (clamped to month end)."""
    month_index = first_payment.month - 1 + number - 1
    year, month = first_payment.year + month_index // MONTHS_PER_YEAR, month_index % MONTHS_PER_YEAR + 1
    for day in range(first_payment.day, 27, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, min(first_payment.day, 28))


@dataclass(frozen=True)
class YearSummary:
    """End-of-year figures for the amortisation chart and table."""

    year: int
    balance: Decimal
    cumulative_interest: Decimal
    cumulative_principal: Decimal


def yearly_summary(schedule: Iterable[AmortizationRow]) -> list[YearSummary]:
    years: list[YearSummary] = []
    interest = principal = Decimal(0)
    rows = list(schedule)
    for row in rows:
        interest += row.interest
        principal += row.principal
        if row.number % MONTHS_PER_YEAR == 0 or row is rows[-1]:
            years.append(YearSummary(len(years) + 1, row.balance, interest, principal))
    return years


# ----- interest-only and adjustable-rate loans -----


@dataclass(frozen=True)
class InterestOnlyResult:
    interest_only_payment: Decimal
    amortizing_payment: Decimal
    amortizing_months: int


def interest_only_payments(
    principal: Number, annual_rate_pct: Number, term_months: int, interest_only_months: int
) -> InterestOnlyResult:
    """Payment during an interest-only period, then the level payment that repays the loan in the months left."""
    amount = _positive(principal, "the loan amount")
    if not 0 < interest_only_months < term_months:
        raise ValueError("the interest-only period must be shorter than the term")
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        rate = _monthly_rate(annual_rate_pct)
        remaining = term_months - interest_only_months
        return InterestOnlyResult(amount * rate, _payment_for(amount, rate, remaining), remaining)


@dataclass(frozen=True)
class ArmAdjustment:
    """One rate change of an adjustable-rate loan and the payment it brings."""

    at_payment: int
    rate_pct: Decimal
    payment: Decimal
    balance: Decimal
    capped_by: str | None


def _capped_rate(
    previous: Decimal,
    target: Decimal,
    initial: Decimal,
    step_cap: Decimal | None,
    lifetime_cap: Decimal | None,
    floor: Decimal,
) -> tuple[Decimal, str | None]:
    rate, capped_by = target, None
    if step_cap is not None and abs(target - previous) > step_cap:
        rate = previous + step_cap if target > previous else previous - step_cap
        capped_by = "adjustment cap"
    if lifetime_cap is not None and rate > initial + lifetime_cap:
        rate, capped_by = initial + lifetime_cap, "lifetime cap"
    if rate < floor:
        rate, capped_by = floor, "rate floor"
    return rate, capped_by


def arm_adjustments(
    principal: Number,
    initial_rate_pct: Number,
    term_months: int,
    fixed_months: int,
    fully_indexed_rate_pct: Number,
    *,
    initial_cap: Number | None = None,
    periodic_cap: Number | None = None,
    lifetime_cap: Number | None = None,
    adjust_every_months: int = 12,
    adjustments: int = 1,
    floor_rate_pct: Number = 0,
) -> list[ArmAdjustment]:
    """Rate and payment at each reset when the index stays where it is (the fully indexed rate is the target).

    The first change is limited by the initial cap, later ones by the periodic cap, every one by the lifetime cap
    above the start rate. Each new payment re-amortises the balance then owed over the months left.
    """
    if not 0 < fixed_months < term_months:
        raise ValueError("the fixed period must be shorter than the term")
    initial = _not_negative(initial_rate_pct, "the rate")
    target = _not_negative(fully_indexed_rate_pct, "the rate")
    caps = [
        None if cap is None else _not_negative(cap, "a rate cap") for cap in (initial_cap, periodic_cap, lifetime_cap)
    ]
    amount = _positive(principal, "the loan amount")
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        rate = initial
        payment = _payment_for(amount, _monthly_rate(rate), term_months)
        balance = amount
        results: list[ArmAdjustment] = []
        month = 0
        reset_at = fixed_months
        for index in range(adjustments):
            if reset_at >= term_months:
                break
            monthly = _monthly_rate(rate)
            for _ in range(reset_at - month):
                balance = balance * (1 + monthly) - payment
            month = reset_at
            step_cap = caps[0] if index == 0 else caps[1]
            rate, capped_by = _capped_rate(rate, target, initial, step_cap, caps[2], _dec(floor_rate_pct))
            payment = _payment_for(balance, _monthly_rate(rate), term_months - month)
            results.append(ArmAdjustment(month + 1, rate, payment, balance, capped_by))
            reset_at += adjust_every_months
        return results


# ----- ratios -----


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        return part / whole * HUNDRED


def dti(monthly_debts: Number, gross_monthly_income: Number) -> Decimal:
    """Debt-to-income ratio in percent (monthly debt payments / gross monthly income)."""
    income = _positive(gross_monthly_income, "gross monthly income")
    return _percent(_not_negative(monthly_debts, "monthly debts"), income)


@dataclass(frozen=True)
class DtiResult:
    front_end_pct: Decimal | None
    back_end_pct: Decimal
    housing: Decimal
    other_debts: Decimal
    monthly_income: Decimal


def front_and_back_dti(
    monthly_income: Number, housing_payment: Number | None, other_debts: Iterable[Number]
) -> DtiResult:
    """Front-end (housing only) and back-end (housing plus every other debt, each counted once) ratios."""
    income = _positive(monthly_income, "gross monthly income")
    housing = _not_negative(housing_payment, "the housing payment") if housing_payment is not None else Decimal(0)
    debts = sum((_not_negative(debt, "a monthly debt") for debt in other_debts), Decimal(0))
    front = _percent(housing, income) if housing_payment is not None else None
    return DtiResult(front, _percent(housing + debts, income), housing, debts, income)


def amount_at_ratio(ratio_pct: Number, gross_monthly_income: Number) -> Decimal:
    """The monthly amount a share of gross income stands for (34.5% of $6,000 is $2,070): `dti` inverted, so a
    ratio a borrower states can be checked against the payments it must cover."""
    income = _positive(gross_monthly_income, "gross monthly income")
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        return _not_negative(ratio_pct, "the ratio") * income / HUNDRED


def monthly_income_from(amount: Number, period: str, hours_per_week: Number = 40) -> Decimal:
    """Gross monthly income from a monthly, yearly, weekly, biweekly or hourly figure."""
    value = _not_negative(amount, "income")
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        match period:
            case "month":
                return value
            case "year":
                return value / MONTHS_PER_YEAR
            case "week":
                return value * WEEKS_PER_YEAR / MONTHS_PER_YEAR
            case "biweek":
                return value * 26 / MONTHS_PER_YEAR
            case "hour":
                return value * _dec(hours_per_week) * WEEKS_PER_YEAR / MONTHS_PER_YEAR
        raise ValueError(f"unknown income period {period!r}")


def ltv(loan: Number, value: Number) -> Decimal:
    """Loan-to-value ratio in percent (loan amount / appraised value or price)."""
    property_value = _positive(value, "the property value")
    return _percent(_not_negative(loan, "the loan amount"), property_value)


def cltv(loans: Iterable[Number], value: Number) -> Decimal:
    """Combined loan-to-value: every lien on the property over its value."""
    total = sum((_not_negative(loan, "a loan amount") for loan in loans), Decimal(0))
    return ltv(total, value)


# ----- affordability -----


def max_loan_for_payment(
    payment: Number, annual_rate_pct: Number, years: Number | None = None, months: int | None = None
) -> Decimal:
    """Largest principal whose level monthly payment equals ``payment`` (present with ``to_cents``)."""
    budget = _positive(payment, "the monthly payment")
    total_months = term_in_months(years, months)
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        rate = _monthly_rate(annual_rate_pct)
        if rate == 0:
            return budget * total_months
        return budget * (1 - (1 + rate) ** -total_months) / rate


@dataclass(frozen=True)
class Affordability:
    """The largest loan and price a DTI cap allows once every monthly housing cost is counted."""

    max_loan: Decimal
    max_price: Decimal | None
    principal_and_interest: Decimal
    housing_budget: Decimal
    other_housing_costs: Decimal
    limited_by: str


def max_loan_under_dti(
    monthly_income: Number,
    back_end_cap_pct: Number,
    annual_rate_pct: Number,
    term_months: int,
    *,
    other_debts: Number = 0,
    front_end_cap_pct: Number | None = None,
    taxes: Number = 0,
    insurance: Number = 0,
    hoa: Number = 0,
    pmi: Number = 0,
    pmi_rate_pct: Number = 0,
    tax_rate_pct: Number = 0,
    down_payment: Number | None = None,
    down_payment_pct: Number | None = None,
) -> Affordability:
    """Solve housing cost = cap × income − other debts for the loan (and price).

    Monthly ``taxes``, ``insurance``, ``hoa`` and ``pmi`` are fixed amounts; ``pmi_rate_pct`` (a yearly % of the
    loan) and ``tax_rate_pct`` (a yearly % of the price) grow with the loan, so the equation stays linear in it:
    budget = loan × (payment factor + pmi rate/12) + price × tax rate/12 + fixed costs, with
    price = loan / (1 − down %) or loan + down amount.
    """
    income = _positive(monthly_income, "gross monthly income")
    if down_payment is not None and down_payment_pct is not None:
        raise ValueError("give the down payment as an amount or as a percentage, not both")
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        budget = income * _dec(back_end_cap_pct) / HUNDRED - _dec(other_debts)
        limited_by = "back-end"
        if front_end_cap_pct is not None:
            front_budget = income * _dec(front_end_cap_pct) / HUNDRED
            if front_budget < budget:
                budget, limited_by = front_budget, "front-end"
        fixed = sum((_not_negative(v, "a housing cost") for v in (taxes, insurance, hoa, pmi)), Decimal(0))
        rate = _monthly_rate(annual_rate_pct)
        factor = _payment_for(Decimal(1), rate, term_months)
        per_loan = factor + _dec(pmi_rate_pct) / HUNDRED / MONTHS_PER_YEAR
        tax_monthly = _dec(tax_rate_pct) / HUNDRED / MONTHS_PER_YEAR
        down_share = _dec(down_payment_pct) / HUNDRED if down_payment_pct is not None else None
        down_amount = _dec(down_payment) if down_payment is not None else None
        if down_share is not None:
            if not 0 <= down_share < 1:
                raise ValueError("the down payment percentage must be below 100")
            per_loan += tax_monthly / (1 - down_share)
        else:
            per_loan += tax_monthly
            fixed += tax_monthly * (down_amount or 0)
        available = budget - fixed
        if available <= 0:
            raise ValueError("the DTI cap leaves nothing for principal and interest")
        if tax_monthly and down_share is None and down_amount is None:
            raise ValueError("a tax rate needs the down payment to turn the loan into a price")
        loan = available / per_loan
        price = None
        if down_share is not None:
            price = loan / (1 - down_share)
        elif down_amount is not None:
            price = loan + down_amount
        return Affordability(loan, price, loan * factor, budget, budget - loan * factor, limited_by)


# ----- PMI -----


@dataclass(frozen=True)
class PmiDates:
    """When PMI can be dropped on the original schedule (Homeowners Protection Act)."""

    request_payment: int
    automatic_payment: int
    midpoint_payment: int
    request_balance: Decimal
    automatic_balance: Decimal


def pmi_schedule(principal: Number, annual_rate_pct: Number, term_months: int, original_value: Number) -> PmiDates:
    """First payment after which the scheduled balance is at most 80% (request) and 78% (automatic) of the
    original value, and the midpoint of the term (PMI must end the month after it, if the loan is current)."""
    value = _positive(original_value, "the original value")
    schedule = amortization_schedule(principal, annual_rate_pct, months=term_months)
    request_at = value * PMI_REQUEST_LTV / HUNDRED
    automatic_at = value * PMI_AUTOMATIC_LTV / HUNDRED
    request = next(row for row in schedule if row.balance <= request_at)
    automatic = next(row for row in schedule if row.balance <= automatic_at)
    midpoint = int((Decimal(term_months) / 2).to_integral_value(rounding=ROUND_CEILING))
    return PmiDates(request.number, automatic.number, midpoint, request.balance, automatic.balance)


# ----- extra payments -----


@dataclass(frozen=True)
class ExtraPaymentResult:
    """Effect of paying extra principal compared with the normal schedule."""

    months_baseline: int
    months_with_extra: int
    months_saved: int
    interest_baseline: Decimal
    interest_with_extra: Decimal
    interest_saved: Decimal


def payoff_with_extras(
    principal: Number,
    annual_rate_pct: Number,
    term_months: int,
    *,
    extra_monthly: Number = 0,
    extra_yearly: Number = 0,
    lump_sum: Number = 0,
    lump_sum_month: int = 1,
    biweekly: bool = False,
) -> ExtraPaymentResult:
    """Compare the normal schedule with one that adds extra principal.

    Biweekly means half the payment every two weeks: 26 halves a year, i.e. one extra full payment a year, which
    servicers apply once it has been collected (modelled as an extra payment with every twelfth payment).
    """
    baseline = amortization_schedule(principal, annual_rate_pct, months=term_months)
    yearly = _dec(extra_yearly)
    if biweekly:
        yearly += baseline[0].payment
    accelerated = amortization_schedule(
        principal,
        annual_rate_pct,
        months=term_months,
        extra_monthly=extra_monthly,
        extra_yearly=yearly,
        lump_sum=lump_sum,
        lump_sum_month=lump_sum_month,
    )
    interest_baseline = sum((row.interest for row in baseline), Decimal(0))
    interest_with_extra = sum((row.interest for row in accelerated), Decimal(0))
    return ExtraPaymentResult(
        len(baseline),
        len(accelerated),
        len(baseline) - len(accelerated),
        interest_baseline,
        interest_with_extra,
        interest_baseline - interest_with_extra,
    )


# ----- break-even -----


@dataclass(frozen=True)
class BreakEven:
    cost: Decimal
    old_payment: Decimal
    new_payment: Decimal
    monthly_saving: Decimal
    months: int | None


def break_even(cost: Number, old_payment: Number, new_payment: Number) -> BreakEven:
    """Whole months of savings needed to recoup an up-front cost (None when the new payment saves nothing)."""
    upfront = _not_negative(cost, "the cost")
    old, new = to_cents(old_payment), to_cents(new_payment)
    saving = old - new
    months = None
    if saving > 0:
        months = int((upfront / saving).to_integral_value(rounding=ROUND_CEILING))
    return BreakEven(upfront, old, new, saving, months)


def points_break_even(
    principal: Number, term_months: int, base_rate_pct: Number, bought_rate_pct: Number, points: Number
) -> BreakEven:
    """Points cost ``points`` % of the loan; the saving is the P&I difference between the two rates."""
    amount = _positive(principal, "the loan amount")
    cost = amount * _not_negative(points, "points") / HUNDRED
    old = monthly_payment(amount, base_rate_pct, months=term_months)
    new = monthly_payment(amount, bought_rate_pct, months=term_months)
    return break_even(cost, old, new)


# ----- APR (Regulation Z, Appendix J actuarial method) -----


def _present_value(payments: Sequence[Decimal], period_rate: Decimal) -> Decimal:
    discount = 1 / (1 + period_rate)
    factor = Decimal(1)
    total = Decimal(0)
    for payment in payments:
        factor *= discount
        total += payment * factor
    return total


def apr(principal: Number, annual_rate_pct: Number, term_months: int, prepaid_finance_charges: Number) -> Decimal:
    """APR in percent to 0.001: the yearly rate (12 × monthly) at which the payments actually scheduled, in cents,
    discount to the amount financed (loan minus points and fees paid at closing), per Appendix J to Part 1026.
    """
    amount = _positive(principal, "the loan amount")
    charges = _not_negative(prepaid_finance_charges, "fees")
    if charges >= amount:
        raise ValueError("fees must be smaller than the loan amount")
    payments = [row.payment for row in amortization_schedule(amount, annual_rate_pct, months=term_months)]
    financed = amount - charges
    with localcontext() as ctx:
        ctx.prec = 28
        low, high = Decimal(0), _dec(annual_rate_pct) / HUNDRED / MONTHS_PER_YEAR + Decimal("0.01")
        while _present_value(payments, high) > financed:
            high *= 2
        for _ in range(60):
            middle = (low + high) / 2
            if _present_value(payments, middle) > financed:
                low = middle
            else:
                high = middle
        return ((low + high) / 2 * MONTHS_PER_YEAR * HUNDRED).quantize(APR_PLACES, rounding=ROUND_HALF_UP)


def apr_from_fees(principal: Number, annual_rate_pct: Number, years: Number, fees: Number) -> Decimal:
    return apr(principal, annual_rate_pct, term_in_months(years), fees)


# ----- cash to close -----


@dataclass(frozen=True)
class CashToClose:
    total: Decimal
    parts: list[tuple[str, Decimal]]


def cash_to_close(
    *,
    down_payment: Number,
    closing_costs: Number,
    prepaids: Number = 0,
    lender_credits: Number = 0,
    seller_credits: Number = 0,
    deposit: Number = 0,
) -> CashToClose:
    """Down payment plus closing costs and prepaids, minus credits and the deposit already paid."""
    parts = [
        ("down payment", _not_negative(down_payment, "the down payment")),
        ("closing costs", _not_negative(closing_costs, "closing costs")),
        ("prepaids and escrow", _not_negative(prepaids, "prepaids")),
        ("lender credits", -_not_negative(lender_credits, "lender credits")),
        ("seller credits", -_not_negative(seller_credits, "seller credits")),
        ("deposit already paid", -_not_negative(deposit, "the deposit")),
    ]
    shown = [(name, amount) for name, amount in parts if amount != 0 or name in ("down payment", "closing costs")]
    return CashToClose(sum((amount for _, amount in parts), Decimal(0)), shown)
