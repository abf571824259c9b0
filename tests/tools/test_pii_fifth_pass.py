"""PII guard, fifth pass: each rule added in session 7 catches its case and leaves a look-alike.

The cases sit in tests/data/pii_fifth_pass_cases.json, grouped by the rule they exercise. Every case was written for
these tests or taken from the tuning half (presidio_synth even rows); none is a report half's value."""

import pytest
from pii_tables import as_params, found, load_tables

from tools import pii


@pytest.fixture(scope="module", autouse=True)
def engines():
    return pii.get_engines()


CASES = load_tables("pii_fifth_pass_cases.json")
# [text, value, type]: the value is found whole, as its type.
CAUGHT: dict[str, list[list[str]]] = CASES["caught"]
# [text, value]: the value stays in the redacted text.
LEFT: dict[str, list[list[str]]] = CASES["left"]


@pytest.mark.parametrize(("text", "value", "entity_type"), as_params(CAUGHT))
def test_the_new_rules_catch_their_case(text, value, entity_type):
    assert found(text).get(value) == entity_type, pii.redact_text(text)


@pytest.mark.parametrize(("text", "value"), as_params(LEFT))
def test_the_new_rules_leave_the_look_alike(text, value):
    assert value in pii.redact_text(text)
