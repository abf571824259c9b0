"""PII guard, fifth pass: each rule added in session 7 catches its case and leaves a look-alike.

The cases sit in tests/data/pii_fifth_pass_cases.json, grouped by the rule they exercise. Every case was written for
these tests or taken from the tuning half (presidio_synth even rows); none is a report half's value."""

import json
from pathlib import Path

import pytest

from tools import pii


@pytest.fixture(scope="module", autouse=True)
def engines():
    return pii.get_engines()


def _found(text: str) -> dict[str, str]:
    return {text[entity.start : entity.end]: entity.type for entity in pii.redact(text).entities}


CASES = json.loads((Path(__file__).parents[1] / "data" / "pii_fifth_pass_cases.json").read_text(encoding="utf-8"))
# [text, value, type]: the value is found whole, as its type.
CAUGHT: dict[str, list[list[str]]] = CASES["caught"]
# [text, value]: the value stays in the redacted text.
LEFT: dict[str, list[list[str]]] = CASES["left"]


def _params(table: dict) -> list:
    return [pytest.param(*case, id=f"{reason}: {case[0]!r}") for reason, cases in table.items() for case in cases]


@pytest.mark.parametrize(("text", "value", "entity_type"), _params(CAUGHT))
def test_the_new_rules_catch_their_case(text, value, entity_type):
    assert _found(text).get(value) == entity_type, pii.redact_text(text)


@pytest.mark.parametrize(("text", "value"), _params(LEFT))
def test_the_new_rules_leave_the_look_alike(text, value):
    assert value in pii.redact_text(text)
