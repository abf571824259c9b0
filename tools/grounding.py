"""Sentence-level grounding: pick the passage sentences that answer a question, and check that an answer
sentence says nothing its cited passage does not.

Two jobs, one vocabulary (content-word stems, numbers, negations):

- `select_evidence` ranks the sentences of the retrieved passages against the question (embedding cosine plus
  lexical overlap), so the prompt carries the few sentences that matter instead of whole passages (every prompt
  token costs ~18 ms on the local model) and the answer can open with the best one, quoted.
- `check_support` decides whether a passage supports a sentence. The method was chosen by measurement on
  sentences labelled by hand (`apfa eval support`, docs/benchmarks.md): lexical overlap of content words, with
  numbers and negations checked strictly, because a figure or a "not" that is not in the source is the error a
  borrower cannot spot.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np

CITATION_MARK = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
# A sentence may also start with a redaction placeholder ("… a Prepayment charge. <PERSON_1> will use …").
# A form's question keeps its printed answer: "Optional Payments? NO" is one line, not a question and a "NO".
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z0-9\"“(<])(?!(?:YES|NO)\b)|\n+")
# Emphasis marks go; an underscore inside a word stays (a redaction placeholder "<PERSON_5>" must stay whole).
MARKDOWN = re.compile(r"^\s*(?:#{1,6}\s+|[-*•§¨]\s+|\d+\.\s+|>\s*)|[*`|]+|(?<!\w)_+|_+(?!\w)")
WORD = re.compile(r"[a-z][a-z'’-]*|\d[\d,]*(?:\.\d+)?")
NUMBER = re.compile(r"(?<![\w.])\$?(\d[\d,]*(?:\.\d+)?)")
NEGATION = re.compile(
    r"\b(?:not|no|never|none|nor|neither|without|cannot|can't|won't|don't|doesn't|isn't|aren't|wasn't|"
    r"shouldn't|wouldn't|couldn't|didn't|hasn't|haven't|mustn't)\b|n['’]t\b",
    re.IGNORECASE,
)
NUMBER_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """a an and are as at be been being but by can could did do does doing for from had has have having he her here
    hers him his how i if in into is it its itself just may me might more most must my of on once only or other
    our ours out over own same shall she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while who whom why will
    with would you your yours also any each both about again against all am because before after between during
    few further nor off s t don now per usually typically often generally"""
)
# Words that add no claim of their own: hedges and connectives a paraphrase may add freely.
FILLER = _words(
    """means mean called known refers refer like example instance important also however therefore thus so well
    simply basically really actually overall example e.g i.e etc lender's yes"""
)
# Opposites a paraphrase can flip without a "not": one in the claim where the source has the other contradicts.
OPPOSITES = (
    ("higher", "lower"),
    ("more", "less"),
    ("increase", "decrease"),
    ("cheaper", "expensive"),
    ("cheapest", "expensive"),
    ("must", "may"),
    ("required", "optional"),
    ("always", "sometimes"),
    ("lender", "borrower"),
    ("before", "after"),
    ("monthly", "upfront"),
    ("fixed", "adjustable"),
    ("all", "some"),
    ("every", "some"),
)
CLAUSE_BREAK = re.compile(r",?\s+\b(?:but|although|though|while|whereas|however)\b|;")
NEGATION_SCOPE_WORDS = 4
MIN_EVIDENCE_WORDS = 4
BULLET = re.compile(r"[\ue000-\uf8ff§¨•▪●■]")
# A line ending in one of these words goes on, whatever the next line starts with: no heading ends so, and a PDF
# wraps "… will be applied to interest before" / "Principal." (the note's payment order, docs/benchmarks.md).
CONTINUING_WORDS = _words(
    """a an the of to by and or for with in on at your their from as that than before after this these those my
    our its any each every such until if under into between upon be will shall may must"""
)
LIST_ITEMS_PER_LEAD = 6
# A list item that starts like a predicate ("Allow for down payments …") continues its lead-in ("FHA loans:").
PREDICATE_STARTS = _words(
    """allow allows are is have has do does offer offers often require requires required usually may can must
    include includes need needs provide provides typically cost costs tend tends only"""
)
MAX_LEAD_WORDS = 8
NEAR_DUPLICATE = 0.7
MAX_EVIDENCE_CHARS = 400
POINTER_START = re.compile(
    r"(?:learn more|find out|more on|read more|get answers from|get our|see (?:page|also|our)|download|visit|navigate"
    r"|click|go to|check out)\b",
    re.IGNORECASE,
)
# Dot leaders (or what a PDF's extraction made of them) running to a page number.
CONTENTS_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d{0,4}\s*$|[\ufffd·…_]{3,}\s*\d{0,4}\s*$")
# With a `quotable` test (tuning sets quoted alone, 281 questions: 216 -> 226 right, 12 gained, 2 lost): a line that
# cannot be quoted (a heading, a label) scores this much lower, so it does not take one of the few evidence places
# from a sentence that can; and a sentence right under such a line may take this share of the line's score, since a
# heading that repeats the question ("Taxes and Other Government Fees") is followed by its answer ("Costs associated
# with transferring the property to you and registering your mortgage …").
UNQUOTABLE_PENALTY = 0.1
HEADING_SHARE = 0.9
# A form line whose label the question names in full ("what's the sale price …" → "SALE PRICE $240,000") is the
# field asked for, though its few words embed far from the question. Session 10, tuning sets quoted alone (521
# questions): bonus 0.1 → 378 right, 0.2 → 379, 0.3 → 378, 0.5 → 376, against 375 without; letting a one-word label
# ("PRODUCT") count too loses 1 at 0.2 and 3 at 0.5 (docs/benchmarks.md).
FORM_LABEL_BONUS = 0.2
MIN_LABEL_STEMS = 2
FORM_ANSWER = re.compile(r"\b(?:YES|NO)\b")  # a form's printed answer to a yes/no field
FIGURE_START = re.compile(rf"[\d$]|{FORM_ANSWER.pattern}")
# Where a borrower's message asks more than one thing: between its sentences, at a semicolon or a " - ", and before
# an "and"/"also"/"plus"/"or" that opens a new question ("… on line D and which sections get added up?").
QUESTION_PART_BREAK = re.compile(
    r"(?<=[?.!])\s+|;\s*|\s+-\s+|,?\s+(?:and|also|plus|or)\s+"
    r"(?=(?:what|which|how|why|when|who|where|is|are|does|do|did|can|could|should|will|would|if)\b)",
    re.IGNORECASE,
)
MIN_PART_STEMS = 2


class SupportReason(StrEnum):
    SUPPORTED = "supported"
    NUMBER = "number not in the source"
    NEGATION = "says the opposite of the source"
    OVERLAP = "words not in the source"


@dataclass(frozen=True)
class Support:
    supported: bool
    reason: SupportReason
    overlap: float
    closest: str  # the passage sentence closest to the checked sentence, for a quoted replacement


@dataclass(frozen=True)
class Evidence:
    """One sentence of a retrieved passage; `source` is the passage's 0-based position in the turn's sources."""

    source: int
    text: str
    score: float
    heading: str = ""  # the short heading above a definition ("Points"), shown with its quote (`leans_on_heading`)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def normalise_numbers(text: str) -> str:
    """Number words to digits, thousands separators dropped, "%" spelt "percent": "three" and "3" compare equal."""
    text = re.sub(
        r"\b(" + "|".join(NUMBER_WORDS) + r")\b", lambda m: NUMBER_WORDS[m.group(1).lower()], text, flags=re.I
    )
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return re.sub(r"\s*%", " percent", text)


def strip_citations(text: str) -> str:
    return CITATION_MARK.sub("", text)


class Period(StrEnum):
    HOUR = "hour"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


PERIOD_WORDS = {
    "hour": Period.HOUR, "hourly": Period.HOUR, "hr": Period.HOUR,
    "week": Period.WEEK, "weekly": Period.WEEK, "wk": Period.WEEK,
    "month": Period.MONTH, "monthly": Period.MONTH, "mo": Period.MONTH, "months": Period.MONTH,
    "year": Period.YEAR, "yearly": Period.YEAR, "annual": Period.YEAR, "annually": Period.YEAR, "yr": Period.YEAR,
}  # fmt: skip
PERIOD_REACH = 3  # words on either side of a figure that can say what it is per
CLAUSE_END = re.compile(r"[.;!?\n](?!\d)")


def _figure_value(raw: str) -> str:
    value = raw.rstrip(".,")
    return value.rstrip("0").rstrip(".") if "." in value else value


def numbers_in(text: str) -> set[str]:
    return {_figure_value(raw) for raw in NUMBER.findall(normalise_numbers(strip_citations(text)))}


PERCENTAGE = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?) percent")


def percentages_in(text: str) -> set[str]:
    """The figures `text` states as percentages ("7%", "seven percent", "2 percentage points")."""
    return {_figure_value(raw) for raw in PERCENTAGE.findall(normalise_numbers(strip_citations(text)))}


DURATION = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)[- ](?:business[- ]|calendar[- ])?(day|week|month|year)s?\b")


def durations_in(text: str) -> dict[str, set[str]]:
    """The lengths of time `text` states, by unit: "within 20 calendar days" -> {"day": {"20"}}."""
    found: dict[str, set[str]] = {}
    for raw, unit in DURATION.findall(normalise_numbers(strip_citations(text)).lower()):
        found.setdefault(unit, set()).add(_figure_value(raw))
    return found


def borrowed_durations(claim: str, source_sentence: str, borrowed: set[str]) -> set[str]:
    """The borrower's figures (`borrowed`: in the claim, not in the source) that `claim` states as a length of time
    where `source_sentence` states its own length in the same unit: "the lender must return the money within 3
    business days" built from the borrower's "within the 3 days" where the source says "within 20 calendar days"."""
    given, stated = durations_in(claim), durations_in(source_sentence)
    return {value for unit, values in given.items() if unit in stated for value in values & borrowed}


def figure_periods(text: str) -> dict[str, frozenset[Period]]:
    """The period each figure of `text` is stated per ("$85,000 a year", "monthly income of $6,000").

    A figure the borrower gave may be restated without a source, but only per the same period: "your monthly
    income is $85,000" about a yearly $85,000 is a wrong claim built from a true number.
    """
    text = normalise_numbers(strip_citations(text))
    matches = list(NUMBER.finditer(text))
    periods: dict[str, set[Period]] = {}
    for i, match in enumerate(matches):
        after = text[match.end() : matches[i + 1].start() if i + 1 < len(matches) else len(text)]
        before = text[matches[i - 1].end() if i else 0 : match.start()]
        after = CLAUSE_END.split(after, maxsplit=1)[0]
        clauses_before = CLAUSE_END.split(before)
        # Words after an earlier figure of the same clause are that figure's ("120k a year at 6.5%").
        before = clauses_before[-1] if i == 0 or len(clauses_before) > 1 else ""
        words = [*WORD.findall(after.lower())[:PERIOD_REACH], *reversed(WORD.findall(before.lower())[-PERIOD_REACH:])]
        period = next((PERIOD_WORDS[w] for w in words if w in PERIOD_WORDS), None)
        if period:
            periods.setdefault(_figure_value(match.group(1)), set()).add(period)
    return {value: frozenset(found) for value, found in periods.items()}


def content_stems(text: str) -> set[str]:
    words = [w.strip("'’-") for w in WORD.findall(normalise_numbers(text).lower().replace("’", "'"))]
    words = [w.removesuffix("'s") for w in words if w and w not in STOPWORDS and w not in FILLER]
    return {stem for stem in _stemmer().stemWords(words) if stem and not stem[0].isdigit()}


def has_negation(text: str) -> bool:
    return bool(NEGATION.search(text))


def negated_stems(text: str) -> set[str]:
    """Content stems within a few words after a negation: what the text says is *not* so."""
    negated: set[str] = set()
    for match in NEGATION.finditer(text):
        following = " ".join(text[match.end() :].split()[:NEGATION_SCOPE_WORDS])
        negated |= content_stems(following)
    return negated


def clauses(sentence: str) -> list[str]:
    """A sentence split at contrast words, so "does not require X, but requires Y" has two polarities."""
    return [c for c in CLAUSE_BREAK.split(sentence) if c.strip()]


def _contradicts(claim: str, clause: str) -> bool:
    """True when `clause` negates what `claim` asserts (or the reverse), or uses the opposite word."""
    claim_stems = content_stems(claim)
    claim_negated = negated_stems(claim)
    if claim_negated:
        if not (negated_stems(clause) & claim_negated):
            return True
    elif negated_stems(clause) & claim_stems:
        return True
    claim_words, clause_words = set(WORD.findall(claim.lower())), set(WORD.findall(clause.lower()))
    for first, second in OPPOSITES:
        for said, source in ((first, second), (second, first)):
            flipped = said in claim_words and source in clause_words
            if flipped and source not in claim_words and said not in clause_words:
                return True
    return False


def _bare_words(line: str) -> list[str]:
    return [word.strip(".,;:!?") for word in line.split()]


def _logical_lines(text: str) -> list[str]:
    """Lines with PDF hard wraps undone and list items prefixed by their lead-in ("FHA loans: Allow for …")."""
    lines: list[str] = []
    raw_lines = [" ".join(BULLET.sub(" ", raw).split()) for raw in text.splitlines()]
    # Word pairs the text writes within one line: a line break inside one ("Compare your Closing" / "Disclosure to
    # your most recent Loan Estimate.") is a wrap, not a heading above a sentence.
    pairs = {pair for line in raw_lines for pair in itertools.pairwise(_bare_words(line))}
    for line in raw_lines:
        if not line:
            continue
        previous = lines[-1] if lines else ""
        continues = line[0].islower() or line[0].isdigit() or line[0] in "(,;"
        last_word = previous.rsplit(" ", 1)[-1]
        wrapped = (
            previous
            and previous[-1] not in ".!?:"
            and (continues or last_word.lower() in CONTINUING_WORDS or (last_word, _bare_words(line)[0]) in pairs)
        )
        if wrapped:
            lines[-1] = f"{previous} {line}"
        else:
            lines.append(line)
    logical, lead, lead_left = [], "", 0
    for line in lines:
        if lead_left and not line.endswith(":") and line.split()[0].lower() in PREDICATE_STARTS:
            logical.append(f"{lead} {line[0].lower()}{line[1:]}")
            lead_left -= 1
            continue
        logical.append(line)
        lead, lead_left = "", 0
        if line.endswith(":"):
            lead = SENTENCE_BREAK.split(line)[-1].rstrip(":")
            lead_left = LIST_ITEMS_PER_LEAD if len(lead.split()) <= MAX_LEAD_WORDS else 0
    return logical


def passage_sentences(text: str) -> list[str]:
    """The sentences of a passage: wrapped lines joined, list and heading markup removed, one sentence each."""
    sentences = []
    for line in _logical_lines(text):
        for piece in SENTENCE_BREAK.split(line):
            cleaned = " ".join(MARKDOWN.sub(" ", piece).split())
            if cleaned:
                sentences.append(cleaned)
    return sentences


CLOSING_MARKS = '”"’)'


def is_terminated(text: str) -> bool:
    """Whether a line ends as a sentence does (a full stop or "!", before any closing quote or bracket)."""
    return text.rstrip(CLOSING_MARKS)[-1:] in (".", "!")


def is_statement(sentence: str, min_words: int = MIN_EVIDENCE_WORDS) -> bool:
    """A sentence that can stand as evidence: long enough, not a question, not a list lead-in, not a link, not a
    table of contents' entry."""
    return (
        len(sentence.split()) >= min_words
        and sentence[-1] not in "?:"
        and len(sentence) <= MAX_EVIDENCE_CHARS
        and not is_pointer(sentence)
        and not is_contents_entry(sentence)
    )


def is_contents_entry(sentence: str) -> bool:
    """A table of contents' line ("Promissory Note .......... 1"; extracted PDFs may turn the dots into U+FFFD): it
    names a section and its page, so quoting it answers nothing."""
    return bool(CONTENTS_LEADER.search(sentence))


def is_pointer(sentence: str) -> bool:
    """A web page's link text ("Learn more about balloon loans.", "Get our closing checklist 3."): it points
    elsewhere and says nothing a borrower could act on, so it is no evidence and never quoted."""
    return bool(POINTER_START.match(sentence))


FORM_LINE_WORDS = 16
LABEL_WORD = re.compile(r"[A-Za-z]{2,}")


def is_form_line(sentence: str) -> bool:
    """A line of a filled-in form: a label and its figure ("First Change 2%", "Appraisal Fee $305").

    It is no sentence, but it is the source's own statement of the figure (the sample Loan Estimate's rate caps and
    fees are nowhere else), so it may be evidence and a quote, verbatim; a label of at least two words keeps out
    bare figures and page furniture ("Page 2 of 3" has one). The label comes first: a line that opens with its figure
    is a heading or a table's header row ("5 / 1 Adjustable rate mortgage (ARM)", "15 years 20 years 25 years").
    """
    words = sentence.split()
    labels = [w for w in words if LABEL_WORD.fullmatch(w.strip("()/,–-"))]
    return (
        len(words) <= FORM_LINE_WORDS
        and sentence[-1] not in "?:"
        and bool(NUMBER.search(sentence) or is_yes_no_field(sentence))
        and len(labels) >= 2
        and not sentence.lower().startswith("page ")
        and not sentence[0].isdigit()
        and not is_pointer(sentence)
        and not is_contents_entry(sentence)
    )


def is_yes_no_field(line: str) -> bool:
    """A form's yes/no field and its printed answer, one field to the line: "Prepayment Penalty NO", "Step
    Payments? NO" (the sample Loan Estimate's loan terms and AP table)."""
    return len(FORM_ANSWER.findall(line)) == 1 and line.endswith(("YES", "NO"))


HEADING_WORDS = 8
FIGURE_BLANKS = re.compile(r"[$%_]")


def is_heading(line: str) -> bool:
    """A passage's short heading: a glossary term ("Points", "Lender Credits"), a checklist step ("Get any errors
    fixed now, before closing") or a heading's question ("Does your loan have a prepayment penalty?").

    Quoted without its term, a definition ("An upfront fee that you pay to your lender in exchange for a lower
    interest rate …") does not tell the borrower what it defines, so the quote shows the heading above it.
    Page furniture is left out: numbers ("2."), exclamations ("Congratulations!"), a form's blanks ("Phone: $") and
    capitals ("MONTHLY PAYMENT WORKSHEET"), one-word lead-ins ("Next:"), link text and contents entries.
    """
    words = line.split()
    return (
        0 < len(words) <= HEADING_WORDS
        and line[0].isalpha()
        and not line.isupper()
        and line[-1] not in ".!"
        and not (len(words) == 1 and line.endswith(":"))
        and not FIGURE_BLANKS.search(line)
        and not is_form_line(line)
        and not is_pointer(line)
        and not is_contents_entry(line)
    )


BACK_REFERENCES = _words("a an this these it they those such")
FINITE_VERBS = _words(
    """is are was were be been can could will would may might must should shall has have had do does did means
    lets helps gives shows tells includes include pays pay protects requires require allows allow offers offer"""
)


def leans_on_heading(sentence: str) -> bool:
    """Whether a sentence needs its heading to be understood: a definition without its term ("An upfront fee that
    you pay …", "Costs for other services you have chosen.") or one that points back to it ("This is the amount the
    seller has agreed to contribute …")."""
    words = WORD.findall(sentence.lower())
    definition = bool(words) and (words[0] in BACK_REFERENCES or not FINITE_VERBS & set(words))
    return definition and not is_form_line(sentence)


def _jaccard(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first | second else 0.0


def _overlap(claim: set[str], source: set[str]) -> float:
    return len(claim & source) / len(claim) if claim else 1.0


def check_support(
    sentence: str,
    passage: str,
    allowed_numbers: Iterable[str] = (),
    min_overlap: float = 0.6,
    allowed_periods: Mapping[str, frozenset[Period]] | None = None,
    allowed_percentages: Iterable[str] = (),
) -> Support:
    """Whether `passage` supports `sentence`: its numbers, its polarity and most of its content words.

    `allowed_numbers` are figures the borrower gave or the exact calculation produced; they may appear in the
    answer without being in the passage, per the period `allowed_periods` says they were given in, and as a
    percentage only if given as one (`allowed_percentages`): the "7" of "a 7/1 ARM" is no "7%".
    """
    claim = strip_citations(sentence)
    sentences = passage_sentences(passage) or [passage]
    claim_stems = content_stems(claim)
    closest = _by_overlap(claim_stems, sentences)[0]
    overlap = _overlap(claim_stems, content_stems(passage))
    passage_numbers = numbers_in(passage)
    borrowed = numbers_in(claim) - passage_numbers
    foreign_numbers = borrowed - set(allowed_numbers)
    # "0%" is said without a percent sign too: "zero down payment".
    foreign_numbers |= percentages_in(claim) - percentages_in(passage) - set(allowed_percentages) - {"0"}
    given = allowed_periods or {}
    misdated = [
        value
        for value, said in figure_periods(claim).items()
        if value not in passage_numbers and value in given and not given[value] & said
    ]
    if foreign_numbers or misdated or (borrowed and borrowed_durations(claim, closest, borrowed)):
        return Support(False, SupportReason.NUMBER, overlap, closest)
    # Polarity is judged against the clause of the passage most like the claim (Jaccard of content words).
    parts = [c for s in sentences for c in clauses(s)]
    similarity = [_jaccard(claim_stems, content_stems(c)) for c in parts]
    best = max(similarity)
    if best > 0 and all(_contradicts(claim, c) for c, sim in zip(parts, similarity, strict=True) if sim == best):
        return Support(False, SupportReason.NEGATION, overlap, closest)
    if overlap < min_overlap:
        return Support(False, SupportReason.OVERLAP, overlap, closest)
    return Support(True, SupportReason.SUPPORTED, overlap, closest)


def closest_sentences(claim: str, passage: str, limit: int) -> list[str]:
    """The `limit` sentences of `passage` sharing most of `claim`'s content words, most first."""
    return _by_overlap(content_stems(strip_citations(claim)), passage_sentences(passage) or [passage])[:limit]


def _by_overlap(claim_stems: set[str], sentences: Sequence[str]) -> list[str]:
    """`sentences` ordered by the share of `claim_stems` each has, most first (ties keep their order)."""
    return sorted(sentences, key=lambda s: -_overlap(claim_stems, content_stems(s)))


def contradicted_by(claim: str, statements: Sequence[str], min_similarity: float = 0.3) -> str | None:
    """The statement whose clause most like `claim` says its opposite, if that clause is close enough to be about
    the same thing: a model sentence must not contradict a sentence already quoted to the borrower."""
    claim = strip_citations(claim)
    claim_stems = content_stems(claim)
    parts = [(statement, clause) for statement in statements for clause in clauses(statement)]
    if not parts or not claim_stems:
        return None
    similarity = [_jaccard(claim_stems, content_stems(clause)) for _, clause in parts]
    best = max(similarity)
    if best < min_similarity:
        return None
    return next(
        (s for (s, c), sim in zip(parts, similarity, strict=True) if sim == best and _contradicts(claim, c)), None
    )


def lexical_relevance(asked: set[str], sentence: str) -> float:
    """The share of the question's content stems (`asked`) that `sentence` has."""
    return len(asked & content_stems(sentence)) / len(asked) if asked else 0.0


def names_form_field(question_stems: set[str], line: str) -> bool:
    """Whether a question with these content stems names every word of a form line's label (the words before its
    first figure): "What date was the Loan Estimate issued?" names "DATE ISSUED 2/15/2013"."""
    figure = FIGURE_START.search(line)
    label = content_stems(line[: figure.start()] if figure else line)
    return len(label) >= MIN_LABEL_STEMS and label <= question_stems


def question_parts(question: str) -> list[str]:
    """The separate questions of a multi-part message, each with content words of its own; [] for a single one."""
    parts = [part.strip() for part in QUESTION_PART_BREAK.split(question)]
    parts = [part for part in parts if len(content_stems(part)) >= MIN_PART_STEMS]
    return parts if len(parts) > 1 else []


def select_evidence(
    question: str,
    passages: Sequence[str],
    embed: Callable[[list[str]], np.ndarray] | None = None,
    limit: int = 4,
    lexical_weight: float = 0.5,
    quotable: Callable[[str], bool] | None = None,
) -> list[Evidence]:
    """The `limit` passage sentences most likely to answer `question`, best first.

    `embed` maps texts to unit vectors (the knowledge base's encoder); without it only lexical overlap ranks.
    Sentences too short to be a claim (headings, bare labels) are skipped unless they are a form's label and figure
    (`is_form_line`), and so are near-repeats of a sentence already chosen (the Loan Estimate
    and Closing Disclosure explainers share many definitions). A form line whose label the question names ranks
    higher (`names_form_field`). With `quotable` (whether a line's shape lets the answer quote it), unquotable lines
    rank lower and a sentence right under one (its heading) may rank by it; a definition keeps the short heading it
    sits under (`Evidence.heading`), for the quote to show.
    """
    asked = content_stems(question)
    candidates, shaped, headings = [], [], []  # headings[i]: the unquotable line right above quotable candidate i
    shown_headings = []  # shown_headings[i]: the heading shown with candidate i when it is quoted (`is_heading`)
    named_fields = []  # named_fields[i]: candidate i is a form line whose label the question names
    for n, text in enumerate(passages):
        sentences = passage_sentences(text)
        for at, s in enumerate(sentences):
            form_line = is_form_line(s)
            if is_statement(s) or form_line:
                candidates.append((n, s))
                named_fields.append(form_line and names_form_field(asked, s))
                shaped.append(quotable is None or quotable(s))
                above = sentences[at - 1] if at else ""
                under_heading = quotable is not None and shaped[-1] and bool(above) and not quotable(above)
                headings.append(above if under_heading else None)
                # A passage's first line is mostly its page's title ("Closing Disclosure Explainer"), not a heading.
                shown = under_heading and at > 1 and is_heading(above) and leans_on_heading(s)
                shown_headings.append(above if shown else "")
    if not candidates:
        return []
    heading_lines = sorted({h for h in headings if h})
    texts = [s for _, s in candidates] + heading_lines
    scores = np.array([lexical_weight * lexical_relevance(asked, s) for s in texts])
    if embed is not None:
        vectors = embed([question] + texts)
        scores = scores + vectors[1:] @ vectors[0]
    heading_scores = dict(zip(heading_lines, scores[len(candidates) :], strict=True))
    scores = scores[: len(candidates)]
    if quotable:
        under = np.array([HEADING_SHARE * heading_scores[h] if h else -np.inf for h in headings])
        scores = np.where(shaped, np.maximum(scores, under), scores - UNQUOTABLE_PENALTY)
    scores = scores + FORM_LABEL_BONUS * np.array(named_fields)
    order = np.argsort(-scores, kind="stable")
    chosen: list[Evidence] = []
    for i in order:
        n, text = candidates[i]
        if any(_jaccard(content_stems(text), content_stems(e.text)) >= NEAR_DUPLICATE for e in chosen):
            continue
        chosen.append(Evidence(n, text, round(float(scores[i]), 4), shown_headings[i]))
        if len(chosen) == limit:
            break
    return chosen


def with_following(evidence: Sequence[Evidence], passages: Sequence[str]) -> list[Evidence]:
    """Each sentence followed by the next full sentence of its passage, once.

    The sentence most like the question is often the definition, and the answer its next sentence ("Escrow is
    ...", then "Your servicer pays ..."); quoting both shows the borrower the source's own answer (measured on the
    hard tuning set, docs/benchmarks.md).
    """
    chosen: list[Evidence] = []
    for sentence in evidence:
        statements = [s for s in passage_sentences(passages[sentence.source]) if is_statement(s)]
        at = statements.index(sentence.text) + 1 if sentence.text in statements else len(statements)
        following = [Evidence(sentence.source, statements[at], sentence.score)] if at < len(statements) else []
        for candidate in [sentence, *following]:
            complete = candidate is sentence or candidate.text[-1] in ".!"
            if complete and all(candidate.text != kept.text for kept in chosen):
                chosen.append(candidate)
    return chosen
