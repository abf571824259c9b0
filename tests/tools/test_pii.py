"""PII guard: what gets redacted, what must stay readable, and that nothing touches the network.

Most cases sit in three tables (tests/data/pii_cases.json), each grouped by the reason the guard could get them
wrong; the reason and the text name each case's test id."""

import logging
import socket
from pathlib import Path

import pytest
import tldextract
from pii_tables import as_params, found, load_tables

from tools import pii
from tools.pii import engine as pii_engine
from tools.pii import logs as pii_logs
from tools.pii.recognizers import OfflineEmailRecognizer


@pytest.fixture(scope="module", autouse=True)
def engines():
    return pii.get_engines()


CASES = load_tables("pii_cases.json")
# Each identifier found as its type, whole: [text, value, type].
IDENTIFIERS: dict[str, list[list[str]]] = CASES["identifiers"]
# Personal data the guard must remove, in pieces that must not survive: [text, values].
REMOVED: dict[str, list[list]] = CASES["removed"]
# Text with no personal data, which the guard must return as typed.
LEFT_AS_TYPED: dict[str, list[str]] = CASES["left_as_typed"]


@pytest.mark.parametrize(("text", "value", "entity_type"), as_params(IDENTIFIERS))
def test_identifiers_are_found_whole_and_replaced_by_their_type(text, value, entity_type):
    redaction = pii.redact(text)
    assert found(text).get(value) == entity_type
    assert value not in redaction.text
    assert f"<{entity_type}_1>" in redaction.text


@pytest.mark.parametrize(("text", "values"), as_params(REMOVED))
def test_personal_data_is_removed(text, values):
    redacted = pii.redact_text(text)
    assert not [value for value in values if value in redacted], redacted


@pytest.mark.parametrize("text", as_params(LEFT_AS_TYPED))
def test_text_without_personal_data_is_left_as_typed(text):
    assert pii.redact(text) == pii.Redaction(text, [])


def test_numbered_placeholders_reuse_the_same_number_for_the_same_value():
    text = "John Smith and Mary Jones co-sign. John Smith earns more."
    redaction = pii.redact(text)
    assert redaction.text == "<PERSON_1> and <PERSON_2> co-sign. <PERSON_1> earns more."
    assert [entity.placeholder for entity in redaction.entities] == ["<PERSON_1>", "<PERSON_2>", "<PERSON_1>"]
    first = redaction.entities[0]
    assert (first.type, text[first.start : first.end]) == ("PERSON", "John Smith")


def test_engine_is_built_once_per_process(engines):
    assert pii.get_engines() is engines
    assert pii.warm_up() == engines.warmup_seconds > 0


def test_redact_for_log_hides_values():
    logged = pii.redact_for_log("Jane Doe, SSN 536-22-8726, asked about a $400,000 loan.")
    assert "Jane Doe" not in logged and "536-22-8726" not in logged
    assert "$400,000" in logged


def test_redact_for_log_never_falls_back_to_raw_text(monkeypatch):
    def broken(text):
        raise RuntimeError("engine unavailable")

    monkeypatch.setattr(pii_logs, "redact", broken)
    logged = pii.redact_for_log("Jane Doe 536-22-8726")
    assert "Jane" not in logged and "536" not in logged


def test_no_network_connection_is_attempted(monkeypatch):
    attempts = []

    def refuse_connect(self, address):
        attempts.append(address)
        raise OSError("network disabled in tests")

    def refuse_lookup(host, *args, **kwargs):
        attempts.append(host)
        raise socket.gaierror("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    monkeypatch.setattr(pii_engine, "_engines", None)
    monkeypatch.setattr(
        OfflineEmailRecognizer, "_extractor", tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    )
    redaction = pii.redact("Email jane.doe@example.co.uk or visit www.example.com, I'm Jane Doe.")
    assert "<EMAIL_ADDRESS_1>" in redaction.text
    assert attempts == []

    tldextract.TLDExtract(cache_dir=None)("jane.doe@example.co.uk")
    assert attempts, "the guard must notice the stock extractor's download attempt"


def test_presidios_own_log_records_are_withheld_because_they_quote_the_analysed_text():
    record = logging.LogRecord(
        "presidio-analyzer", logging.DEBUG, __file__, 1, "Context list is: %s account number", ("000123456789",), None
    )
    pii.RedactingLogFilter().filter(record)
    assert "000123456789" not in record.getMessage() and "withheld" in record.getMessage()


def test_the_name_list_takes_no_english_word_from_a_forms_headings():
    """ "Fee", "Holder", "Line" are Census surnames or first names elsewhere; in a form they are words."""
    engines = pii.get_engines()
    census = next(r for r in engines.analyzer.registry.recognizers if r.name == "CensusNameRecognizer")
    text = "Processing Fee. Pay the Note Holder. Copy Line F. Settle before you Close. Low rates."
    artifacts = engines.analyzer.nlp_engine.process_text(text, pii.LANGUAGE)
    assert census.analyze(text, ["PERSON"], artifacts) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Is there a better crafted pop song on this list? Usamov and Bowers were precision engineers.", ["Usamov"]),
        ("They had 6: Matheus, Janet, Nicholas, Kevin, Brittany and Terri.", ["Matheus"]),
        ("they had 6: silvana, adam, christopher, kristina, chad and caleb.", ["adam", "chad", "caleb"]),
    ],
)
def test_words_enumerated_with_a_name_are_names(text, names):
    redacted = pii.redact_text(text)
    assert not [name for name in names if f" {name}" in redacted or f"{name}," in redacted], redacted


def test_an_enumeration_keeps_its_case_and_its_verbs():
    """ "Said" is a first name, but lower case after a capitalised name it is the verb."""
    text = "Kristíana Valbergsdóttir, the Cinematographer, said: it was withdrawn"
    assert ", said:" in pii.redact_text(text)


def test_speaker_labels_next_to_a_named_speaker_are_names():
    text = "Ella: What a wife.\nDestiny: Remember me, Maria?\nLeverett: You saved my life!"
    redacted = pii.redact_text(text)
    assert "Destiny" not in redacted and "Leverett" not in redacted


def test_a_listed_surname_that_is_a_word_is_not_enumerated_into_a_name():
    """ "Sales" and "Small" are Census surnames; capitalised beside a name they are still words."""
    assert "Wash Sales" in pii.redact_text("Wash Sales and Day Trading")


def test_a_decade_is_not_a_house_number():
    text = "see Guilty Pleasures: 5 Musicians Of The 70s You're Supposed To Hate"
    assert "5 Musicians Of The 70s" in pii.redact_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "we rent at 3300 Oak Lawn Ave Apt 512\nincome is 6500 a month\nscore 720",
        "we rent at 3300 Oak Lawn Ave Apt 512\nI pay 1450",
        "We live at 12 Oak St, Dayton, Ohio, income 85000",
    ],
)
def test_amounts_on_the_lines_after_an_address_stay(text):
    redacted = pii.redact_text(text)
    assert "<STREET_ADDRESS_1>" in redacted
    assert all(amount in redacted for amount in ("6500", "720", "1450", "85000") if amount in text)


def test_a_lone_i_after_a_lower_case_name_is_no_initial():
    assert pii.redact_text("my name is maria and i want a loan") == "my name is <PERSON_1> and i want a loan"


def test_a_verb_after_a_lower_case_name_is_not_enumerated():
    assert pii.redact_text("my realtor, jen, said we should offer 410000") == (
        "my realtor, <PERSON_1>, said we should offer 410000"
    )


CFPB_TEXT = Path(__file__).resolve().parents[3] / "shared/data/cfpb_mortgage_docs/text"


@pytest.mark.skipif(not CFPB_TEXT.exists(), reason="the CFPB documents live in the shared data directory")
def test_the_cfpb_documents_keep_their_ordinary_words():
    """Shared documents are redacted before chunking; the small model reads many form headings as people."""
    words = {"Borrower", "Check", "Principal", "Seller", "Lender", "Appraisal", "Paid", "Credit", "Cancel", "Learn"}
    lost = set()
    for path in CFPB_TEXT.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        lost |= {text[e.start : e.end] for e in pii.redact(text).entities} & words
    assert not lost


@pytest.mark.parametrize(
    "text",
    [
        "Priya Shah priya.shah@gmail.com 415-555-0100 wants a quote on 300000",
        "Sandra Ortiz sandra.ortiz@gmail.com wants a quote",
    ],
)
def test_a_name_followed_by_its_e_mail_address_is_redacted_as_both(text):
    """The name's echo inside the address must not join the two and lose the name with the overlap."""
    types = sorted(found(text).values())
    assert "PERSON" in types and "EMAIL_ADDRESS" in types


def test_a_surname_that_is_a_word_is_repeated_only_as_written():
    redacted = pii.redact_text("Ivan P. Frost scraped the frost off; Frost was late")
    assert redacted == "<PERSON_1> scraped the frost off; <PERSON_2> was late"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("When comparing Loan Estimates, make sure to compare the origination charges.", "Loan Estimates"),
        ("Borrower shall act in accordance with Environmental Law.", "Environmental Law"),
        ("in violation of any Applicable Law, or", "Applicable Law"),
        ("The Note Holder will use my Prepayments to reduce the Principal.", "The Note Holder"),
        ("Loan Amount $211,000 NO\nInterest Rate 4% YES", "$211,000 NO\nInterest Rate 4%"),
        ("CFPB data on loans made in 2006-2009 show the pattern", "2006-2009"),
    ],
)
def test_a_document_s_defined_terms_amounts_and_years_stay(text, kept):
    """Found in the shared CFPB documents: a plural or articled lending term, a defined term of the note, the tail
    of an amount on a Loan Estimate, a span of years near 'loans' were redacted, and answers quoted placeholders."""
    assert kept in pii.redact(text).text


@pytest.mark.parametrize(
    "text",
    ["my loan number is 2006-2009-44", "I live at 450 Præstevænget 15", "Contact Michael Jones about the Note"],
)
def test_the_look_alikes_of_those_terms_are_still_redacted(text):
    assert pii.redact(text).entities
