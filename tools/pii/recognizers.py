"""The Presidio recognizers added for identifiers other than names: offline e-mail validation, dates of birth,
loan numbers, driver's licences, spelled-out e-mails, cued phone numbers, grouped account numbers and street
addresses (see `tools.pii.name_recognizers` for names)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import tldextract
from presidio_analyzer import LocalRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from tools.pii.patterns import (
    ADDRESS_BLOCK_TAIL_REGEX,
    CUED_PHONE_REGEX,
    DATE_OF_BIRTH_RE,
    DRIVER_LICENSE_CONTEXT,
    DRIVER_LICENSE_REGEXES,
    HUNGARIAN_STREET_REGEX,
    LOAN_CONTEXT,
    LOAN_NUMBER_BARE_REGEX,
    LOAN_NUMBER_PREFIXED_REGEX,
    LOWER_CASE_STREET_REGEX,
    LOWER_NUMBERED_STREET_ST_REGEX,
    LOWER_STREET_PARTICLES,
    LOWER_STREET_TYPES,
    LOWERCASE_ADDRESS_REGEX,
    LOWERCASE_PO_BOX_REGEX,
    MILITARY_ADDRESS_REGEX,
    NAME_NUMBER_STREET_REGEX,
    NAMED_STREET_NUMBER_REGEX,
    NUMBERED_STREET_REGEX,
    NUMBERED_STREET_TYPE_FIRST_REGEX,
    PHONE_CONTEXT,
    PLACE_NAME_NUMBER_REGEX,
    PO_BOX_REGEX,
    RURAL_ROUTE_REGEX,
    SPELLED_EMAIL_REGEX,
    STATE_ZIP_REGEX,
    STREET_ADDRESS_REGEX,
    STREET_AFTER_PREPOSITION_REGEX,
    STREET_NAME_FIRST_REGEX,
    SUFFIX_STREET_NUMBER_REGEX,
    SUFFIX_STREET_REGEX,
    UNIT_REGEX,
)
from tools.pii.settings import LANGUAGE
from tools.pii.words import _LOWER_VOCABULARY_WORDS, _english_word, _is_common_word


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, validating domains with tldextract's bundled suffix list only.

    The stock recognizer calls ``tldextract.extract``, which downloads the Public Suffix List on first use.
    """

    _extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def validate_result(self, pattern_text: str) -> bool:
        return self._extractor(pattern_text).fqdn != ""


class _RegexRecognizer(LocalRecognizer):
    """A recognizer of one entity type made of compiled regular expressions, named after its class."""

    entity_type: str

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.entity_type], supported_language=LANGUAGE, name=type(self).__name__)

    def load(self) -> None:
        """Nothing to load: the expressions are compiled with the class."""


class DateOfBirthRecognizer(_RegexRecognizer):
    """A date counts as personal data when the text introduces it as a birth date ("DOB: 04/12/1985").

    Other dates (closing dates, rate-lock expiry, plain years) carry no identity and stay readable.
    """

    entity_type = "DATE_OF_BIRTH"

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            RecognizerResult(self.entity_type, match.start("date"), match.end("date"), 0.85)
            for match in DATE_OF_BIRTH_RE.finditer(text)
        ]


def _pattern_recognizer(
    entity: str, name: str, patterns: list[Pattern], context: Sequence[str] = (), **options: Any
) -> PatternRecognizer:
    """Presidio's regex recognizer for our language; `context` words lift a weak pattern's score when they are near."""
    return PatternRecognizer(
        supported_entity=entity,
        name=name,
        patterns=patterns,
        context=list(context),
        supported_language=LANGUAGE,
        **options,
    )


def _loan_number_recognizer() -> PatternRecognizer:
    return _pattern_recognizer(
        "LOAN_NUMBER",
        "LoanNumberRecognizer",
        [
            Pattern("Prefixed loan or application number", LOAN_NUMBER_PREFIXED_REGEX, 0.6),
            Pattern("Digits named a loan or application number", LOAN_NUMBER_BARE_REGEX, 0.1),
        ],
        LOAN_CONTEXT,
    )


def _driver_license_recognizer() -> PatternRecognizer:
    return _pattern_recognizer(
        "US_DRIVER_LICENSE",
        "StateDriverLicenseRecognizer",
        [Pattern(f"State licence format {n}", regex, 0.1) for n, regex in enumerate(DRIVER_LICENSE_REGEXES)],
        DRIVER_LICENSE_CONTEXT,
    )


def _spelled_email_recognizer() -> PatternRecognizer:
    return _pattern_recognizer(
        "EMAIL_ADDRESS",
        "SpelledOutEmailRecognizer",
        [Pattern("E-mail spelled out with at/dot", SPELLED_EMAIL_REGEX, 0.6)],
    )


class PhoneCueRecognizer(_RegexRecognizer):
    """Phone numbers announced by words Presidio's context enhancer cannot use: "call me on 9472 7916" ("call" is
    a spaCy stop word, which the enhancer skips), "my registered 668 5702", "messages to 99 668472", and a label
    after the number ("416 60 039 office", "...-Fax"), and a contact card's label ("mobile: 99 577450")."""

    entity_type = "PHONE_NUMBER"

    _number = (
        r"(?P<number>(?:(?:\+\d{1,3}[ -]?)?(?:\(\d{1,4}\)\s?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}"
        r"|\d{2,4}[ .-]\d{5,8}|\d{7,12})"
        r"(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,5})?)"  # an extension: "+1-903-140-4508x769 office"
    )
    # "my registered 668 5702" and "messages to 99 668472": the number a service texts is a phone number
    _before = re.compile(
        r"(?i:\b(?:call|text|reach|ring)\s+(?:me|us|him|her)\s+(?:on|at)|\banswering\s+at|"
        r"\bmy\s+registered|\b(?:messages?|sms|texts)\s+(?:to|on|at))\s+" + _number + r"\b"
    )
    _after = re.compile(_number + r"(?:\s*-\s*|\s+)(?i:office|fax|mobile|cell)\b")
    # A contact card's label and colon ("mobile: 99 577450", "Fax: 22 6844123"): the stock pattern and the cued
    # digit groups take two to four digits a group, so a six-digit group after the label went unmatched.
    _label = re.compile(
        r"(?i:\b(?:mobile|cell|phone|tel|telephone|desk|fax|home|work)(?:[ \t]+(?:phone|number|no\.?|#))?[ \t]*:[ \t]*)"
        + _number
        + r"\b"
    )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            RecognizerResult(self.entity_type, match.start("number"), match.end("number"), 0.6)
            for pattern in (self._before, self._after, self._label)
            for match in pattern.finditer(text)
            # seven digits at least: a score band or a short reference is no number to call
            if sum(c.isdigit() for c in match.group("number")) >= 7
        ]


# North American toll-free prefixes: a business's or an agency's line ("call the CFPB at (855) 411-2372", the
# opt-out line 1-888-567-8688 in the closing checklist), never a borrower's own number.
_TOLL_FREE = re.compile(r"^1?(?:800|833|844|855|866|877|888)\d{7}$")


def is_public_number(text: str, start: int, end: int) -> bool:
    """A "phone number" that identifies nobody: a toll-free line, or a range of percentages ("Chosen by 25-30% of
    buyers")."""
    digits = re.sub(r"\D", "", text[start:end])
    return bool(_TOLL_FREE.match(digits)) or text[end : end + 1] == "%"


def _cued_phone_recognizer() -> PatternRecognizer:
    return _pattern_recognizer(
        "PHONE_NUMBER",
        "CuedPhoneRecognizer",
        [Pattern("Digit groups named a phone number", CUED_PHONE_REGEX, 0.1)],
        PHONE_CONTEXT,
    )


def _spaced_account_recognizer() -> PatternRecognizer:
    """Account numbers typed in groups ("9911 2233 4455"), which Presidio's UsBankRecognizer (one digit run) misses."""
    return _pattern_recognizer(
        "US_BANK_NUMBER",
        "GroupedAccountNumberRecognizer",
        [Pattern("Account number in digit groups", r"\b\d{3,6}(?:[ -]\d{3,6}){1,3}\b", 0.1)],
        ["account", "acct", "checking", "savings", "bank", "deposit"],
    )


def _street_address_recognizer() -> PatternRecognizer:
    # Case-sensitive on purpose: street names are capitalised, which keeps "30 years" or "2 credit cards" out.
    return _pattern_recognizer(
        "STREET_ADDRESS",
        "UsStreetAddressRecognizer",
        [
            Pattern("US street address", STREET_ADDRESS_REGEX, 0.7),
            Pattern("Street address in lower case", LOWERCASE_ADDRESS_REGEX, 0.6),
            Pattern("PO box with city, state and ZIP", LOWERCASE_PO_BOX_REGEX, 0.7),
            Pattern("County road or route", RURAL_ROUTE_REGEX, 0.6),
            Pattern("Number, street, number", NUMBERED_STREET_REGEX, 0.45),
            Pattern("Street type, name, number", STREET_NAME_FIRST_REGEX, 0.5),
            Pattern("Number, street type, name", NUMBERED_STREET_TYPE_FIRST_REGEX, 0.5),
            Pattern("Name and number near a place word", NAME_NUMBER_STREET_REGEX, 0.1),
            Pattern("Street name, number, St.", NAMED_STREET_NUMBER_REGEX, 0.5),
            Pattern("Street name after a preposition", STREET_AFTER_PREPOSITION_REGEX, 0.5),
            Pattern("Unit line to the postcode", ADDRESS_BLOCK_TAIL_REGEX, 0.5),
            Pattern("PO box", PO_BOX_REGEX, 0.7),
            Pattern("Military address", MILITARY_ADDRESS_REGEX, 0.7),
            Pattern("Apartment or suite", UNIT_REGEX, 0.5),
            Pattern("State and ZIP code", STATE_ZIP_REGEX, 0.5),
        ],
        [
            "address",
            "live",
            "lives",
            "living",
            "street",
            "property",
            "located",
            "mail",
            "corner",
            "deliver",
            "send",
        ],
        global_regex_flags=re.MULTILINE,
    )


class ForeignStreetRecognizer(PatternRecognizer):
    """Streets whose name holds the street word ("255 hersnapvej 18", "Vesterskovvej 79"), lower-case streets that
    end in "st." ("74678 midtvollen 130 st."), and a name and number after "at"/"to" ("Meet me at Jahu 80"); a match
    is dropped when a word of the name is English, a stop word or a lending term, so amounts around ordinary words
    ("1450 rent 200", "at Chase 2") stay."""

    def __init__(self, english_words: frozenset[str] = frozenset()) -> None:
        patterns = [
            Pattern("Number, street with its street word, number", SUFFIX_STREET_REGEX, 0.5),
            Pattern("Number, lower-case street, number, st.", LOWER_NUMBERED_STREET_ST_REGEX, 0.5),
            Pattern("Street with its street word, number", SUFFIX_STREET_NUMBER_REGEX, 0.5),
            Pattern("Unknown name and number after at/to/on/from", PLACE_NAME_NUMBER_REGEX, 0.45),
            Pattern("Name, Hungarian street word, number", HUNGARIAN_STREET_REGEX, 0.5),
        ]
        super().__init__(
            "STREET_ADDRESS",
            patterns=patterns,
            name=type(self).__name__,
            supported_language=LANGUAGE,
            global_regex_flags=re.MULTILINE,  # case-sensitive: the patterns' capitals and lower case are meant
        )
        self.english_words = english_words

    def invalidate_result(self, pattern_text: str) -> bool:
        words = re.findall(r"[^\W\d_][\w'’-]*", pattern_text)[
            : -1 if pattern_text.endswith(("st.", "street")) else None
        ]
        words = [word for word in words if word not in ("út", "útja", "utca", "körút", "tér", "u")]
        return any(
            _is_common_word(word) or word in _LOWER_VOCABULARY_WORDS or _english_word(word, self.english_words)
            for word in words
        )


# Units and comparisons between two figures ("1200 sqft 2 bedroom", "2015 versus 2033", "5 non-call 3").
_MEASURE_WORDS = frozenset(
    "sqft sq ft km mi kg lbs yr yrs mo mos pct bps usd eur gbp versus vs non-call".split()  # noqa: SIM905
)


class LowerCaseStreetRecognizer(PatternRecognizer):
    """A street typed all in lower case between its numbers ("688 rue du centre 320", "46 velký průhon 426",
    "5670 r josé a madeira 1 suite 696"), which the capitalised street patterns cannot see. Kept only when a word
    is a street word ("rue", "trg", "avenida") or every word of the name is in no dictionary; a stop word or a
    lending term anywhere drops it, so "2 kids 3", "30 year fixed 6" or "1500 a month 200" stay."""

    def __init__(self, english_words: frozenset[str] = frozenset()) -> None:
        super().__init__(
            "STREET_ADDRESS",
            patterns=[Pattern("Lower-case street between its numbers", LOWER_CASE_STREET_REGEX, 0.5)],
            name=type(self).__name__,
            supported_language=LANGUAGE,
            global_regex_flags=re.MULTILINE,  # case-sensitive: only lower-case words match
        )
        self.english_words = english_words

    def invalidate_result(self, pattern_text: str) -> bool:
        street = re.split(r"\b(?:apt|suite|unit|ste)\b", pattern_text)[0]
        if re.search(r"[^\W\d_]{4,}\.\s", street):
            return True  # a sentence's end ("ontvangt u 2 brandpunten. 100 ..."); abbreviations are shorter ("av.")
        words = [word.rstrip(".") for word in re.findall(r"[^\W\d_][\w'’.-]*", street)]
        typed = any(word in LOWER_STREET_TYPES for word in words)
        name = [word for word in words if word not in LOWER_STREET_TYPES and word not in LOWER_STREET_PARTICLES]
        if not name or any(
            len(word) < 3
            or word in _LOWER_VOCABULARY_WORDS
            or word in _MEASURE_WORDS
            or (_is_common_word(word) and not typed)
            for word in name
        ):
            return True
        if typed:
            return False
        return not any(len(word) > 3 for word in name) or any(_english_word(word, self.english_words) for word in name)
