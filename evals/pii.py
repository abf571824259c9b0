"""`apfa eval pii`: how well the PII guard (tools.pii) finds identifiers, and what it wrongly removes.

Reads either our JSONL format (one ``{"text", "spans": [{"label", "start", "end", "value"}], "split"}`` per
line, e.g. tests/data/lending_pii.jsonl, or presidio_synth's synth_dataset_v2.jsonl) or presidio-research's JSON
list (``full_text`` and ``spans`` with ``entity_type``/``start_position``/``end_position``/``entity_value``).

Scoring (entity level, by overlap):

* every gold label is mapped onto one canonical type with ``GOLD_LABELS``; labels mapped to ``None`` are out of
  scope (not identifying in a loan chat, or deliberately kept readable) and are neither sought nor penalised;
* a gold span is *found* when any predicted span overlaps it (recall); ``recall_same_type`` also needs the type;
* a predicted span is *correct* when it overlaps an in-scope gold span (precision); one that overlaps only an
  out-of-scope span is ignored; one that overlaps nothing is a false positive, listed with its text;
* a *leaked value* is an in-scope gold value that still appears, case-insensitively, in the redacted text;
  *partly exposed* counts gold spans with any non-space character outside every predicted span (a value cut in
  two by the guard may not "leak" whole yet still show most of itself);
* latency is the wall time of one ``tools.pii.redact`` call per message, after warm-up.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from tools import pii

# Gold label (ours and presidio-research's) → the canonical type scored. None = out of scope.
GOLD_LABELS: dict[str, str | None] = {
    # our lending set
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "US_SSN": "US_SSN",
    "DATE_OF_BIRTH": "DATE_OF_BIRTH",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "US_BANK_NUMBER": "US_BANK_NUMBER",
    "ABA_ROUTING_NUMBER": "ABA_ROUTING_NUMBER",
    "LOAN_NUMBER": "LOAN_NUMBER",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
    "IP_ADDRESS": "IP_ADDRESS",
    # presidio-research synth_dataset_v2 / generated_small
    "IBAN_CODE": "IBAN_CODE",
    "ADDRESS": "STREET_ADDRESS",
    "PHONE": "PHONE_NUMBER",
    "EMAIL": "EMAIL_ADDRESS",
    "SSN": "US_SSN",
    "CREDIT_CARD_NUMBER": "CREDIT_CARD",
    # Out of scope: a city, state or country alone identifies nobody and loan limits depend on it; a ZIP code
    # alone is indistinguishable from a five-digit amount; organisations, titles, ages, nationalities, dates other
    # than a birth date and domain names are kept readable on purpose (the fair-lending check handles age/NRP).
    "GPE": None,
    "LOCATION": None,
    "ZIP_CODE": None,
    "ORGANIZATION": None,
    "DATE_TIME": None,
    "TITLE": None,
    "AGE": None,
    "NRP": None,
    "DOMAIN_NAME": None,
}

# Guard output type → canonical type (the guard's own types already are canonical, except these).
PREDICTED_LABELS: dict[str, str] = {"LOCATION": "STREET_ADDRESS", "US_ITIN": "US_SSN"}

# Values of these types must never survive redaction.
ZERO_LEAK_TYPES = ("US_SSN", "CREDIT_CARD", "US_BANK_NUMBER", "ABA_ROUTING_NUMBER", "LOAN_NUMBER", "US_DRIVER_LICENSE")


@dataclass(frozen=True)
class GoldSpan:
    label: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Message:
    text: str
    spans: list[GoldSpan]
    split: str | None = None


@dataclass
class TypeCounts:
    gold: int = 0
    found: int = 0
    found_same_type: int = 0
    predicted: int = 0
    predicted_correct: int = 0
    leaked: int = 0
    exposed: int = 0


@dataclass
class PiiReport:
    messages: int = 0
    per_type: dict[str, TypeCounts] = field(default_factory=lambda: defaultdict(TypeCounts))
    leaked_values: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)
    unmatched_labels: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)


def load_messages(path: Path, split: str | None = None) -> list[Message]:
    """Messages of a JSONL file (our format) or a presidio-research JSON list, optionally one split only."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        rows = [
            {
                "text": row["full_text"],
                "spans": [
                    {
                        "label": span["entity_type"],
                        "start": span["start_position"],
                        "end": span["end_position"],
                        "value": span["entity_value"],
                    }
                    for span in row["spans"]
                ],
            }
            for row in json.loads(raw)
        ]
    else:
        rows = [json.loads(line) for line in raw.splitlines() if line.strip()]
    # Sets without a split field (presidio_synth) are halved by position: even rows tune, odd rows report.
    messages = [
        Message(
            row["text"],
            [GoldSpan(**span) for span in row["spans"]],
            row.get("split") or ("tune" if index % 2 == 0 else "report"),
        )
        for index, row in enumerate(rows)
    ]
    return [m for m in messages if split is None or m.split == split]


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(messages: list[Message]) -> PiiReport:
    report = PiiReport(messages=len(messages))
    pii.warm_up()
    for message in messages:
        started = time.perf_counter()
        redaction = pii.redact(message.text)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        predicted = [
            (PREDICTED_LABELS.get(entity.type, entity.type), entity.start, entity.end) for entity in redaction.entities
        ]
        in_scope: list[tuple[str, GoldSpan]] = []
        out_of_scope: list[GoldSpan] = []
        for span in message.spans:
            if span.label not in GOLD_LABELS:
                report.unmatched_labels[span.label] += 1
            canonical = GOLD_LABELS.get(span.label)
            if canonical:
                in_scope.append((canonical, span))
            else:
                out_of_scope.append(span)
        redacted_lower = redaction.text.casefold()
        for canonical, span in in_scope:
            counts = report.per_type[canonical]
            counts.gold += 1
            hits = [p for p in predicted if _overlaps(span.start, span.end, p[1], p[2])]
            counts.found += bool(hits)
            counts.found_same_type += any(p[0] == canonical for p in hits)
            covered = {i for p in hits for i in range(max(p[1], span.start), min(p[2], span.end))}
            if any(not message.text[i].isspace() and i not in covered for i in range(span.start, span.end)):
                counts.exposed += 1
            if span.value.strip() and span.value.strip().casefold() in redacted_lower:
                counts.leaked += 1
                report.leaked_values.append({"type": canonical, "value": span.value, "redacted": redaction.text})
        for label, start, end in predicted:
            correct = any(_overlaps(start, end, s.start, s.end) for _, s in in_scope)
            if not correct and any(_overlaps(start, end, s.start, s.end) for s in out_of_scope):
                continue
            counts = report.per_type[label]
            counts.predicted += 1
            counts.predicted_correct += correct
            if not correct:
                report.false_positives.append({"type": label, "value": message.text[start:end], "text": message.text})
    return report


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))], 2) if ordered else 0.0


def summarise(report: PiiReport) -> dict:
    totals = TypeCounts()
    per_type = {}
    for label, counts in sorted(report.per_type.items()):
        for name in vars(totals):
            setattr(totals, name, getattr(totals, name) + getattr(counts, name))
        precision = _ratio(counts.predicted_correct, counts.predicted)
        recall = _ratio(counts.found, counts.gold)
        per_type[label] = {
            "gold": counts.gold,
            "predicted": counts.predicted,
            "precision": precision,
            "recall": recall,
            "recall_same_type": _ratio(counts.found_same_type, counts.gold),
            "f1": _f1(precision, recall),
            "leaked": counts.leaked,
            "partly_exposed": counts.exposed,
        }
    precision = _ratio(totals.predicted_correct, totals.predicted)
    recall = _ratio(totals.found, totals.gold)
    return {
        "messages": report.messages,
        "gold_spans": totals.gold,
        "predicted_spans": totals.predicted,
        "precision": precision,
        "recall": recall,
        "recall_same_type": _ratio(totals.found_same_type, totals.gold),
        "f1": _f1(precision, recall),
        "leaked_values": len(report.leaked_values),
        "leaked_zero_leak_types": sum(1 for leak in report.leaked_values if leak["type"] in ZERO_LEAK_TYPES),
        "partly_exposed": totals.exposed,
        "false_positives": len(report.false_positives),
        "per_type": per_type,
        "latency_ms": {
            "p50": _percentile(report.latencies_ms, 0.50),
            "p95": _percentile(report.latencies_ms, 0.95),
            "max": _percentile(report.latencies_ms, 1.0),
        },
    }


def evaluate_pii(dataset: Path, split: str | None = None, console: Console | None = None) -> dict:
    """Score the guard on a data set, print the tables and lists, and return the summary."""
    console = console or Console()
    messages = load_messages(dataset, split)
    report = score(messages)
    summary = summarise(report)
    console.print(f"[bold]PII guard on {dataset.name}[/bold] split={split or 'all'}: {len(messages)} messages")
    console.print(f"{'type':<20}{'gold':>6}{'pred':>6}{'prec':>8}{'recall':>8}{'f1':>8}{'leaked':>8}{'partly':>8}")
    for label, row in summary["per_type"].items():
        console.print(
            f"{label:<20}{row['gold']:>6}{row['predicted']:>6}{row['precision']:>8.3f}{row['recall']:>8.3f}"
            f"{row['f1']:>8.3f}{row['leaked']:>8}{row['partly_exposed']:>8}"
        )
    console.print(
        f"{'overall':<20}{summary['gold_spans']:>6}{summary['predicted_spans']:>6}{summary['precision']:>8.3f}"
        f"{summary['recall']:>8.3f}{summary['f1']:>8.3f}{summary['leaked_values']:>8}{summary['partly_exposed']:>8}"
    )
    if report.unmatched_labels:
        console.print(f"labels with no mapping (ignored): {dict(report.unmatched_labels)}")
    console.print(f"[bold]leaked values ({len(report.leaked_values)})[/bold]")
    for leak in report.leaked_values:
        console.print(f"  {leak['type']}: {leak['value']!r} in {leak['redacted']!r}", markup=False, soft_wrap=True)
    console.print(f"[bold]false positives ({len(report.false_positives)})[/bold]")
    for fp in report.false_positives:
        console.print(f"  {fp['type']}: {fp['value']!r} in {fp['text']!r}", markup=False, soft_wrap=True)
    latency = summary["latency_ms"]
    console.print(f"latency per message: p50 {latency['p50']} ms, p95 {latency['p95']} ms, max {latency['max']} ms")
    return summary
