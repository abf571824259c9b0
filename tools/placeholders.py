"""The placeholders `<TYPE_n>` that the PII guard (tools.pii) puts in place of personal data, and what each type is
in plain words. Apart from tools.pii so that code which only shows text (chat.display, agents.vetting) does not
load Presidio and spaCy (seconds per process) to read a placeholder."""

from __future__ import annotations

import re

# Every entity type the guard looks for (tools.pii.ENTITIES), as a noun the borrower can read.
PLACEHOLDER_NOUNS: dict[str, str] = {
    "PERSON": "name",
    "EMAIL_ADDRESS": "email address",
    "PHONE_NUMBER": "phone number",
    "US_SSN": "Social Security number",
    "US_ITIN": "taxpayer ID number",
    "CREDIT_CARD": "card number",
    "IBAN_CODE": "IBAN",
    "US_BANK_NUMBER": "account number",
    "US_DRIVER_LICENSE": "driver's license number",
    "US_PASSPORT": "passport number",
    "IP_ADDRESS": "IP address",
    "STREET_ADDRESS": "address",
    "DATE_OF_BIRTH": "date of birth",
    "ABA_ROUTING_NUMBER": "routing number",
    "LOAN_NUMBER": "loan number",
}
UNKNOWN_NOUN = "personal detail"
PLACEHOLDER = re.compile(r"<([A-Z]+(?:_[A-Z]+)*)_(\d+)>")


def placeholder(entity_type: str, number: int) -> str:
    """The n-th distinct value of a type in one text: ``<PERSON_2>``."""
    return f"<{entity_type}_{number}>"


def placeholder_noun(entity_type: str) -> str:
    """What a placeholder's type is in words; a type this table does not know is still shown as words."""
    return PLACEHOLDER_NOUNS.get(entity_type, UNKNOWN_NOUN)


def withheld_in_source(text: str) -> str:
    """A document's placeholders as "[name withheld]": in a quoted passage `<PERSON_1>` is the document's first
    person (a worked example's buyer, a sample form's applicant), never the borrower, so it must not read as
    "[your name]" the way a placeholder from the borrower's own message does (chat.display)."""
    return PLACEHOLDER.sub(lambda match: f"[{placeholder_noun(match.group(1))} withheld]", text)
