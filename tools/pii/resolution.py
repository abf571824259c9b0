"""Overlap resolution: the analyzer's results, with the name rules applied, become non-overlapping entities
(same-type spans merged, an address extended to its postcode, the span named by its own cue word or the most
confident one winning each overlap)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from presidio_analyzer import RecognizerResult

from tools.pii.addresses import _address_block_end
from tools.pii.name_rules import (
    _addressee_name,
    _after_title,
    _contact_card_name,
    _lending_term,
    _limit_word,
    _names_listed_with_names,
    _names_mentioned_again,
    _not_a_name_value,
    _only_words,
    _people_spoken_to,
    _speakers_with_named_speakers,
    _street_lines_in_address_blocks,
)
from tools.pii.recognizers import is_public_number

_CONTEXT_WORDS = {
    "US_PASSPORT": re.compile(r"passport", re.IGNORECASE),
    "US_DRIVER_LICENSE": re.compile(r"driver|licen[cs]e|\blic\b|\bDL\b", re.IGNORECASE),
    "LOAN_NUMBER": re.compile(r"loan|application|\bapp\b|case|\bref|mortgage|heloc", re.IGNORECASE),
    "ABA_ROUTING_NUMBER": re.compile(r"routing|\baba\b|\brtn\b", re.IGNORECASE),
    "US_BANK_NUMBER": re.compile(r"account|acct|checking|savings|bank|deposit", re.IGNORECASE),
    "US_SSN": re.compile(r"social security|\bssn\b", re.IGNORECASE),
    "US_ITIN": re.compile(r"\bitin\b|taxpayer", re.IGNORECASE),
    "PHONE_NUMBER": re.compile(r"phone|call|cell|mobile|\btel\b|\btext\b|\bfax\b|reach", re.IGNORECASE),
    "CREDIT_CARD": re.compile(r"card|visa|mastercard|amex|discover|charge", re.IGNORECASE),
}
_CONTEXT_LOOKBACK = 60


def _context_distance(text: str, span: RecognizerResult) -> int:
    """Characters between a span and the nearest preceding cue word for its type, so that when two
    weak ID patterns tie on the same digits ("passport number is 912803456") the one named closest wins."""
    cue = _CONTEXT_WORDS.get(span.entity_type)
    window_start = max(0, span.start - _CONTEXT_LOOKBACK)
    matches = list(cue.finditer(text, window_start, span.start)) if cue else []
    return span.start - matches[-1].end() if matches else _CONTEXT_LOOKBACK + 1


def _first_line_of_a_name(text: str, result: RecognizerResult) -> RecognizerResult:
    """A name ends at its line's end: the small model's "Abbas Kadyrov\n    Avenida Pedro" (a name and the
    street on the next line read as one person) would otherwise lose the overlap to the address, the name with it."""
    if result.entity_type != "PERSON":
        return result
    line_break = text.find("\n", result.start, result.end)
    if line_break < 0:
        return result
    end = len(text[result.start : line_break].rstrip()) + result.start
    return RecognizerResult(result.entity_type, result.start, end, result.score, result.analysis_explanation)


def _resolve(
    text: str,
    results: list[RecognizerResult],
    english_words: frozenset[str] = frozenset(),
    listed: Callable[[str], bool] = lambda word: False,
) -> list[RecognizerResult]:
    """Non-overlapping entities: same-type spans that overlap or touch across whitespace are merged,
    then the most confident (and, on ties, the longest) span wins each remaining overlap."""
    by_type: dict[str, list[RecognizerResult]] = defaultdict(list)
    # A "name" with digits in it is the small spaCy model misreading an identifier ("fe9a:77c1"); one with
    # private-use characters is a PDF's symbol-font glyphs.
    results = [
        r
        for r in results
        if not (r.entity_type == "PERSON" and _not_a_name_value(text[r.start : r.end]))
        and not _limit_word(text, r)
        and not _lending_term(text, r)
        and not (r.entity_type == "PHONE_NUMBER" and is_public_number(text, r.start, r.end))
        and not (
            r.entity_type == "PERSON"
            and _only_words(text[r.start : r.end], english_words, listed)
            and not _after_title(text, r)
        )
    ]
    results = [_first_line_of_a_name(text, r) for r in results]
    results = [r for r in results if r.end > r.start]
    results += _contact_card_name(text, results, english_words, listed)
    results += _addressee_name(text, results, english_words, listed)
    results += _names_mentioned_again(text, results, english_words)
    results += _names_listed_with_names(text, results, english_words, listed)
    results += _speakers_with_named_speakers(text, results, english_words, listed)
    results += _people_spoken_to(text, results, english_words, listed)
    results += _street_lines_in_address_blocks(text, results, english_words)
    for result in sorted(results, key=lambda result: (result.start, result.end)):
        spans = by_type[result.entity_type]
        previous = spans[-1] if spans else None
        gap = text[previous.end : result.start] if previous else ""
        # names on two lines are two names ("Wilson" / "Avenida Pedro Ulisses 888": the second a street's name)
        touching = not gap.strip() and not (result.entity_type == "PERSON" and "\n" in gap)
        if previous and (result.start <= previous.end or touching):
            previous.end = max(previous.end, result.end)
            previous.score = max(previous.score, result.score)
        else:
            spans.append(RecognizerResult(result.entity_type, result.start, result.end, result.score))
    for span in by_type.get("STREET_ADDRESS", []):
        span.end = _address_block_end(
            text, span.end, lower_case=not any(c.isupper() for c in text[span.start : span.end])
        )
    candidates = [span for spans in by_type.values() for span in spans]
    # A street named after someone ("808 Kálmán Imre u. 12.") is an address: the name inside it does not win the
    # overlap and take the house number and unit with it.
    streets = by_type.get("STREET_ADDRESS", [])
    candidates = [
        span
        for span in candidates
        if not (span.entity_type == "PERSON" and any(s.start <= span.start and span.end <= s.end for s in streets))
    ]
    # A span whose own cue word precedes it ("loan number is ...", "call ...") beats one without, whatever the
    # scores: ten digits are a phone number to Presidio but a loan number when the borrower says so.
    distances = {id(span): _context_distance(text, span) for span in candidates}
    candidates.sort(
        key=lambda span: (
            distances[id(span)] > _CONTEXT_LOOKBACK,
            -span.score,
            distances[id(span)],
            -(span.end - span.start),
            span.start,
        )
    )
    kept: list[RecognizerResult] = []
    for span in candidates:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
        elif span.entity_type == "STREET_ADDRESS":
            # An address that a name or phone overlaps at one end keeps the rest ("Mrs. Jennifer Alcaraz Suite" /
            # "Suite 541 6343 Skogstien 106"): its house number and street must not go with the lost overlap.
            rest = _outside(span, kept)
            if rest is not None and re.search(r"\d", text[rest.start : rest.end]):
                kept.append(rest)
    return sorted(kept, key=lambda span: span.start)


def _outside(span: RecognizerResult, kept: list[RecognizerResult]) -> RecognizerResult | None:
    """The longest part of `span` that no kept span covers, trimmed of spaces; None if nothing is left."""
    covered = sorted(
        (max(o.start, span.start), min(o.end, span.end)) for o in kept if o.start < span.end and span.start < o.end
    )
    pieces, position = [], span.start
    for start, end in covered:
        if start > position:
            pieces.append((position, start))
        position = max(position, end)
    if position < span.end:
        pieces.append((position, span.end))
    if not pieces:
        return None
    start, end = max(pieces, key=lambda piece: piece[1] - piece[0])
    return RecognizerResult(span.entity_type, start, end, span.score)
