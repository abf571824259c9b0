"""Protected characteristics a borrower mentions, kept out of what the model sees.

Before the model answers, ``screen`` finds the characteristics that the Equal Credit Opportunity Act (Regulation B)
and the Fair Housing Act forbid as credit factors — race, color, religion, national origin, sex, marital status,
age, receipt of public assistance, good-faith exercise of consumer credit rights, plus pregnancy, disability and
familial status — in the everyday wording borrowers use ("I'm 62", "my wife and I", "on SSI", "I'm from Mexico").
Each mention is replaced by a neutral marker in the text the model sees, and the borrower gets a one-line
reassurance naming what was set aside. A request to discriminate (deny or steer someone for a protected reason, pick
neighbourhoods by who lives there) is refused with the reason in law and what may lawfully be considered.

This is a transparent rule system like tools.bias (whose lexicon it extends): every match says which words fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from tools.bias import CHARACTERISTIC_PATTERNS


class Characteristic(StrEnum):
    RACE = "race"
    COLOR = "color"
    RELIGION = "religion"
    NATIONAL_ORIGIN = "national origin"
    SEX = "sex"
    MARITAL_STATUS = "marital status"
    AGE = "age"
    PUBLIC_ASSISTANCE = "public assistance"
    CREDIT_RIGHTS = "credit rights"
    PREGNANCY = "pregnancy"
    DISABILITY = "disability"
    FAMILIAL_STATUS = "familial status"


# Fair Housing Act only (ECOA covers the rest).
FAIR_HOUSING_ONLY = frozenset({Characteristic.PREGNANCY, Characteristic.DISABILITY, Characteristic.FAMILIAL_STATUS})

_I = r"(?:i(?:'m|’m| am)|im|we(?:'re|’re| are)|were|my (?:husband|wife|spouse|partner) is|(?:he|she)(?:'s| is))"
_COUNTRIES = (
    r"mexico|guatemala|el salvador|honduras|nicaragua|cuba|haiti|dominican republic|puerto rico|colombia|venezuela|"
    r"peru|ecuador|brazil|argentina|chile|jamaica|nigeria|ghana|kenya|ethiopia|somalia|egypt|morocco|india|pakistan|"
    r"bangladesh|nepal|china|taiwan|hong kong|japan|korea|vietnam|philippines|thailand|iran|iraq|syria|lebanon|"
    r"afghanistan|ukraine|russia|poland|romania|italy|ireland|germany|france|canada|the uk|england"
)
_NATIONALITIES = (
    r"mexican|guatemalan|salvadoran|honduran|cuban|haitian|dominican|colombian|venezuelan|brazilian|jamaican|"
    r"nigerian|ghanaian|kenyan|ethiopian|somali|egyptian|moroccan|indian|pakistani|bangladeshi|nepali|nepalese|"
    r"chinese|taiwanese|japanese|korean|vietnamese|filipin[oa]|thai|iranian|iraqi|syrian|lebanese|afghan|"
    r"ukrainian|russian|polish|romanian|italian|irish|german|french|canadian|british"
)

# Everyday first-person wording, on top of the lexicon tools.bias uses to judge answers.
EVERYDAY_PATTERNS: dict[Characteristic, list[str]] = {
    Characteristic.AGE: [
        rf"\b{_I}\s+(?:a\s+)?[1-9]\d\b(?!\s*(?:%|percent|k\b|[.,]\d|days|months|weeks|hours|minutes|miles))",
        # "she is 67." and "my husband is 58 and i'm 55" are ages; "the loan is 75.42% of the price", "the loan is 30
        # years" and "are 15 and 30 yrs the only mortgage lengths?" (loan terms) are not
        r"\b(?:is|are|turned|turning|just turned)\s+[1-9]\d\b(?!\s*(?:and|or|to|-)\s*[1-9]\d\s*-?\s*(?:years?|yrs?)\b)"
        r"(?=\s*(?:and|,|$|\.(?!\d)|\?))",
        r"\bin (?:our|my|his|her|their) (?:early |mid |late )?(?:[2-9]0)'?s\b",
        r"\b[1-9]\d[- ]?(?:years?|yrs?)[- ]?old\b",
        r"\b(?:senior citizens?|seniors?|retirees?|elderly)\b",
    ],
    Characteristic.RACE: [
        rf"\b{_I}\s+(?:an?\s+)?(?:black|white|hispanic|latin[oax]|asian|native american|african[- ]american|"
        r"biracial|mixed[- ]race)\b",
        r"\b(?:hispanic|latin[oax]|black|asian|white|african[- ]american|native american)\s+"
        r"(?:family|families|borrowers?|buyers?|couple|woman|man|women|men|applicants?|household)\b",
        r"\bmy family is (?:hispanic|latin[oax]|black|asian|white)\b",
    ],
    Characteristic.COLOR: [r"\b(?:dark|light|brown|black|white)[- ]skin(?:ned)?\b", r"\bskin (?:colou?r|tone)\b"],
    Characteristic.RELIGION: [
        rf"\b{_I}\s+(?:an?\s+)?(?:muslim|jewish|christian|catholic|hindu|sikh|buddhist|mormon|atheist|evangelical)\b",
        r"\b(?:muslim|jewish|christian|catholic|hindu|sikh|buddhist|mormon)\s+(?:family|families|immigrants|couple)\b",
        r"\b(?:attend|go to)\s+(?:a\s+|the\s+)?(?:mosque|church|synagogue|temple)\b",
        r"\b(?:tithe|halal|sabbath|turban|hijab|kippah|yarmulke)\b",
    ],
    Characteristic.NATIONAL_ORIGIN: [
        rf"\b(?:{_I}|originally|born|moved here|came here|immigrated|emigrated)\s+(?:\w+\s+)?(?:from|in)\s+"
        rf"(?:{_COUNTRIES})\b",
        rf"\b{_I}\s+(?:an?\s+)?(?:{_NATIONALITIES})(?:\s+(?:national|citizen|immigrant))?\b",
        r"\b(?:green card|h-?1b|visa holder|undocumented|daca|itin|non-?citizen|permanent resident)\b",
        r"\benglish is (?:my|our|his|her) second language\b",
        r"\b(?:my|our|his|her) accent\b",
    ],
    Characteristic.SEX: [
        r"\bas an?\s+(?:woman|female|man|male)\b",
        rf"\b{_I}\s+an?\s+(?:woman|man|guy|girl|female|male|transgender \w+|trans \w+)\b",
        r"\b(?:single (?:mom|mother|woman|women|female))\b",
        r"\b(?:transgender|non-?binary|gay|lesbian)\b",
        r"\bmy (?:girlfriend|boyfriend)\b",
    ],
    Characteristic.MARITAL_STATUS: [
        r"\bmy (?:wife|husband|spouse|late husband|late wife|ex-?wife|ex-?husband|fianc[eé]e?)\b",
        r"\b(?:got|just got|recently|are|were)\s+married\b",
        rf"\b{_I}\s+(?:single|married|divorced|widowed|separated|engaged)\b",
        r"\b(?:alimony|wedding)\b",
        r"\b(?:married|unmarried) couples?\b",
    ],
    Characteristic.PUBLIC_ASSISTANCE: [
        r"\bon (?:ssi|ssdi|snap|tanf|wic|medicaid|welfare|disability|public assistance|food stamps|unemployment)\b",
        r"\b(?:ssi|ssdi|snap|tanf|wic|food stamps|section 8|housing vouchers?|welfare)\b",
        r"\bsocial security (?:disability|income|benefits|check)\b",
        r"\bunemployment (?:benefits|income|checks?|insurance)\b",
    ],
    Characteristic.CREDIT_RIGHTS: [
        r"\b(?:disputed|dispute|disputing)\s+(?:an?\s+|the\s+|my\s+)?(?:\w+\s+)?(?:error|item|charge|debt|entry|report)",
        # A complaint already made; "where can I file a complaint" asks how, and states nothing about the borrower.
        r"\b(?:filed|lodged|made)\s+(?:a\s+)?(?:complaint|dispute)\b",
        r"\b(?:sued|suing)\s+(?:my\s+|a\s+|the\s+)?(?:old\s+|former\s+|last\s+)?(?:lender|servicer|bank|creditor|mortgage)",
        r"\b(?:asked for|requested)\s+(?:my\s+|an?\s+|the\s+)?(?:adverse action notice|copy of (?:the|my) appraisal)",
        r"\bmy right to\b",
    ],
    Characteristic.PREGNANCY: [
        r"\bpregnan\w*\b",
        r"\bexpecting (?:a baby|twins|triplets|our first|a child)\b",
        r"\bmaternity leave\b",
    ],
    Characteristic.DISABILITY: [
        rf"\b{_I}\s+(?:disabled|blind|deaf|autistic|paralyzed|handicapped)\b",
        r"\b(?:wheelchair|braille|sign language)\b",
        r"\b(?:have|has)\s+(?:a\s+)?(?:disability|ms|multiple sclerosis|cerebral palsy|autism|ptsd)\b",
        r"\b(?:is|are)\s+autistic\b",
    ],
    Characteristic.FAMILIAL_STATUS: [
        r"\b(?:\d+|two|three|four|five|six)\s+(?:kids|children|toddlers|sons|daughters)\b",
        r"\b(?:my|our)\s+(?:kids|children|son|daughter|grandkids|grandchildren|newborn|baby|toddlers?)\b",
        r"\b(?:have|has)\s+(?:a\s+)?(?:newborn|baby|toddler|kids|children)\b",
        r"\bsingle (?:dad|father|parent|mom|mother)\b",
        r"\b(?:custody|have children|having kids|start a family|starting a family)\b",
    ],
}

_BIAS_NAME = {
    "race": Characteristic.RACE,
    "color": Characteristic.COLOR,
    "religion": Characteristic.RELIGION,
    "national origin": Characteristic.NATIONAL_ORIGIN,
    "sex": Characteristic.SEX,
    "marital status": Characteristic.MARITAL_STATUS,
    "age": Characteristic.AGE,
    "public assistance": Characteristic.PUBLIC_ASSISTANCE,
    "exercise of consumer credit rights": Characteristic.CREDIT_RIGHTS,
    "familial status": Characteristic.FAMILIAL_STATUS,
    "disability": Characteristic.DISABILITY,
}
# Lexicon entries from tools.bias that are too broad for a borrower's own message ("a baby step", "race car").
_SKIP_BIAS_PATTERNS = {r"\brac(?:e|es|ial|ially)\b(?!\s+(?:car|track))"}


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _all_patterns() -> dict[Characteristic, re.Pattern[str]]:
    merged: dict[Characteristic, list[str]] = {c: list(p) for c, p in EVERYDAY_PATTERNS.items()}
    for name, patterns in CHARACTERISTIC_PATTERNS.items():
        characteristic = _BIAS_NAME[name]
        if characteristic is Characteristic.SEX:  # bias files pregnancy under sex; we name it on its own
            patterns = [p for p in patterns if "pregnan" not in p]
        merged[characteristic] += [p for p in patterns if p not in _SKIP_BIAS_PATTERNS]
    return {c: _compile(p) for c, p in merged.items()}


_PATTERNS = _all_patterns()

# "race car", "social security administration", "a church near us" are not about the borrower.
_NOT_PROTECTED = re.compile(
    r"\b(?:race car|race track|social security (?:administration|number|card|office)|near (?:our|my|the) church|"
    r"close to (?:our|my|the) church|mexico city)\b",
    re.IGNORECASE,
)

_PEOPLE_OR_PLACES = (
    r"(?:neighbou?rhoods?|areas?|parts? of (?:town|the city)|zip codes?|communities|blocks?|streets?|suburbs?|"
    r"applicants?|borrowers?|buyers?|tenants?|renters?|people|couples?|families|customers?|clients?|them|her|him|"
    r"women|men|immigrants|foreigners|minorities|seniors|older borrowers)"
)
# Requests to discriminate: deny/steer/price someone for a protected reason, or choose places by who lives there.
REQUEST_PATTERNS = [
    r"\b(?:deny|reject|turn down|refuse|decline|avoid|exclude|disqualify|screen out|not lend to|not approve|"
    r"not rent to|charge (?:\w+\s+)?(?:more|a higher rate)|steer|put [\w\s]* last|approve only|only approve|"
    r"lend only|only lend|rent only|only rent)\b",
    r"\b(?:fewer|less|no|without many|without|mostly|only|more|lots of|majority)\s+(?:\w+\s+)?"
    r"(?:black|white|hispanic|latino|asian|jewish|muslim|christian|immigrants?|foreigners|minorities|families|"
    r"kids|children|disabled|seniors|old people)\b",
]
_REQUEST_VERB = re.compile(REQUEST_PATTERNS[0], re.IGNORECASE)
_WHO_LIVES = re.compile(REQUEST_PATTERNS[1], re.IGNORECASE)
_PLACE = re.compile(r"\b(?:neighbou?rhoods?|areas?|parts? of town|zip codes?|communities|suburbs?)\b", re.IGNORECASE)
_DIRECTED_AT_OTHERS = re.compile(
    rf"\b(?:should i|should we|can i|can we|how (?:do|can) i|help me|tell me how|is it ok|is it okay|"
    rf"i want to|we want to|rank|find me|show me)\b|{_PEOPLE_OR_PLACES}",
    re.IGNORECASE,
)

LAWFUL_FACTORS = (
    "income and how stable it is, credit history, debt-to-income ratio (DTI), loan-to-value ratio (LTV), savings "
    "and reserves, and the appraised value of the property"
)
MARKER = "[personal detail left out]"


@dataclass(frozen=True)
class Mention:
    characteristic: Characteristic
    start: int
    end: int
    words: str
    whole_sentence: bool = False


@dataclass(frozen=True)
class Screening:
    """What the screen found in one message and the text the model may see."""

    mentions: list[Mention] = field(default_factory=list)
    request_to_discriminate: bool = False
    model_text: str = ""

    @property
    def characteristics(self) -> list[Characteristic]:
        return sorted({m.characteristic for m in self.mentions}, key=list(Characteristic).index)


def find_mentions(text: str) -> list[Mention]:
    """Every protected-characteristic mention, longest first where two overlap."""
    excluded = [(m.start(), m.end()) for m in _NOT_PROTECTED.finditer(text)]
    found: list[Mention] = []
    for characteristic, pattern in _PATTERNS.items():
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            if any(start <= match.start() < end for start, end in excluded):
                continue
            found.append(Mention(characteristic, match.start(), match.end(), match.group()))
    return found


def _is_request(text: str, mentions: list[Mention]) -> bool:
    if _WHO_LIVES.search(text) and _PLACE.search(text):
        return True
    return bool(mentions and _REQUEST_VERB.search(text) and _DIRECTED_AT_OTHERS.search(text))


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
SHORT_SENTENCE_WORDS = 12


def _whole_sentence(text: str, mention: Mention) -> Mention:
    """A short sentence that only states the characteristic ("I'm Black.", "My household receives SNAP benefits.")
    goes entirely, with the space after it, so the model reads exactly what a borrower who did not say it wrote;
    sentences with figures keep them and get a marker instead."""
    for sentence in _SENTENCE.finditer(text):
        if sentence.start() <= mention.start < sentence.end():
            body = sentence.group()
            figures = re.sub(r"(?i)section 8", "", body.replace(mention.words, ""))
            if len(body.split()) <= SHORT_SENTENCE_WORDS and not re.search(r"\d", figures):
                start = sentence.start() + len(body) - len(body.lstrip())
                end = sentence.end() + len(text[sentence.end() :]) - len(text[sentence.end() :].lstrip())
                return Mention(mention.characteristic, start, end, mention.words, whole_sentence=True)
            break
    return mention


def _without_mentions(text: str, mentions: list[Mention]) -> str:
    """Drop sentences that only state a characteristic; replace other mentions by one marker each (overlapping
    mentions share it). A message that said nothing else becomes the marker alone."""
    spans: list[list] = []
    for mention in sorted((_whole_sentence(text, m) for m in mentions), key=lambda m: (m.start, -m.end)):
        if spans and mention.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], mention.end)
            spans[-1][2] = spans[-1][2] and mention.whole_sentence
        else:
            spans.append([mention.start, mention.end, mention.whole_sentence])
    pieces, position = [], 0
    for start, end, whole_sentence in spans:
        pieces.append(text[position:start])
        pieces.append("" if whole_sentence else MARKER)
        position = end
    pieces.append(text[position:])
    return "".join(pieces).strip() or MARKER


def screen(text: str) -> Screening:
    """Recognise protected characteristics and discrimination requests; return the text the model may see."""
    mentions = find_mentions(text)
    return Screening(mentions, _is_request(text, mentions), _without_mentions(text, mentions))


def _named(characteristics: list[Characteristic]) -> str:
    names = [
        str(c) if c is not Characteristic.CREDIT_RIGHTS else "exercise of your consumer credit rights"
        for c in characteristics
    ]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _laws(characteristics: list[Characteristic]) -> str:
    housing = [c in FAIR_HOUSING_ONLY for c in characteristics]
    if all(housing):
        return "the Fair Housing Act"
    return (
        "the Equal Credit Opportunity Act and the Fair Housing Act"
        if any(housing)
        else "the Equal Credit Opportunity Act"
    )


REASSURANCE_START = "You mentioned your "


def reassurance(characteristics: list[Characteristic]) -> str:
    """One short line naming what was set aside and why."""
    return (
        f"{REASSURANCE_START}{_named(characteristics)}. Under {_laws(characteristics)} a lender cannot use that "
        "in deciding on your loan or its terms, so I left it out of this answer."
    )


def is_reassurance(line: str) -> bool:
    """Whether a line of an answer is the product's `reassurance`, not the assistant's advice (the evaluations leave
    it out of what they score)."""
    return line.startswith(REASSURANCE_START)


def refusal(characteristics: list[Characteristic]) -> str:
    """The answer to a request to discriminate: the reason in law and what may lawfully be considered."""
    named = f" ({_named(characteristics)})" if characteristics else ""
    return (
        f"I can't help with that. Denying, pricing or steering anyone because of a protected characteristic{named}, "
        "or choosing neighbourhoods by who lives there, is illegal: the Equal Credit Opportunity Act and "
        "Regulation B (12 CFR 1002.4) forbid it in any credit decision, and the Fair Housing Act (42 U.S.C. 3604-3605) "
        "forbids it in housing and mortgage lending, including steering and redlining. What may lawfully be "
        f"considered is the same for everyone: {LAWFUL_FACTORS}. For a neighbourhood, lawful criteria are price, "
        "commute, schools' published results, property taxes, flood risk and amenities. I'm happy to help with "
        "any of those."
    )
