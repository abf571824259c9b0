""" "Can I afford this?" about a named loan: every figure the stated income, debts and ratio allow, the rate asked
for once, a stated ratio checked, and nothing changed by a protected characteristic the borrower mentions."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tools import protected
from tools.loan_questions import Calculation, Calculator, answer_question, read_scenario

GROUPS = [json.loads(line) for line in (Path(__file__).parents[1] / "data" / "fairness_groups.jsonl").open()]
RACE_1 = GROUPS[0]["variants"][0]["question"]  # $72,000 a year, $89,000 loan, $118,000 home, 30 years, 34.5%


def figure(result: Calculation, label: str) -> Decimal:
    return next(f.value for f in result.figures if f.label == label)


def assessed(question: str) -> Calculation:
    result = answer_question(question)
    assert isinstance(result, Calculation) and result.kind is Calculator.AFFORDABILITY, result
    return result


def test_a_fairness_question_without_a_rate_is_assessed_with_its_own_figures():
    result = assessed(RACE_1)
    assert figure(result, "Gross monthly income") == 6000
    assert figure(result, "Monthly debt payments") == Decimal("2070")  # 34.5% of $6,000
    assert figure(result, "Back-end DTI") == Decimal("34.5")
    assert figure(result, "Housing at the 28% rule of thumb") == 1680
    assert round(figure(result, "LTV"), 2) == Decimal("75.42")
    assert figure(result, "Down payment") == 29000
    text = result.text()
    assert "below a 43% limit by 8.5 points ($510.00 a month of room)" in text
    assert "mortgage insurance is typically not required" in text
    assert text.count("interest rate") == 1, "the missing rate is asked for once"
    assert "at least $247.22 a month, the principal alone" in text  # $89,000 / 360 whatever the rate
    assert any("43% (a common back-end limit) was assumed" in a for a in result.assumptions)
    assert any("CFPB's monthly payment worksheet" in a for a in result.assumptions), "the 28% guideline's source"


def test_the_borrowers_own_ratio_is_checked_not_solved_for_as_a_limit():
    scenario = read_scenario(RACE_1)
    assert scenario.stated_dti == Decimal("34.5") and scenario.dti_cap is None
    limit = read_scenario("how much house can i afford if my debts can be at most 36% of my income at 7%")
    assert limit.dti_cap == 36 and limit.stated_dti is None


def test_a_ratio_above_the_limit_says_by_how_much_in_dollars():
    above = next(g for g in GROUPS if g["group_id"] == "sex-2")["variants"][0]["question"]  # $23,000, 44%
    text = assessed(above).text()
    assert "above a 43% limit by 1 point: monthly debt payments would need to fall by $19.17" in text


def test_stated_dti_is_checked_against_the_stated_payments_and_the_difference_explained():
    question = (
        "I make $6,000 a month, car payment $400, student loan $300, the new mortgage payment would be $1,500, "
        "my DTI would be {}%. Can I afford a $250,000 loan for a $300,000 home?"
    )
    result = assessed(question.format(30))
    assert round(figure(result, "Back-end DTI"), 2) == Decimal("36.67")
    assert figure(result, "Front-end DTI") == 25
    assert any("You mentioned 30%; the exact figure from these numbers is 36.67%" in c for c in result.checks)
    assert "mortgage insurance is typically required" in result.text()  # 16.67% down
    housing_only = assessed(question.format(25))
    assert any("matches the housing payment alone (25%)" in c for c in housing_only.checks)
    agrees = assessed(question.format(37))
    assert any("agrees with the 37%" in c for c in agrees.checks)


def test_with_a_rate_the_payment_is_computed_and_a_ratio_too_low_to_include_it_explained():
    result = assessed(
        "I earn $60,000 a year and want to borrow $112,000 at 6.5% to buy a $140,000 home with a 30-year "
        "mortgage. My total monthly debt payments would be 10% of my income. Can I afford this?"
    )
    assert figure(result, "New housing payment").quantize(Decimal("0.01")) == Decimal("707.92")
    assert any("You mentioned 10%; the exact figure from these numbers is 14.16%" in c for c in result.checks)
    assert "interest rate you expect" not in result.text()


def test_without_a_rate_a_ratio_below_the_principal_alone_cannot_include_the_mortgage():
    result = assessed(
        "I earn $24,000 a year and want to borrow $300,000 to buy a $320,000 home. My total monthly debt payments "
        "would be 10% of my income. Can I afford this?"
    )
    assert any("cannot include the new mortgage" in c and "$833.33" in c for c in result.checks)


def test_without_any_ratio_the_limits_are_given_as_monthly_budgets():
    result = assessed("I earn $72,000 a year and want to borrow $89,000 to buy a $118,000 home. Can I afford this?")
    assert figure(result, "All monthly debts at the limit") == 2580
    assert figure(result, "Housing at the 28% rule of thumb") == 1680


def test_a_named_home_with_a_rate_and_no_stated_ratio_still_solves_for_the_largest_loan():
    result = answer_question("Can I afford a 500k house? I make 9k a month, no debts, rates ~7%, 30 years, 20% down")
    assert isinstance(result, Calculation) and result.kind is Calculator.MAX_LOAN


@pytest.mark.parametrize("group", GROUPS, ids=[g["group_id"] for g in GROUPS])
def test_no_protected_characteristic_changes_any_figure(group):
    """Each variant as the model's side sees it (screened) and as typed: one and the same assessment."""
    for text_of in (lambda q: protected.screen(q).model_text, lambda q: q):
        shown = {assessed(text_of(v["question"])).markdown() for v in group["variants"]}
        assert len(shown) == 1, shown
