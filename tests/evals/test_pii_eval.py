"""`apfa eval pii`: overlap scoring, leaked values, false positives, and the lending set's own integrity."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from evals.pii import GOLD_LABELS, evaluate_pii, load_messages

DATA = Path(__file__).parents[1] / "data"
_spec = importlib.util.spec_from_file_location("build_lending_pii", DATA / "build_lending_pii.py")
builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builder)


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    return path


def _span(text: str, label: str, value: str) -> dict:
    start = text.index(value)
    return {"label": label, "start": start, "end": start + len(value), "value": value}


def test_scores_overlap_leaks_and_false_positives(tmp_path):
    found = "my ssn is 512-44-8830 and my name is Maria Gonzalez"
    missed = "my favourite color code is zz-top-123"
    clean = "i am borrowing 350000 at 6.5% for 30 years"
    org = "Card 4111 1111 1111 1111 works at Acme Corp."
    rows = [
        {"text": found, "spans": [_span(found, "US_SSN", "512-44-8830"), _span(found, "PERSON", "Maria Gonzalez")]},
        {"text": missed, "spans": [_span(missed, "LOAN_NUMBER", "zz-top-123")]},
        {"text": clean, "spans": []},
        {
            "text": org,
            "spans": [_span(org, "CREDIT_CARD", "4111 1111 1111 1111"), _span(org, "ORGANIZATION", "Acme Corp")],
        },
    ]
    summary = evaluate_pii(_write(tmp_path, rows))
    assert summary["gold_spans"] == 4  # ORGANIZATION is out of scope
    assert summary["recall"] == 0.75
    assert summary["precision"] == 1.0
    assert summary["leaked_values"] == 1
    assert summary["per_type"]["LOAN_NUMBER"] == {
        "gold": 1,
        "predicted": 0,
        "precision": 0.0,
        "recall": 0.0,
        "recall_same_type": 0.0,
        "f1": 0.0,
        "leaked": 1,
        "partly_exposed": 1,
    }
    assert summary["false_positives"] == 0
    assert summary["latency_ms"]["p95"] >= summary["latency_ms"]["p50"] > 0


def test_split_filter_and_presidio_json_format(tmp_path):
    rows = [
        {"text": "call me at 614-555-0192", "spans": [], "split": "tune"},
        {"text": "hi", "spans": [], "split": "report"},
    ]
    assert [m.text for m in load_messages(_write(tmp_path, rows), "report")] == ["hi"]
    presidio = tmp_path / "synth.json"
    presidio.write_text(
        json.dumps(
            [
                {
                    "full_text": "I'm Jane Doe",
                    "spans": [
                        {"entity_type": "PERSON", "entity_value": "Jane Doe", "start_position": 4, "end_position": 12}
                    ],
                }
            ]
        )
    )
    (message,) = load_messages(presidio)
    assert message.spans[0].value == message.text[4:12] == "Jane Doe"


def test_every_presidio_research_label_has_a_stated_mapping():
    labels = {
        "PERSON",
        "STREET_ADDRESS",
        "GPE",
        "ORGANIZATION",
        "CREDIT_CARD",
        "DATE_TIME",
        "TITLE",
        "PHONE_NUMBER",
        "AGE",
        "NRP",
        "EMAIL_ADDRESS",
        "ZIP_CODE",
        "DOMAIN_NAME",
        "IBAN_CODE",
        "US_SSN",
        "IP_ADDRESS",
        "US_DRIVER_LICENSE",
    }
    assert labels <= GOLD_LABELS.keys()


def test_lending_set_is_built_from_its_source_with_exact_offsets():
    committed = [json.loads(line) for line in (DATA / "lending_pii.jsonl").read_text().splitlines()]
    assert committed == builder.build()
    with_pii = [m for m in committed if m["spans"]]
    assert len(with_pii) >= 200 and len(committed) - len(with_pii) >= 40
    assert {m["split"] for m in committed} == {"tune", "report"}
    for message in committed:
        for span in message["spans"]:
            assert message["text"][span["start"] : span["end"]] == span["value"]
            if span["label"] == "CREDIT_CARD":
                assert builder.luhn_ok(span["value"])
            if span["label"] == "ABA_ROUTING_NUMBER":
                assert builder.aba_ok(span["value"])


def test_apfa_eval_pii_command_ends_with_one_json_line(tmp_path):
    path = _write(tmp_path, [{"text": "ssn 512-44-8830", "spans": [_span("ssn 512-44-8830", "US_SSN", "512-44-8830")]}])
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "eval", "pii", "--dataset", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"precision", "recall", "f1", "leaked_values", "per_type", "latency_ms"} <= last.keys()
    assert last["recall"] == 1.0
