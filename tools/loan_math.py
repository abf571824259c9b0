"""Exact loan arithmetic in ``Decimal`` plus a deterministic parser for calculation questions.

Figures stay at full ``Decimal`` precision through every step and are rounded to cents (ROUND_HALF_UP) only
when presented, so the assistant never states a number that a borrower's own spreadsheet would contradict.
The amortisation schedule is the exception by nature: it lists what a borrower actually pays, in cents, with
the final payment adjusted so the balance ends at exactly 0.00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MONTHS_PER_YEAR = 12
WORKING_PRECISION = 50
APR_TOLERANCE_PCT = Decimal("0.001")

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
    if not cents and rounded == rounded.to_integral_value():
        return f"${rounded:,.0f}"
    return f"${rounded:,.2f}"


def format_percent(value: Number, places: int = 2) -> str:
    """Present a percentage without trailing zeros: 6.5%, 20%, 36.67%."""
    quantum = Decimal(1).scaleb(-places)
    rounded = _dec(value).quantize(quantum, rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}%"


def term_in_months(years: Number | None = None, months: int | None = None) -> int:
    """Resolve a loan term given either in years or in months (exactly one of them)."""
    if (years is None) == (months is None):
        raise ValueError("give the term either in years or in months")
    if months is not None:
        total = int(months)
    else:
        total_decimal = _dec(years) * MONTHS_PER_YEAR
        if total_decimal != total_decimal.to_integral_value():
            raise ValueError("the term in years must be a whole number of months")
        total = int(total_decimal)
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


def monthly_payment(
    principal: Number, annual_rate_pct: Number, years: Number | None = None, months: int | None = None
) -> Decimal:
    """Level monthly payment (principal and interest) at full precision; present it with ``to_cents``."""
    amount = _dec(principal)
    if amount <= 0:
        raise ValueError("the loan amount must be positive")
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


def amortization_schedule(
    principal: Number,
    annual_rate_pct: Number,
    years: Number | None = None,
    months: int | None = None,
    extra_monthly: Number = 0,
) -> list[AmortizationRow]:
    """Month-by-month schedule; the last payment absorbs rounding so the balance ends at exactly 0.00.

    ``extra_monthly`` is added to every payment and goes entirely to principal, which shortens the loan.
    """
    amount = to_cents(principal)
    extra = to_cents(extra_monthly)
    if extra < 0:
        raise ValueError("the extra payment cannot be negative")
    total_months = term_in_months(years, months)
    rate = _monthly_rate(annual_rate_pct)
    scheduled = to_cents(monthly_payment(amount, annual_rate_pct, months=total_months)) + extra
    rows: list[AmortizationRow] = []
    balance = amount
    number = 0
    while balance > 0:
        number += 1
        interest = to_cents(balance * rate)
        is_last = number >= total_months or balance + interest <= scheduled
        payment = balance + interest if is_last else scheduled
        principal_part = payment - interest
        balance -= principal_part
        rows.append(AmortizationRow(number, payment, interest, principal_part, balance))
    return rows


def total_interest(
    principal: Number, annual_rate_pct: Number, years: Number | None = None, months: int | None = None
) -> Decimal:
    """Interest actually paid over the full schedule (sum of the cent-rounded monthly interest)."""
    return sum(
        (row.interest for row in amortization_schedule(principal, annual_rate_pct, years, months)), Decimal(0)
    )


def dti(monthly_debts: Number, gross_monthly_income: Number) -> Decimal:
    """Debt-to-income ratio in percent (monthly debt payments / gross monthly income)."""
    income = _dec(gross_monthly_income)
    debts = _dec(monthly_debts)
    if income <= 0:
        raise ValueError("gross monthly income must be positive")
    if debts < 0:
        raise ValueError("monthly debts cannot be negative")
    return _percent(debts, income)


def ltv(loan: Number, value: Number) -> Decimal:
    """Loan-to-value ratio in percent (loan amount / appraised value or price)."""
    property_value = _dec(value)
    loan_amount = _dec(loan)
    if property_value <= 0:
        raise ValueError("the property value must be positive")
    if loan_amount < 0:
        raise ValueError("the loan amount cannot be negative")
    return _percent(loan_amount, property_value)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        return part / whole * HUNDRED


def max_loan_for_payment(
    payment: Number, annual_rate_pct: Number, years: Number | None = None, months: int | None = None
) -> Decimal:
    """Largest principal whose level monthly payment equals ``payment`` (present with ``to_cents``)."""
    budget = _dec(payment)
    if budget <= 0:
        raise ValueError("the monthly payment must be positive")
    total_months = term_in_months(years, months)
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        rate = _monthly_rate(annual_rate_pct)
        if rate == 0:
            return budget * total_months
        return budget * (1 - (1 + rate) ** -total_months) / rate


@dataclass(frozen=True)
class ExtraPaymentResult:
    """Effect of paying a fixed extra amount every month."""

    months_baseline: int
    months_with_extra: int
    months_saved: int
    interest_baseline: Decimal
    interest_with_extra: Decimal
    interest_saved: Decimal


def payoff_with_extra_payment(
    principal: Number, annual_rate_pct: Number, years: Number, extra_monthly: Number
) -> ExtraPaymentResult:
    """Compare the normal schedule with one that adds ``extra_monthly`` to every payment."""
    baseline = amortization_schedule(principal, annual_rate_pct, years)
    accelerated = amortization_schedule(principal, annual_rate_pct, years, extra_monthly=extra_monthly)
    interest_baseline = sum((row.interest for row in baseline), Decimal(0))
    interest_with_extra = sum((row.interest for row in accelerated), Decimal(0))
    return ExtraPaymentResult(
        months_baseline=len(baseline),
        months_with_extra=len(accelerated),
        months_saved=len(baseline) - len(accelerated),
        interest_baseline=interest_baseline,
        interest_with_extra=interest_with_extra,
        interest_saved=interest_baseline - interest_with_extra,
    )


def apr_from_fees(principal: Number, annual_rate_pct: Number, years: Number, fees: Number) -> Decimal:
    """APR in percent, to 0.001%: the rate at which the payment amortises the amount financed net of fees.

    Solved by bisection in ``Decimal`` (the payment grows monotonically with the rate).
    """
    amount = _dec(principal)
    fee_amount = _dec(fees)
    if fee_amount < 0 or fee_amount >= amount:
        raise ValueError("fees must be non-negative and smaller than the loan amount")
    total_months = term_in_months(years)
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        payment = monthly_payment(amount, annual_rate_pct, months=total_months)
        net_financed = amount - fee_amount
        low = _dec(annual_rate_pct)
        high = low + 1
        while _payment_for(net_financed, _monthly_rate(high), total_months) < payment:
            high *= 2
        while high - low > APR_TOLERANCE_PCT / 10:
            middle = (low + high) / 2
            if _payment_for(net_financed, _monthly_rate(middle), total_months) < payment:
                low = middle
            else:
                high = middle
        return ((low + high) / 2).quantize(APR_TOLERANCE_PCT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LoanCalculation:
    """Deterministic answer to a calculation question: what was computed, from what, and what to say."""

    kind: str
    inputs: dict[str, Decimal | int]
    results: dict[str, Decimal | int]
    summary: str
    notes: list[str] = field(default_factory=list)


_MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "mm": 1_000_000, "million": 1_000_000}
_AMOUNT_RE = re.compile(
    r"(?P<dollar>\$\s?)?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult>k|thousand|million|mm|m)\b)?"
    r"(?P<unit>\s?(?:%|percent\b|pct\b|years?\b|yrs?\b|-years?\b|-yr\b|months?\b|mos?\b|-months?\b))?"
    r"(?P<dollars>\s?(?:dollars|usd)\b)?",
    re.IGNORECASE,
)
_CLAUSE_SPLIT_RE = re.compile(r";|,\s|\band\b|\bbut\b|\bwhile\b|\?|\.\s", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z][a-z'-]*")

_ROLE_WORDS: dict[str, frozenset[str]] = {
    "debt": frozenset(
        {
            "debt",
            "debts",
            "owe",
            "obligations",
            "bills",
            "minimum",
            "payments",
            "liabilities",
            "spend",
            "pay",
            "paying",
            "car",
            "card",
            "cards",
            "student",
            "loan",
            "loans",
            "rent",
            "mortgage",
            "alimony",
            "support",
        }
    ),
    "income": frozenset(
        {
            "earn",
            "earns",
            "earning",
            "income",
            "make",
            "makes",
            "making",
            "salary",
            "gross",
            "paid",
            "wage",
            "wages",
            "take",
            "bring",
        }
    ),
    "value": frozenset(
        {
            "house",
            "home",
            "property",
            "value",
            "valued",
            "worth",
            "appraised",
            "appraisal",
            "price",
            "condo",
            "townhouse",
            "purchase",
        }
    ),
    "down": frozenset({"down", "deposit"}),
    "extra": frozenset({"extra", "additional", "more", "prepay", "prepayment"}),
    "fees": frozenset({"fees", "fee", "closing", "costs", "points", "origination", "charges"}),
    "loan": frozenset({"loan", "mortgage", "borrow", "borrowing", "principal", "financing", "finance"}),
    "payment": frozenset({"afford", "budget", "payment", "pay"}),
}
_ANNUAL_WORDS = frozenset({"year", "yearly", "annually", "annual", "yr"})
_ROLE_WINDOW_AFTER = 6
_ROLE_WINDOW_BEFORE = 6

_DTI_RE = re.compile(r"\bdti\b|debt[\s-]+to[\s-]+income", re.IGNORECASE)
_LTV_RE = re.compile(r"\bltv\b|loan[\s-]+to[\s-]+value", re.IGNORECASE)
_APR_RE = re.compile(r"\bapr\b|annual percentage rate", re.IGNORECASE)
_MAX_LOAN_RE = re.compile(
    r"how much (?:can|could) i (?:borrow|afford)|max(?:imum)? (?:loan|mortgage|amount)|"
    r"how (?:big|large) (?:a )?(?:loan|mortgage)|afford to borrow|loan can i afford",
    re.IGNORECASE,
)
_EXTRA_RE = re.compile(r"\b(?:extra|additional|prepay\w*)\b", re.IGNORECASE)
_PAYMENT_INTENT_RE = re.compile(
    r"payment|monthly|per month|a month|how much|\bcost|calculat|comput|"
    r"what (?:would|will|is|'s) (?:i|my|the)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Mention:
    kind: str
    value: Decimal
    start: int
    end: int


def _looks_like_money(match: re.Match[str], value: Decimal) -> bool:
    """Marked as money ($, k, million, dollars), grouped with commas, or a large number that is not a year."""
    if match["dollar"] or match["mult"] or match["dollars"] or "," in match["number"]:
        return True
    return value >= 1000 and not 1900 <= value <= 2100


def _scan_numbers(text: str) -> list[_Mention]:
    """Classify every number as money, a rate, a term in years or a term in months; skip anything else."""
    mentions: list[_Mention] = []
    for match in _AMOUNT_RE.finditer(text):
        value = Decimal(match["number"].replace(",", ""))
        unit = (match["unit"] or "").strip().lstrip("-").lower()
        if match["mult"]:
            value *= _MULTIPLIERS[match["mult"].lower()]
        if unit in {"%", "percent", "pct"}:
            mentions.append(_Mention("rate", value, match.start(), match.end()))
        elif unit.startswith(("year", "yr")):
            mentions.append(_Mention("years", value, match.start(), match.end()))
        elif unit.startswith("mo"):
            mentions.append(_Mention("months", value, match.start(), match.end()))
        elif _looks_like_money(match, value):
            mentions.append(_Mention("money", value, match.start(), match.end()))
    return mentions


def _clause_bounds(text: str, position: int) -> tuple[int, int]:
    start, end = 0, len(text)
    for separator in _CLAUSE_SPLIT_RE.finditer(text):
        if separator.end() <= position:
            start = separator.end()
        elif separator.start() > position:
            end = separator.start()
            break
    return start, end


def _role_of(text: str, mention: _Mention, roles: tuple[str, ...]) -> str | None:
    """Role of a money mention: the nearest role word in its clause, preferring the words right after it."""
    clause_start, clause_end = _clause_bounds(text, mention.start)
    after = _WORD_RE.findall(text[mention.end : clause_end].lower())[:_ROLE_WINDOW_AFTER]
    before = list(reversed(_WORD_RE.findall(text[clause_start : mention.start].lower())))[
        :_ROLE_WINDOW_BEFORE
    ]
    candidates: list[tuple[int, int, str]] = []
    for distance, word in enumerate(after):
        candidates += [(distance, 0, role) for role in roles if word in _ROLE_WORDS[role]]
    for distance, word in enumerate(before):
        candidates += [(distance, 1, role) for role in roles if word in _ROLE_WORDS[role]]
    if not candidates:
        return None
    return min(candidates, key=lambda candidate: (candidate[0], candidate[1], roles.index(candidate[2])))[2]


def _is_annual(text: str, mention: _Mention) -> bool:
    """True for "$72,000 a year", "annual income of $72,000", "$72k/yr"."""
    clause_start, clause_end = _clause_bounds(text, mention.start)
    after = _WORD_RE.findall(text[mention.end : clause_end].lower())[:3]
    before = _WORD_RE.findall(text[clause_start : mention.start].lower())[-3:]
    return bool(set(after + before) & _ANNUAL_WORDS)


def _assign(text: str, money: list[_Mention], roles: tuple[str, ...]) -> dict[str, _Mention]:
    assigned: dict[str, _Mention] = {}
    for mention in money:
        role = _role_of(text, mention, roles)
        if role and role not in assigned:
            assigned[role] = mention
    return assigned


def _term(mentions: list[_Mention]) -> tuple[Decimal | None, int | None]:
    for mention in mentions:
        if mention.kind == "years":
            return mention.value, None
        if mention.kind == "months":
            return None, int(mention.value)
    return None, None


def _term_label(years: Decimal | None, months: int) -> str:
    if years is not None:
        return f"{years.normalize():f} years"
    return f"{months} months"


def _unassigned_largest(money: list[_Mention], taken: dict[str, _Mention]) -> _Mention | None:
    free = [mention for mention in money if mention not in taken.values()]
    return max(free, key=lambda mention: mention.value) if free else None


def _compute_dti(text: str, money: list[_Mention]) -> LoanCalculation | None:
    roles = _assign(text, money, ("debt", "income"))
    if "debt" not in roles or "income" not in roles:
        return None
    notes = []
    debts = roles["debt"].value
    income = roles["income"].value
    if _is_annual(text, roles["income"]):
        income = income / MONTHS_PER_YEAR
        notes.append("Annual income was divided by 12 to get gross monthly income.")
    ratio = dti(debts, income)
    summary = (
        f"Your debt-to-income ratio is {format_percent(ratio)} "
        f"({format_money(debts)} in monthly debt payments / {format_money(income)} gross monthly income)."
    )
    return LoanCalculation(
        "dti", {"monthly_debts": debts, "gross_monthly_income": income}, {"dti_pct": ratio}, summary, notes
    )


def _compute_ltv(text: str, money: list[_Mention]) -> LoanCalculation | None:
    roles = _assign(text, money, ("down", "loan", "value"))
    if "value" not in roles:
        return None
    value = roles["value"].value
    if "loan" in roles:
        loan = roles["loan"].value
    elif "down" in roles:
        loan = value - roles["down"].value
    else:
        return None
    ratio = ltv(loan, value)
    summary = (
        f"The loan-to-value ratio is {format_percent(ratio)} "
        f"({format_money(loan, cents=False)} loan / {format_money(value, cents=False)} property value)."
    )
    return LoanCalculation("ltv", {"loan": loan, "value": value}, {"ltv_pct": ratio}, summary)


def _compute_extra(
    text: str, money: list[_Mention], rate: Decimal, years: Decimal | None, months: int | None
) -> LoanCalculation | None:
    roles = _assign(text, money, ("extra", "loan"))
    principal_mention = roles.get("loan") or _unassigned_largest(money, roles)
    if "extra" not in roles or principal_mention is None or years is None:
        return None
    principal, extra = principal_mention.value, roles["extra"].value
    result = payoff_with_extra_payment(principal, rate, years, extra)
    saved_years, saved_months = divmod(result.months_saved, MONTHS_PER_YEAR)
    summary = (
        f"Paying {format_money(extra)} extra per month on a {format_money(principal, cents=False)} loan at "
        f"{format_percent(rate, 3)} for {_term_label(years, months or 0)} saves "
        f"{format_money(result.interest_saved)} in interest and pays the loan off "
        f"{result.months_saved} months "
        f"earlier ({saved_years} years {saved_months} months; {result.months_with_extra} payments instead of "
        f"{result.months_baseline})."
    )
    return LoanCalculation(
        "extra_payment",
        {"principal": principal, "annual_rate_pct": rate, "years": years, "extra_monthly": extra},
        {
            "months_saved": result.months_saved,
            "interest_saved": result.interest_saved,
            "interest_baseline": result.interest_baseline,
            "interest_with_extra": result.interest_with_extra,
        },
        summary,
    )


def _compute_max_loan(
    money: list[_Mention], rate: Decimal, years: Decimal | None, months: int | None
) -> LoanCalculation:
    budget = max(money, key=lambda mention: mention.value).value
    total_months = term_in_months(years, months)
    principal = max_loan_for_payment(budget, rate, months=total_months)
    summary = (
        f"A monthly payment of {format_money(budget)} at {format_percent(rate, 3)} for "
        f"{_term_label(years, total_months)} supports a loan of about {format_money(principal)} "
        f"(principal and interest only; taxes, insurance and PMI come on top)."
    )
    return LoanCalculation(
        "max_loan",
        {"monthly_payment": budget, "annual_rate_pct": rate, "months": total_months},
        {"max_principal": principal},
        summary,
    )


def _compute_apr(
    text: str, money: list[_Mention], rate: Decimal, years: Decimal | None
) -> LoanCalculation | None:
    roles = _assign(text, money, ("fees", "loan"))
    principal_mention = roles.get("loan") or _unassigned_largest(money, roles)
    if "fees" not in roles or principal_mention is None or years is None:
        return None
    principal, fees = principal_mention.value, roles["fees"].value
    apr = apr_from_fees(principal, rate, years, fees)
    summary = (
        f"With {format_money(fees)} in fees, a {format_money(principal, cents=False)} loan at "
        f"{format_percent(rate, 3)} for {_term_label(years, 0)} has an APR of about {format_percent(apr, 3)}."
    )
    return LoanCalculation(
        "apr",
        {"principal": principal, "annual_rate_pct": rate, "years": years, "fees": fees},
        {"apr_pct": apr},
        summary,
    )


def _compute_payment(
    money: list[_Mention], rate: Decimal, years: Decimal | None, months: int | None
) -> LoanCalculation:
    principal = max(money, key=lambda mention: mention.value).value
    total_months = term_in_months(years, months)
    payment = monthly_payment(principal, rate, months=total_months)
    interest = total_interest(principal, rate, months=total_months)
    summary = (
        f"A {format_money(principal, cents=False)} loan at {format_percent(rate, 3)} for "
        f"{_term_label(years, total_months)} costs {format_money(payment)} per month "
        f"(principal and interest, "
        f"{total_months} payments); total interest over the full term is {format_money(interest)}."
    )
    return LoanCalculation(
        "payment",
        {"principal": principal, "annual_rate_pct": rate, "months": total_months},
        {
            "monthly_payment": to_cents(payment),
            "total_interest": interest,
            "total_paid": to_cents(principal) + interest,
        },
        summary,
    )


def compute_from_question(text: str) -> LoanCalculation | None:
    """Answer a loan calculation question exactly, or return None when it is not one we can compute."""
    mentions = _scan_numbers(text)
    money = [mention for mention in mentions if mention.kind == "money"]
    rates = [mention.value for mention in mentions if mention.kind == "rate"]
    years, months = _term(mentions)
    try:
        if _DTI_RE.search(text):
            return _compute_dti(text, money)
        if _LTV_RE.search(text):
            return _compute_ltv(text, money)
        if not money or not rates or (years is None and months is None):
            return None
        rate = rates[0]
        if _APR_RE.search(text):
            return _compute_apr(text, money, rate, years)
        if _EXTRA_RE.search(text):
            return _compute_extra(text, money, rate, years, months)
        if _MAX_LOAN_RE.search(text):
            return _compute_max_loan(money, rate, years, months)
        if _PAYMENT_INTENT_RE.search(text):
            return _compute_payment(money, rate, years, months)
        return None
    except ValueError:
        return None
