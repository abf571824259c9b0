"""Build tests/data/lending_pii.jsonl from the hand-written messages in lending_pii.src.txt.

The source marks each gold span inline as ``{{LABEL|value}}``; this script strips the markup and records exact
character offsets, so no offset is ever typed by hand. Messages alternate between the ``tune`` and ``report``
splits in file order (the source is grouped by kind, so each kind lands in both halves). Card numbers must pass
the Luhn check and routing numbers the ABA checksum, otherwise the build fails: an invalid number would test
nothing a real borrower types.

Run: ``python tests/data/build_lending_pii.py`` (rewrites lending_pii.jsonl next to this file).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
SOURCE = HERE / "lending_pii.src.txt"
TARGET = HERE / "lending_pii.jsonl"
MARK = re.compile(r"\{\{([A-Z_]+)\|([^|}]+)\}\}")
LABELS = {
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "US_SSN",
    "DATE_OF_BIRTH",
    "STREET_ADDRESS",
    "CREDIT_CARD",
    "US_BANK_NUMBER",
    "ABA_ROUTING_NUMBER",
    "LOAN_NUMBER",
    "US_DRIVER_LICENSE",
    "IP_ADDRESS",
}


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in re.sub(r"\D", "", number)][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


def aba_ok(number: str) -> bool:
    digits = [int(d) for d in re.sub(r"\D", "", number)]
    weights = [3, 7, 1] * 3
    return len(digits) == 9 and sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def parse(line: str) -> dict:
    """One marked-up line → {"text", "spans"} with exact offsets."""
    text, spans, position = [], [], 0
    for match in MARK.finditer(line):
        label, value = match.groups()
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r} in: {line}")
        if label == "CREDIT_CARD" and not luhn_ok(value):
            raise ValueError(f"card fails Luhn: {value}")
        if label == "ABA_ROUTING_NUMBER" and not aba_ok(value):
            raise ValueError(f"routing number fails ABA checksum: {value}")
        text.append(line[position : match.start()])
        start = sum(len(part) for part in text)
        text.append(value)
        spans.append({"label": label, "start": start, "end": start + len(value), "value": value})
        position = match.end()
    text.append(line[position:])
    return {"text": "".join(text), "spans": spans}


def build() -> list[dict]:
    lines = [line for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    messages = [parse(line) for line in lines if not line.startswith("#")]
    for index, message in enumerate(messages):
        message["split"] = "tune" if index % 2 == 0 else "report"
    return messages


def main() -> None:
    messages = build()
    TARGET.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages), encoding="utf-8")
    with_pii = sum(bool(m["spans"]) for m in messages)
    print(f"{len(messages)} messages ({with_pii} with PII, {len(messages) - with_pii} without) -> {TARGET}")


if __name__ == "__main__":
    sys.exit(main())
