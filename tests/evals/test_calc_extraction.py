"""The model-extraction alternative: numbers not in the text are dropped, the JSON maps onto a scenario."""

from decimal import Decimal

from evals.calc_extraction import SCHEMA, _to_scenario, checked_against_text
from tools.loan_questions import Calculation, Calculator, calculate

QUESTION = "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?"


def model_reply(**values):
    data = {name: None for name in SCHEMA["properties"]}
    data.update(monthly_debt_payments=[], biweekly=False, calculation="payment")
    data.update(values)
    return data


def test_an_invented_number_is_dropped():
    data, dropped = checked_against_text(
        model_reply(loan_amount=300000, interest_rate_percent=6.5, term_years=31), QUESTION
    )
    assert dropped == ["term_years"] and data["term_years"] is None and data["loan_amount"] == 300000


def test_the_json_runs_the_same_calculators():
    data, _ = checked_against_text(model_reply(loan_amount=300000, interest_rate_percent=6.5, term_years=30), QUESTION)
    result = calculate(_to_scenario(data))
    assert isinstance(result, Calculation) and result.kind is Calculator.PAYMENT
    assert result.figures[0].value == Decimal("1896.20")


def test_income_period_is_converted():
    scenario = _to_scenario(model_reply(calculation="dti", gross_income=72000, income_period="year"))
    assert scenario.income == 6000
