"""Builders for real test documents (PDF via reportlab, DOCX via python-docx, HTML, Markdown, text)."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from apfa.settings import Settings


def stop_worker(process: subprocess.Popen) -> None:
    """SIGTERM (an RQ worker finishes its job and exits), then SIGKILL if it has not stopped in 30 s."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def current_queue():
    """The ingest queue a process started now would use (this test's REDIS_URL and APFA_QUEUE)."""
    from ingest.jobs import QueueConfig

    return QueueConfig.from_settings(Settings())


def index_file(
    path: Path,
    filename: str | None = None,
    scope: str = "private",
    owner: str = "system",
    settings: Settings | None = None,
    **overrides,
):
    """`ingest_file` as the worker runs it, with `settings` (else the environment's: the `data_dir` fixture sets it);
    `store`, `embedder` and `options` can be overridden."""
    from ingest.pipeline import IngestOptions, ingest_file
    from kb.embedding import get_embedder
    from kb.store import get_store

    settings = settings or Settings()
    parts = {
        "store": get_store(settings),
        "embedder": get_embedder(),
        "options": IngestOptions.from_settings(settings),
    } | overrides
    return ingest_file(path, filename, scope, owner, **parts)


def make_pdf(path: Path, pages: Sequence[str], title: str | None = None) -> Path:
    """A text PDF with one page per entry; long entries wrap onto several lines of that page."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    document = canvas.Canvas(str(path), pagesize=LETTER)
    if title:
        document.setTitle(title)
    for text in pages:
        text_object = document.beginText(72, 720)
        text_object.setFont("Helvetica", 10)
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split():
                if len(line) + len(word) > 95:
                    text_object.textLine(line)
                    line = ""
                line = f"{line} {word}".strip()
            text_object.textLine(line)
        document.drawText(text_object)
        document.showPage()
    document.save()
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A PDF with drawings but no text layer, like a scan."""
    from reportlab.pdfgen import canvas

    document = canvas.Canvas(str(path))
    document.rect(100, 100, 300, 400, fill=1)
    document.showPage()
    document.save()
    return path


def make_docx(path: Path, heading: str, pages: Sequence[Sequence[str]], table: Sequence[Sequence[str]] = ()):
    """A Word document: a heading, paragraphs, hard page breaks between pages, and an optional table."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.add_heading(heading, level=1)
    for number, paragraphs in enumerate(pages):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for text in paragraphs:
            document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(str(path))
    return path


LOAN_TOPICS = {
    "escrow": "An escrow account holds money for property taxes and homeowners insurance. "
    "Your servicer pays those bills from escrow on your behalf each year.",
    "pmi": "Private mortgage insurance protects the lender when the down payment is below twenty percent. "
    "You can ask to cancel PMI once you reach twenty percent equity in the home.",
    "apr": "The annual percentage rate includes the interest rate plus lender fees and points, "
    "so it shows the yearly cost of borrowing better than the rate alone.",
}


def long_text(words: int, seed: int = 0) -> str:
    """Deterministic prose-like text with paragraphs, for chunking."""
    rng = np.random.default_rng(seed)
    vocabulary = [
        "loan",
        "rate",
        "escrow",
        "payment",
        "principal",
        "interest",
        "borrower",
        "lender",
        "closing",
        "appraisal",
        "equity",
        "term",
        "insurance",
        "credit",
        "score",
        "income",
        "debt",
        "ratio",
        "amortization",
        "schedule",
        "balance",
        "fee",
    ]
    sentences, sentence = [], []
    for index in range(words):
        sentence.append(str(rng.choice(vocabulary)))
        if len(sentence) >= 12:
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
        if index % 150 == 149:
            sentences.append("\n\n")
    return " ".join(sentences).replace(" \n\n ", "\n\n").strip()
