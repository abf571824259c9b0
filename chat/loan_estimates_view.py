"""Loan Estimates a borrower attaches, compared side by side in the chat with the CFPB's shopping advice.

Every attached PDF that is a Loan Estimate is read (`tools.loan_estimate`) and kept for the session; from the
second one on, the chat shows all of them in one table (missing fields marked as missing), the differences
computed from the figures read, and the knowledge base's advice on comparing offers, cited by number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from tools.loan_estimate import LoanEstimate, comparison_table, differences, extract_loan_estimate, is_loan_estimate

MAX_PAGES = 5  # the form has three pages; anything longer is some other document
ADVICE_QUERY = "How should I compare Loan Estimates from several lenders when shopping for a mortgage?"
MAX_ADVICE = 3  # sentences of advice shown under the comparison
ADVICE_SENTENCE = re.compile(
    r"[^.!?\n]*\b(?:compar\w*|shop\w*)\b[^.!?\n]*\bLoan Estimates?\b[^.!?\n]*[.!?]"
    r"|[^.!?\n]*\bLoan Estimates?\b[^.!?\n]*\b(?:compar\w*|shop\w*)\b[^.!?\n]*[.!?]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class UploadedEstimate:
    """A Loan Estimate read from one upload, named by its lender (or its file name when the form has none)."""

    filename: str
    estimate: LoanEstimate

    @property
    def name(self) -> str:
        return self.estimate.lender or self.filename


def read_if_loan_estimate(path: Path, filename: str, max_bytes: int) -> LoanEstimate | None:
    """The form's fields when the attachment is a Loan Estimate PDF; None for anything else (or unreadable)."""
    if not filename.lower().endswith(".pdf"):
        return None
    try:
        if path.stat().st_size > max_bytes:
            return None
        reader = PdfReader(str(path))
        if len(reader.pages) > MAX_PAGES:
            return None
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (OSError, PdfReadError, ValueError):
        return None
    return extract_loan_estimate(text) if is_loan_estimate(text) else None


def shopping_advice(chunks: list) -> list[tuple[int, str]]:
    """Sentences of the retrieved passages about comparing Loan Estimates, with their source number."""
    advice: list[tuple[int, str]] = []
    for number, chunk in enumerate(chunks, start=1):
        for match in ADVICE_SENTENCE.finditer(chunk.text):
            sentence = " ".join(match.group(0).replace("**", "").split()).lstrip("-• ")
            if sentence and all(sentence != text for _, text in advice):
                advice.append((number, sentence))
    return advice[:MAX_ADVICE]


def comparison_text(uploaded: list[UploadedEstimate], chunks: list) -> str:
    estimates = [item.estimate for item in uploaded]
    names = [item.name for item in uploaded]
    lines = [
        f"**Your {len(uploaded)} Loan Estimates side by side** (read from the forms; *missing* means the field "
        "could not be read, so check it on the form itself):",
        "",
        comparison_table(estimates, names),
        "",
        "**Differences**",
        *[f"- {difference.text}" for difference in differences(estimates, names)],
    ]
    advice = shopping_advice(chunks)
    lines += ["", "**Shopping advice**"]
    if advice:
        lines += [f"- {sentence} [{number}]" for number, sentence in advice]
    else:
        lines.append("- I found no advice on comparing Loan Estimates in the knowledge base.")
    return "\n".join(lines)
