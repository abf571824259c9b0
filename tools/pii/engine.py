"""The Presidio engines (built once per process, thread-safe), analysis, and `redact`: entities replaced by
numbered placeholders."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from presidio_analyzer import AnalyzerEngine, Pattern, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_analyzer.predefined_recognizers import AbaRoutingRecognizer, CreditCardRecognizer
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.entities import RecognizerResult as AnonymizerRecognizerResult

from tools.pii.name_recognizers import CensusNameRecognizer, NameCueRecognizer
from tools.pii.patterns import AMOUNT_REGEXES, CARD_NUMBER_REGEX
from tools.pii.recognizers import (
    DateOfBirthRecognizer,
    ForeignStreetRecognizer,
    LowerCaseStreetRecognizer,
    OfflineEmailRecognizer,
    PhoneCueRecognizer,
    _cued_phone_recognizer,
    _driver_license_recognizer,
    _loan_number_recognizer,
    _spaced_account_recognizer,
    _spelled_email_recognizer,
    _street_address_recognizer,
)
from tools.pii.resolution import _resolve
from tools.pii.settings import ENTITIES, LANGUAGE, SCORE_THRESHOLD, SPACY_MODEL
from tools.pii.words import ALLOW_LIST, _english_words
from tools.placeholders import placeholder


@dataclass(frozen=True)
class PiiEntity:
    """Where an entity was found in the original text and what replaced it (the value itself is not kept)."""

    type: str
    start: int
    end: int
    placeholder: str


@dataclass(frozen=True)
class Redaction:
    text: str
    entities: list[PiiEntity]


@dataclass
class _Engines:
    analyzer: AnalyzerEngine
    anonymizer: AnonymizerEngine
    allow_list_regex: list[str]
    warmup_seconds: float
    english_words: frozenset[str] = frozenset()
    listed_name: Callable[[str], bool] = lambda word: False


_engines: _Engines | None = None
_engines_lock = threading.Lock()
_building = threading.local()  # set in the thread that is building the engines


def _build_engines() -> _Engines:
    started = time.perf_counter()
    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": LANGUAGE, "model_name": SPACY_MODEL}],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": {
                    "PERSON": "PERSON",
                    "PER": "PERSON",
                    "NORP": "NRP",
                    "ORG": "ORGANIZATION",
                    "DATE": "DATE_TIME",
                    "TIME": "DATE_TIME",
                },
                "low_confidence_score_multiplier": 0.4,
                "low_score_entity_names": [],
                # Places are not sought: a city or state identifies nobody, and the small model tags "LE",
                # card brands and job titles as places. Street addresses have their own recognizer.
                "labels_to_ignore": [
                    "GPE",
                    "LOC",
                    "FAC",
                    "ORG",
                    "ORGANIZATION",
                    "NORP",
                    "NRP",
                    "DATE",
                    "TIME",
                    "CARDINAL",
                    "EVENT",
                    "LANGUAGE",
                    "LAW",
                    "MONEY",
                    "ORDINAL",
                    "PERCENT",
                    "PRODUCT",
                    "QUANTITY",
                    "WORK_OF_ART",
                ],
            },
        }
    ).create_engine()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp_engine)
    registry.remove_recognizer("EmailRecognizer")
    registry.add_recognizer(OfflineEmailRecognizer())
    registry.add_recognizer(_street_address_recognizer())
    registry.add_recognizer(DateOfBirthRecognizer())
    english_words = _english_words(nlp_engine)
    registry.add_recognizer(NameCueRecognizer(english_words))
    census = CensusNameRecognizer(english_words)
    registry.add_recognizer(census)
    registry.add_recognizer(ForeignStreetRecognizer(english_words))
    registry.add_recognizer(LowerCaseStreetRecognizer(english_words))
    registry.add_recognizer(_loan_number_recognizer())
    registry.add_recognizer(_driver_license_recognizer())
    registry.add_recognizer(_spelled_email_recognizer())
    registry.add_recognizer(_cued_phone_recognizer())
    registry.add_recognizer(PhoneCueRecognizer())
    # Not in the default registry; its ABA checksum makes a valid routing number certain, context or not.
    registry.add_recognizer(AbaRoutingRecognizer())
    registry.add_recognizer(_spaced_account_recognizer())
    registry.add_recognizer(
        CreditCardRecognizer(
            patterns=[Pattern("Card number, any issuer", CARD_NUMBER_REGEX, 0.3)],
            name="AnyIssuerCardRecognizer",
        )
    )
    analyzer = AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        default_score_threshold=SCORE_THRESHOLD,
    )
    # a term as the text has it: with its article or in the plural ("the Note Holder", "Loan Estimates")
    terms = "|".join(re.escape(term) for term in ALLOW_LIST)
    allow_list_regex = [rf"^(?:the\s+)?(?:{terms})s?$", *AMOUNT_REGEXES]
    engines = _Engines(analyzer, AnonymizerEngine(), allow_list_regex, 0.0, english_words, census.in_lists)
    _analyze(engines, "Warm-up: John Smith at 123 Main St, john@example.com.")
    engines.warmup_seconds = time.perf_counter() - started
    return engines


def get_engines() -> _Engines:
    """The process-wide analyzer/anonymizer pair, built on first use (thread-safe)."""
    global _engines
    if _engines is None:
        with _engines_lock:
            if _engines is None:
                _building.active = True  # Presidio logs while loading; the log filter must not wait for us
                try:
                    _engines = _build_engines()
                finally:
                    _building.active = False
    return _engines


def warm_up() -> float:
    """Build the engines now (e.g. at server start) and return how many seconds that took."""
    return get_engines().warmup_seconds


def _analyze(engines: _Engines, text: str) -> list[RecognizerResult]:
    return engines.analyzer.analyze(
        text=text,
        language=LANGUAGE,
        entities=list(ENTITIES),
        score_threshold=SCORE_THRESHOLD,
        allow_list=engines.allow_list_regex,
        allow_list_match="regex",
    )


def _normalise_value(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().casefold()


def redact(text: str) -> Redaction:
    """Replace every PII entity with ``<TYPE_n>``; the same value keeps the same placeholder within a text."""
    if not text.strip():
        return Redaction(text, [])
    engines = get_engines()
    spans = _resolve(text, _analyze(engines, text), engines.english_words, engines.listed_name)
    placeholders: dict[tuple[str, str], str] = {}
    counters: Counter[str] = Counter()
    entities: list[PiiEntity] = []
    for span in spans:
        key = (span.entity_type, _normalise_value(text[span.start : span.end]))
        if key not in placeholders:
            counters[span.entity_type] += 1
            placeholders[key] = placeholder(span.entity_type, counters[span.entity_type])
        entities.append(PiiEntity(span.entity_type, span.start, span.end, placeholders[key]))

    def replacement_for(entity_type: str):
        return lambda value: placeholders[(entity_type, _normalise_value(value))]

    operators = {
        entity_type: OperatorConfig("custom", {"lambda": replacement_for(entity_type)})
        for entity_type in {span.entity_type for span in spans}
    }
    anonymized = engines.anonymizer.anonymize(
        text=text,
        # Annotated with the anonymizer's own RecognizerResult, but it copies only start, end, entity_type and
        # score from each result (AnonymizerEngine._copy_recognizer_results); Presidio's docs pass analyzer results.
        analyzer_results=cast(list[AnonymizerRecognizerResult], spans),
        operators=operators,
        merge_entities_with_spaces=False,
    )
    return Redaction(anonymized.text, entities)


def redact_text(text: str) -> str:
    """The redacted text alone, for callers that only store text (shared documents before chunking)."""
    return redact(text).text
