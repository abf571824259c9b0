"""Exact totals over the itemised amounts in a document ("add up the fees in my closing note").

A model asked to add figures from a passage gets the sum wrong often enough to matter, so the turn graph hands such
questions here: every "label … $amount" line of the passage is an item, lines that are not costs (the loan amount,
the price, a stated total) are left out, and the items are added with `decimal.Decimal` and shown one by one so the
borrower can check what was counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from tools import loan_math

# A request to add figures up: "total" alone is not one ("my total monthly debt payments are $900").
ASKS_FOR_TOTAL = re.compile(
    r"\b(?:add(?:ed)?\s+(?:\w+\s+){0,4}up|add together|sum(?:\s+up)?|the sum|total of|the total|totall?ed|"
    r"altogether|in total|combined|come to|comes to|add(?:ing)? (?:them|these|those))\b",
    re.I,
)
MENTIONS_DOCUMENT_ITEMS = re.compile(
    r"\b(?:fees?|costs?|charges?|items?|amounts?|figures?|quotes?|expenses?|bills?|payments?|lines?|"
    r"note|document|upload\w*|statement|estimate|list|invoice|letter|sheet)\b",
    re.I,
)
ITEM_LINE = re.compile(
    r"^\s*(?:[-*•]\s*)?(?P<label>[A-Za-z][^\n$:]{1,60}?)\s*:?\s*\$\s?(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|"
    r"\d+(?:\.\d{1,2})?)\s*$",
    re.M,
)
NOT_A_COST = re.compile(
    r"\b(?:loan amount|principal balance|purchase price|sale price|sales price|price|home value|appraised value|"
    r"value|total|subtotal|income|salary|deposit balance|balance)\b",
    re.I,
)
MIN_ITEMS = 2


@dataclass(frozen=True)
class ItemisedTotal:
    items: tuple[tuple[str, Decimal], ...]
    total: Decimal

    @property
    def summary(self) -> str:
        parts = " + ".join(f"{label} {loan_math.format_money(amount)}" for label, amount in self.items)
        return f"{parts} = {loan_math.format_money(self.total)}"


def asks_for_total(question: str) -> bool:
    """Whether the borrower asks for the sum of figures (fees, costs, quotes) rather than a loan calculation."""
    return bool(ASKS_FOR_TOTAL.search(question) and MENTIONS_DOCUMENT_ITEMS.search(question))


def itemised_total(text: str) -> ItemisedTotal | None:
    """The exact sum of the passage's itemised amounts, or None when it lists fewer than two items."""
    items = []
    for match in ITEM_LINE.finditer(text):
        label = " ".join(match.group("label").split()).rstrip(" :-")
        if NOT_A_COST.search(label):
            continue
        items.append((label, loan_math.to_cents(Decimal(match.group("amount").replace(",", "")))))
    if len(items) < MIN_ITEMS:
        return None
    return ItemisedTotal(items=tuple(items), total=sum((amount for _, amount in items), Decimal(0)))
