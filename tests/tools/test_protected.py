"""Protected characteristics: recognised in everyday wording, kept from the model, named in a reassurance;
requests to discriminate refused with the law and the lawful factors."""

import json
from pathlib import Path

import pytest

from tools import protected
from tools.protected import Characteristic

DATA = Path(__file__).parents[1] / "data" / "protected_mentions.jsonl"
# Everyday wordings [text, characteristic], loan questions without one, and requests to discriminate.
CASES = json.loads((DATA.parent / "protected_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("text", "expected"), CASES["recognised"])
def test_everyday_wording_is_recognised(text, expected):
    assert Characteristic(expected) in protected.screen(text).characteristics


@pytest.mark.parametrize("text", CASES["without a characteristic"])
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


@pytest.mark.parametrize("text", CASES["requests to discriminate"])
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
