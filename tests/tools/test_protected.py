"""Protected characteristics: recognised in everyday wording, kept from the model, named in a reassurance;
requests to discriminate refused with the law and the lawful factors."""

import json
from pathlib import Path

import pytest

from tools import protected
from tools.protected import Characteristic

DATA = Path(__file__).parents[1] / "data" / "protected_mentions.jsonl"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm 62 and want a 30 year loan", Characteristic.AGE),
        ("my wife and I make 140k", Characteristic.MARITAL_STATUS),
        ("i'm on SSI, does it count", Characteristic.PUBLIC_ASSISTANCE),
        ("I'm from Mexico and have a green card", Characteristic.NATIONAL_ORIGIN),
        ("we are muslim and cant pay interest", Characteristic.RELIGION),
        ("i'm black and keep getting denied", Characteristic.RACE),
        ("i have dark skin", Characteristic.COLOR),
        ("as a woman buying alone", Characteristic.SEX),
        ("i disputed an error on my credit report", Characteristic.CREDIT_RIGHTS),
        ("i filed a complaint against my last lender with the cfpb", Characteristic.CREDIT_RIGHTS),
        ("i'm pregnant and start maternity leave in june", Characteristic.PREGNANCY),
        ("i use a wheelchair", Characteristic.DISABILITY),
        ("we have 3 kids", Characteristic.FAMILIAL_STATUS),
    ],
)
def test_everyday_wording_is_recognised(text, expected):
    assert expected in protected.screen(text).characteristics


@pytest.mark.parametrize(
    "text",
    [
        "i am borrowing 350000 for a house in ohio",
        "my race car hobby costs 200 a month",
        "my lender is giving me problems, where can i file a complaint about them",
        "i work for the social security administration",
        "i have 62 days of reserves in savings",
        "The $89,000 loan is 75.42% of the $118,000 price",
        "we're 30.5 percent over",
    ],
)
def test_loan_questions_without_a_characteristic_pass_unchanged(text):
    screening = protected.screen(text)
    assert screening.mentions == [] and screening.model_text == text and not screening.request_to_discriminate


def test_the_model_text_keeps_the_figures_but_not_the_characteristic():
    screening = protected.screen("i'm 62 and widowed, pension 3000 a month, can i borrow 150000?")
    assert "62" not in screening.model_text and "widowed" not in screening.model_text
    assert "3000" in screening.model_text and "150000" in screening.model_text
    line = protected.reassurance(screening.characteristics)
    assert "age" in line and "marital status" in line and "Equal Credit Opportunity Act" in line


def test_fair_housing_characteristics_cite_the_fair_housing_act():
    assert "the Fair Housing Act" in protected.reassurance([Characteristic.DISABILITY])
    assert "Equal Credit" not in protected.reassurance([Characteristic.FAMILIAL_STATUS])


@pytest.mark.parametrize(
    "text",
    [
        "which neighborhoods have fewer black families, we want to buy there",
        "can i charge a higher rate to older borrowers",
        "should we approve only married couples",
    ],
)
def test_requests_to_discriminate_are_refused_with_the_law_and_lawful_factors(text):
    screening = protected.screen(text)
    assert screening.request_to_discriminate
    answer = protected.refusal(screening.characteristics)
    assert "Equal Credit Opportunity Act" in answer and "Fair Housing Act" in answer
    assert "debt-to-income" in answer


def test_rights_questions_are_not_taken_for_requests():
    assert not protected.screen("can a lender deny me because i'm divorced?").request_to_discriminate


@pytest.mark.parametrize("split", ["tune", "report"])
def test_recall_on_the_labelled_messages_is_at_least_095(split):
    rows = [json.loads(line) for line in DATA.read_text().splitlines()]
    rows = [row for row in rows if row["split"] == split]
    gold = found = 0
    for row in rows:
        got = {str(c) for c in protected.screen(row["text"]).characteristics}
        gold += len(row["characteristics"])
        found += len(set(row["characteristics"]) & got)
    assert found / gold >= 0.95
    requests = [row for row in rows if row["request_to_discriminate"]]
    assert all(protected.screen(row["text"]).request_to_discriminate for row in requests)
