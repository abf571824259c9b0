"""How carefully a stored message must be handled, from the entity types the guard found in it."""

from __future__ import annotations

from enum import StrEnum


class DataClassification(StrEnum):
    """How carefully a stored message must be handled, from what the guard found in it (before redaction).

    RESTRICTED: a regulated identifier (SSN/ITIN, card, bank account, routing, driver's licence, passport, IBAN);
    SENSITIVE: other personal data (name, contact details, address, birth date, loan number, IP address);
    INTERNAL: a borrower's own words with no identifier; PUBLIC: no personal data and not a borrower's words
    (e.g. an answer drawn from the public knowledge base).
    """

    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    SENSITIVE = "SENSITIVE"
    RESTRICTED = "RESTRICTED"


RESTRICTED_TYPES = frozenset(
    {
        "US_SSN",
        "US_ITIN",
        "CREDIT_CARD",
        "US_BANK_NUMBER",
        "ABA_ROUTING_NUMBER",
        "US_DRIVER_LICENSE",
        "US_PASSPORT",
        "IBAN_CODE",
    }
)


def classify(entity_types: set[str], borrower_content: bool = True) -> DataClassification:
    if entity_types & RESTRICTED_TYPES:
        return DataClassification.RESTRICTED
    if entity_types:
        return DataClassification.SENSITIVE
    return DataClassification.INTERNAL if borrower_content else DataClassification.PUBLIC
