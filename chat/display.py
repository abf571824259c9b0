"""How text is shown to the borrower: placeholders left by PII redaction become plain words."""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*?)_(\d+)>")
PLACEHOLDER_WORDS = {
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


def readable_placeholders(text: str) -> str:
    """`<PERSON_1>` as "[your name]", `<PERSON_2>` as "[name 2]": the model only ever sees placeholders, and an
    answer that repeats one should read naturally instead of showing the borrower a redaction marker."""

    def words(match: re.Match[str]) -> str:
        kind = PLACEHOLDER_WORDS.get(match.group(1), "personal detail")
        number = int(match.group(2))
        return f"[your {kind}]" if number == 1 else f"[{kind} {number}]"

    return _PLACEHOLDER.sub(words, text)
