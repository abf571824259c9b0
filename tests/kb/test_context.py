"""The header a chunk is ranked with: its document's title as words, borrowers' abbreviations, "sample form"."""

import pytest

from kb.context import document_context, is_filled_form, readable_title

FORM = [f"Fee number {n} ${n * 100}" for n in range(30)] + ["Loan Estimate", "Save this Loan Estimate."]
EXPLAINER = [f"Sentence {n} explains a term of the loan in words a borrower can follow." for n in range(30)]


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("adjustable_rate_loan_estimate.pdf", "adjustable rate loan estimate"),
        ("closing-disclosure_closing-disclosure-1", "closing disclosure 1"),
        ("loan-options_FHA-loans_index", "loan options FHA loans"),
        ("index", "index"),
        ("Servicing Handbook", "Servicing Handbook"),
    ],
)
def test_a_file_name_title_reads_as_words_each_once(title, words):
    assert readable_title(title) == words


def test_a_filled_in_form_is_many_short_label_and_figure_lines():
    assert is_filled_form(FORM)
    assert not is_filled_form(EXPLAINER)
    assert not is_filled_form(FORM[:5])  # too few lines to tell


def test_the_header_adds_the_abbreviation_and_calls_a_form_a_sample():
    assert document_context("adjustable_rate_loan_estimate.pdf", True) == (
        "adjustable rate loan estimate, ARM, sample form"
    )
    assert document_context("What is an ARM? Adjustable rate loans") == "What is an ARM? Adjustable rate loans"
    assert document_context("escrow_basics.txt") == "escrow basics"
