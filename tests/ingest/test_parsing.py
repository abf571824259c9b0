"""Parsing turns each supported type into titled, page-numbered text, and refuses bad files politely."""

from __future__ import annotations

from pathlib import Path

import pytest
from docfactory import LOAN_TOPICS, make_docx, make_image_only_pdf, make_pdf

from apfa.settings import Settings
from ingest.parsing import (
    CorruptDocumentError,
    EmptyDocumentError,
    FileTooLargeError,
    IngestError,
    UnsupportedFileError,
    UploadLimits,
    parse_file,
)


def _assert_user_readable(error: IngestError, filename: str) -> None:
    message = str(error)
    assert filename in message
    assert "Traceback" not in message and "Error" not in message
    assert message.endswith(".")


def test_pdf_keeps_one_based_pages_and_metadata_title(tmp_path: Path):
    pdf = make_pdf(tmp_path / "guide.pdf", [LOAN_TOPICS["escrow"], LOAN_TOPICS["pmi"]], title="Homebuyer Guide")

    parsed = parse_file(pdf, "guide.pdf")

    assert parsed.title == "Homebuyer Guide"
    assert parsed.mime == "application/pdf"
    assert [page.number for page in parsed.pages] == [1, 2]
    assert "escrow account" in parsed.pages[0].text
    assert "Private mortgage insurance" in parsed.pages[1].text


def test_pdf_without_title_falls_back_to_the_file_name(tmp_path: Path):
    pdf = make_pdf(tmp_path / "upload-123.pdf", [LOAN_TOPICS["apr"]])

    assert parse_file(pdf, "My Rate Sheet.pdf").title == "My Rate Sheet"


def test_pdf_page_numbers_skip_blank_pages_but_stay_true(tmp_path: Path):
    pdf = make_pdf(tmp_path / "gaps.pdf", [LOAN_TOPICS["escrow"], "", LOAN_TOPICS["apr"]])

    assert [page.number for page in parse_file(pdf).pages] == [1, 3]


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("statement.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage without xref"),
        ("fake.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_damaged_file_is_reported_as_damaged(tmp_path: Path, filename: str, content: bytes):
    damaged = tmp_path / f"upload{Path(filename).suffix}"
    damaged.write_bytes(content)

    with pytest.raises(CorruptDocumentError) as caught:
        parse_file(damaged, filename)
    _assert_user_readable(caught.value, filename)


def test_truncated_pdf_is_reported_as_damaged(tmp_path: Path):
    whole = make_pdf(tmp_path / "whole.pdf", [LOAN_TOPICS["pmi"]] * 3).read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(whole[: len(whole) // 3])

    with pytest.raises((CorruptDocumentError, EmptyDocumentError)) as caught:
        parse_file(truncated, "truncated.pdf")
    _assert_user_readable(caught.value, "truncated.pdf")


def test_scanned_pdf_without_text_layer_is_empty_with_a_hint(tmp_path: Path):
    with pytest.raises(EmptyDocumentError) as caught:
        parse_file(make_image_only_pdf(tmp_path / "scan.pdf"), "scan.pdf")
    assert "scanned" in str(caught.value)
    _assert_user_readable(caught.value, "scan.pdf")


def test_docx_splits_on_page_breaks_and_takes_the_heading_as_title(tmp_path: Path):
    docx_path = make_docx(
        tmp_path / "notes.docx",
        "Refinancing Notes",
        [["First page about escrow."], ["Second page about PMI."]],
        table=[["Rate", "6.5%"], ["Term", "30 years"]],
    )

    parsed = parse_file(docx_path, "notes.docx")

    assert parsed.title == "Refinancing Notes"
    assert len(parsed.pages) == 2
    assert "escrow" in parsed.pages[0].text and "PMI" not in parsed.pages[0].text
    assert "Second page about PMI." in parsed.pages[1].text
    assert "Rate | 6.5%" in parsed.pages[1].text


def test_html_drops_scripts_styles_and_navigation(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Closing Costs Explained</title><style>p{color:red}</style></head>"
        "<body><nav>Home | Rates | Login</nav><h1>Costs</h1><script>trackUser()</script>"
        "<p>Closing costs are usually 2 to 5 percent of the loan amount.</p></body></html>",
        encoding="utf-8",
    )

    parsed = parse_file(page)

    assert parsed.title == "Closing Costs Explained"
    text = parsed.pages[0].text
    assert "Closing costs are usually 2 to 5 percent" in text
    assert "trackUser" not in text and "color:red" not in text and "Login" not in text


def test_html_title_falls_back_to_h1(tmp_path: Path):
    page = tmp_path / "page.htm"
    page.write_text("<body><h1>FHA Loans</h1><p>Lower down payments.</p></body>", encoding="utf-8")

    assert parse_file(page).title == "FHA Loans"


def test_markdown_title_is_the_first_heading(tmp_path: Path):
    note = tmp_path / "va.md"
    note.write_text("Intro line\n\n## VA Loans for Veterans\n\nNo down payment needed.\n", encoding="utf-8")

    parsed = parse_file(note)

    assert parsed.title == "VA Loans for Veterans"
    assert parsed.mime == "text/markdown"
    assert "No down payment needed." in parsed.pages[0].text


def test_text_file_uses_stem_and_survives_legacy_encodings(tmp_path: Path):
    note = tmp_path / "budget.txt"
    note.write_bytes("Caf\xe9 budget: \xa3200 a month\r\nsecond line".encode("latin-1"))

    parsed = parse_file(note)

    assert parsed.title == "budget"
    assert parsed.pages[0].text == "Café budget: £200 a month\nsecond line"


def test_empty_file_is_refused(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    with pytest.raises(EmptyDocumentError) as caught:
        parse_file(empty)
    _assert_user_readable(caught.value, "empty.txt")


def test_whitespace_only_file_is_refused(tmp_path: Path):
    blank = tmp_path / "blank.md"
    blank.write_text("   \n\n\t\n", encoding="utf-8")

    with pytest.raises(EmptyDocumentError):
        parse_file(blank)


def test_unsupported_type_lists_what_is_supported(tmp_path: Path):
    sheet = tmp_path / "numbers.xlsx"
    sheet.write_bytes(b"PK\x03\x04")

    with pytest.raises(UnsupportedFileError) as caught:
        parse_file(sheet)
    message = str(caught.value)
    assert "numbers.xlsx" in message
    for kind in ("PDF", "DOCX", "TXT", "MD", "HTML"):
        assert kind in message


def test_oversize_file_is_refused_with_explicit_limit(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 2048, encoding="utf-8")

    with pytest.raises(FileTooLargeError) as caught:
        parse_file(big, limits=UploadLimits(max_bytes=1024))
    _assert_user_readable(caught.value, "big.txt")


def test_oversize_limit_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("APFA_MAX_UPLOAD_MB", "1")
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF" + b"0" * (1024 * 1024 + 1))

    with pytest.raises(FileTooLargeError) as caught:
        parse_file(big, limits=UploadLimits.from_settings(Settings()))
    assert "1.0 MB" in str(caught.value)


def test_the_default_limits_are_the_shipped_settings():
    assert UploadLimits() == UploadLimits.from_settings(Settings())
