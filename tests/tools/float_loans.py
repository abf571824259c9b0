"""An independent float implementation of the loan formulas, written from the closed forms and Regulation Z.

It never imports the product: the property tests compare `tools.loan_math` with it, and the calc data sets and the
fresh-question tests write their expected values as expressions over it (`expected_value`).
"""

from __future__ import annotations

import math


def cents(x: float) -> float:
    """Half-up to cents (the tiny epsilon absorbs binary representation error such as 2.675 -> 2.67499...)."""
    return math.floor(abs(x) * 100 + 0.5 + 1e-7) / 100 * (1 if x >= 0 else -1)


def payment(principal: float, annual_pct: float, months: int) -> float:
    r = annual_pct / 1200
    if r == 0:
        return principal / months
    return principal * r / (1 - (1 + r) ** -months)


def schedule(principal, annual_pct, months, extra_monthly=0.0, extra_yearly=0.0, lump=0.0, lump_month=1):
    """Rows (payment, interest, principal, balance) in cents; the last payment clears the balance."""
    r = annual_pct / 1200
    regular = cents(payment(principal, annual_pct, months))
    balance = cents(principal)
    rows = []
    k = 0
    while balance > 0.004:
        k += 1
        interest = cents(balance * r)
        due = regular + extra_monthly + (extra_yearly if k % 12 == 0 else 0) + (lump if k == lump_month else 0)
        is_last = k >= months or balance + interest <= due + 1e-9
        pay = balance + interest if is_last else due
        balance = round(balance - (pay - interest), 2)
        rows.append((round(pay, 2), interest, round(pay - interest, 2), balance))
    return rows


def total_interest(principal, annual_pct, months, **extra) -> float:
    return round(sum(row[1] for row in schedule(principal, annual_pct, months, **extra)), 2)


def balance_after(principal, annual_pct, months, made) -> float:
    return schedule(principal, annual_pct, months)[made - 1][3]


def closed_form_balance(principal, annual_pct, months, made) -> float:
    """B_k = P(1+r)^k − A((1+r)^k − 1)/r with the exact (unrounded) payment A."""
    r = annual_pct / 1200
    a = payment(principal, annual_pct, months)
    if r == 0:
        return principal - a * made
    g = (1 + r) ** made
    return principal * g - a * (g - 1) / r


def max_loan(budget, annual_pct, months) -> float:
    r = annual_pct / 1200
    return budget * months if r == 0 else budget * (1 - (1 + r) ** -months) / r


def apr(principal, annual_pct, months, charges) -> float:
    """Appendix J: monthly rate i with Σ payment_k / (1 + i)^k = amount financed; APR = 1200 i."""
    pays = [row[0] for row in schedule(principal, annual_pct, months)]
    financed = principal - charges
    lo, hi = 0.0, 0.05
    for _ in range(200):
        mid = (lo + hi) / 2
        pv = sum(p / (1 + mid) ** (k + 1) for k, p in enumerate(pays))
        if pv > financed:
            lo = mid
        else:
            hi = mid
    return round((lo + hi) / 2 * 1200, 3)


def pmi_months(principal, annual_pct, months, value) -> tuple[int, int, int]:
    rows = schedule(principal, annual_pct, months)
    request = next(k + 1 for k, row in enumerate(rows) if row[3] <= 0.8 * value + 1e-9)
    automatic = next(k + 1 for k, row in enumerate(rows) if row[3] <= 0.78 * value + 1e-9)
    return request, automatic, math.ceil(months / 2)


def break_even_months(cost, old_payment, new_payment) -> int:
    saving_cents = round(cents(old_payment) * 100) - round(cents(new_payment) * 100)  # whole cents: no float noise
    return math.ceil(cost * 100 / saving_cents - 1e-9)


def arm_payment(principal, rate, months, fixed, target, initial_cap=None, lifetime_cap=None):
    a = payment(principal, rate, months)
    r = rate / 1200
    balance = principal
    for _ in range(fixed):
        balance = balance * (1 + r) - a
    new = target
    if initial_cap is not None:
        new = min(new, rate + initial_cap)
        new = max(new, rate - initial_cap)
    if lifetime_cap is not None:
        new = min(new, rate + lifetime_cap)
    return new, payment(balance, new, months - fixed)


def max_under_dti(income, cap, rate, months, debts=0.0, fixed=0.0):
    """The loan whose payment fills what a DTI cap leaves of the income after other debts and fixed costs."""
    return max_loan(income * cap / 100 - debts - fixed, rate, months)


def saved(principal, rate, months, **extra):
    """Interest and months saved by `extra` (extra_monthly, extra_yearly or lump) against the plain schedule."""
    base = schedule(principal, rate, months)
    fast = schedule(principal, rate, months, **extra)
    return sum(r[1] for r in base) - sum(r[1] for r in fast), len(base) - len(fast)


def points_break_even(principal, months, base, bought, points):
    """Months until `points` paid to buy the rate down from `base` to `bought` are repaid by the lower payment."""
    return break_even_months(
        principal * points / 100, payment(principal, base, months), payment(principal, bought, months)
    )


FORMULAS = {
    formula.__name__: formula
    for formula in (
        cents,
        payment,
        schedule,
        total_interest,
        balance_after,
        max_loan,
        apr,
        pmi_months,
        break_even_months,
        arm_payment,
        max_under_dti,
        saved,
        points_break_even,
    )
}


def expected_value(expression: str) -> float:
    """An expected value written in a data file as its derivation, e.g. "payment(300_000, 6.5, 360)".

    The derivation stays readable beside the question; the expressions are the repository's own test data and
    reach nothing but these formulas.
    """
    return eval(expression, {"__builtins__": {}}, FORMULAS)
