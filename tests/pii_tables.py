"""What the PII guard's table-driven tests share: their case tables (data files) and how a case is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools import pii

DATA = Path(__file__).parent / "data"


def load_tables(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def as_params(table: dict[str, list]) -> list:
    """A table's cases as test parameters, each id the case's reason and its text (a case is a text or a list
    whose first item is the text)."""
    return [
        pytest.param(*case, id=f"{reason}: {case[0]}")
        for reason, cases in table.items()
        for case in (c if isinstance(c, list) else [c] for c in cases)
    ]


def found(text: str) -> dict[str, str]:
    """Map each value the guard detects to its entity type."""
    return {text[entity.start : entity.end]: entity.type for entity in pii.redact(text).entities}
