"""What a chunk is part of, in words a question uses: the header put before a chunk for the embedder and BM25.

A title derived from a file name ("adjustable_rate_loan_estimate.pdf") is one BM25 token that no question
contains, and a chunk of a filled-in form never says what it is a sample of ("Appraisal Fee $305"), so "on the
sample ARM loan estimate, what is …" found neither. The header spells the title as words, adds the abbreviation
borrowers use for a spelt-out term ("adjustable rate" → ARM), and calls a filled-in form a sample form. It is only
read by the ranking; the chunk text and the title users see stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FILE_EXTENSION = re.compile(r"\.(?:pdf|txt|md|markdown|html?|docx?|pptx?|csv)$", re.IGNORECASE)
NAME_SEPARATORS = re.compile(r"[_\-.]+")
# A web page saved as ".../index.txt" or a README says nothing about its subject.
FILE_NAME_WORDS = frozenset({"index", "readme"})
ABBREVIATIONS = (("adjustable rate", "ARM"),)
FIGURE = re.compile(r"\d")
FORM_LINE_WORDS = 8
# Share of a document's lines that are a short label with a figure and no sentence end: 0.27–0.38 for the
# knowledge base's filled-in forms, at most 0.19 for its explainers and web pages (docs/benchmarks.md).
FORM_SHARE = 0.25
MIN_FORM_LINES = 20
SAMPLE_FORM = "sample form"


def readable_title(title: str) -> str:
    """A file-name title as words, each once ("adjustable_rate_loan_estimate.pdf" → "adjustable rate loan
    estimate"); a title that already reads as words keeps its words."""
    words = NAME_SEPARATORS.sub(" ", FILE_EXTENSION.sub("", title.strip())).split()
    kept: list[str] = []
    for word in words:
        # A folder name repeated in the file name ("closing-disclosure_closing-disclosure-1") is said once.
        if word.lower() not in FILE_NAME_WORDS and word.lower() not in {k.lower() for k in kept}:
            kept.append(word)
    return " ".join(kept or words)


def is_filled_form(lines: Iterable[str]) -> bool:
    """Whether a document reads as a filled-in form: many short lines that are a label and a figure."""
    text_lines = [line.strip() for line in lines if line.strip()]
    form_lines = [
        line
        for line in text_lines
        if FIGURE.search(line) and len(line.split()) <= FORM_LINE_WORDS and line[-1] not in ".?!"
    ]
    return len(form_lines) >= MIN_FORM_LINES and len(form_lines) >= FORM_SHARE * len(text_lines)


def document_context(title: str, filled_form: bool = False) -> str:
    """The words put before each chunk of a document: its title as words, abbreviations, "sample form"."""
    readable = readable_title(title)
    extra = [short for spelt, short in ABBREVIATIONS if spelt in readable.lower() and short not in readable]
    if filled_form:
        extra.append(SAMPLE_FORM)
    return ", ".join([readable, *extra]) if readable else ", ".join(extra)
