"""Attached Loan Estimates: recognised, read, compared side by side with cited shopping advice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from chat.loan_estimates_view import (
    UploadedEstimate,
    comparison_text,
    read_if_loan_estimate,
    shopping_advice,
)
from evals.loan_estimate_forms import render_loan_estimate

DATASET = Path(__file__).resolve().parents[1] / "data/loan_estimates.jsonl"
MAX_BYTES = 10_000_000


@dataclass
class Chunk:
    text: str
    doc_id: str = "kb"
    title: str = "Closing Costs, the Loan Estimate and the Closing Disclosure"
    page: int | None = None


def drawn(tmp_path: Path, index: int) -> Path:
    row = [json.loads(line) for line in DATASET.read_text().splitlines()][index]
    return render_loan_estimate(row["fields"], tmp_path / f"le{index}.pdf")


def test_only_loan_estimate_pdfs_are_read(tmp_path):
    assert read_if_loan_estimate(drawn(tmp_path, 1), "offer.pdf", MAX_BYTES).lender == "Ficus Bank"
    assert read_if_loan_estimate(drawn(tmp_path, 1), "offer.docx", MAX_BYTES) is None
    assert read_if_loan_estimate(drawn(tmp_path, 1), "offer.pdf", max_bytes=100) is None
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    assert read_if_loan_estimate(broken, "broken.pdf", MAX_BYTES) is None


def test_comparison_has_the_table_the_differences_and_cited_advice(tmp_path):
    uploaded = [
        UploadedEstimate(f"le{i}.pdf", read_if_loan_estimate(drawn(tmp_path, i), f"le{i}.pdf", MAX_BYTES))
        for i in (1, 2)
    ]
    chunks = [
        Chunk("FHA basics. Nothing about offers here."),
        Chunk(
            "- Compare Loan Estimates for the same loan type, term and lock date, looking at both numbers. "
            "Request Loan Estimates from several lenders on the same day so rate moves don't distort the comparison."
        ),
    ]
    text = comparison_text(uploaded, chunks)
    assert "| Field | Ficus Bank | Maple Street Credit Union |" in text
    assert "5-year cost (In 5 Years):" in text and "Cash to close:" in text
    assert "- Compare Loan Estimates for the same loan type, term and lock date, looking at both numbers. [2]" in text
    assert [number for number, _ in shopping_advice(chunks)] == [2, 2]
    assert "no advice on comparing Loan Estimates" in comparison_text(uploaded, [Chunk("Nothing relevant.")])
