"""How text is shown to the borrower: placeholders left by PII redaction become plain words."""

from __future__ import annotations

import re

from tools.placeholders import PLACEHOLDER, placeholder_noun


def readable_placeholders(text: str) -> str:
    """`<PERSON_1>` as "[your name]", `<PERSON_2>` as "[name 2]": the model only ever sees placeholders, and an
    answer that repeats one should read naturally instead of showing the borrower a redaction marker."""

    def words(match: re.Match[str]) -> str:
        kind = placeholder_noun(match.group(1))
        number = int(match.group(2))
        return f"[your {kind}]" if number == 1 else f"[{kind} {number}]"

    return PLACEHOLDER.sub(words, text)
