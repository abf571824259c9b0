"""Fair-lending check: catch advice that uses a protected characteristic as a factor in a credit decision.

The Equal Credit Opportunity Act (Regulation B) forbids using race, colour, religion, national origin, sex,
marital status, age, receipt of public assistance or the good-faith exercise of consumer credit rights; the
Fair Housing Act adds familial status and disability. This module is a transparent rule system, not a model:

1. a lexicon per characteristic (names, group nouns, adjectives, first-person forms),
2. decision cues: approval, denial, pricing, risk, difficulty and preference words,
3. neutralisers that mark a sentence as explaining the law or the borrower's rights rather than applying a
   characteristic ("may not consider", "ECOA prohibits", "regardless of", "you can file a complaint"),
   plus the few uses the law itself permits (age for reverse mortgages, capacity to contract).

A sentence is flagged when it names a characteristic, carries a decision cue and is not neutralised.
Every flag says which words triggered it, so a reviewer can see why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FLAGS = re.IGNORECASE
_PEOPLE = (
    r"(?:people|persons?|borrowers?|applicants?|families|family|folks|customers?|clients?|buyers?|homebuyers?|"
    r"home\s?owners?|households?|individuals?|couples?|men|women|americans|communities|neighbou?rhoods?|"
    r"renters?|tenants?|workers?|adults|guys|ones)"
)
_BE = r"(?:you(?:'re|’re| are)|i(?:'m|’m| am)|we(?:'re|’re| are)|they(?:'re|’re| are)|being|as an?)"

CHARACTERISTIC_PATTERNS: dict[str, list[str]] = {
    "race": [
        r"\brac(?:e|es|ial|ially)\b(?!\s+(?:car|track))",
        r"\bethnic(?:ity|ities)?\b",
        r"\b(?:african[- ]americans?|hispanics?|latin[oax]s?|latinx|caucasians?|asian(?:[- ]american)?s?|"
        r"native americans?|pacific islanders?|people of colou?r|minorit(?:y|ies))\b",
        rf"\b(?:black|white|brown)\s+{_PEOPLE}\b",
        rf"\b{_BE}\s+(?:a\s+)?(?:black|white)\b",
    ],
    "color": [
        r"\bskin(?:[- ]colou?r| tone)?\b",
        r"\b(?:dark|light|fair)[- ]skinned\b",
        r"\b(?:race|racial),?\s+(?:or\s+|and\s+)?colou?r\b",
        r"\byour colou?r\b",
    ],
    "religion": [
        r"\breligio(?:n|ns|us)\b",
        r"(?<!good\s)(?<!good-)\bfaiths?\b",
        r"\b(?:muslims?|islamic|christians?|jews|jewish|hindus?|sikhs?|buddhists?|catholics?|protestants?|"
        r"mormons?|atheists?|evangelicals?)\b",
        r"\b(?:church|mosque|synagogue|temple)(?:[- ]?goers?)?\b",
    ],
    "national origin": [
        r"\bnational origin\b",
        r"\bnationalit(?:y|ies)\b",
        r"\bimmigrants?\b",
        r"\bforeign(?:[- ]born|ers?)\b",
        r"\b(?:ancestry|heritage)\b",
        r"\baccents?\b",
        r"\bcountry of (?:origin|birth)\b",
        r"\bwhere (?:you(?:'re| are)|they(?:'re| are)|i(?:'m| am)) from\b",
        r"\b(?:mexicans?|chinese|indians?|africans?|arabs?|middle[- ]eastern|filipinos?|vietnamese|koreans?|"
        r"haitians?|nigerians?|somalis?|russians?|pakistanis?|non-english[- ]speak\w*|"
        r"english as a second language)\b",
        r"\b(?:second language|english is (?:not )?(?:your|their|his|her) (?:second|first) language)\b",
    ],
    "sex": [
        r"\b(?:sex|gender)\b",
        r"\b(?:wom[ae]n|females?|males?|girls?|ladies|lady)\b",
        r"\bmen\b",
        rf"\b{_BE}\s+a\s+(?:man|guy)\b",
        r"\b(?:pregnan\w*|maternity|sexual orientation|gay|lesbian|transgender|non-?binary)\b",
    ],
    "marital status": [
        r"\bmarital status\b",
        r"\b(?:married|unmarried|divorced|divorcees?|widow(?:ed|er|ers|s)?)\b",
        r"\b(?:legally separated|(?:you(?:'re| are)|i(?:'m| am)) separated)\b",
        rf"\bsingle\s+(?:{_PEOPLE}|mothers?|fathers?|parents?|moms?|dads?)\b",
        rf"\b{_BE}\s+single\b",
        r"\b(?:need|needs|require[sd]?|without)\s+(?:your|a|the)\s+(?:husband|wife|spouse)(?:'s|’s)?"
        r"\s+(?:to\s+)?(?:co-?sign\w*|signature|permission|approval)",
    ],
    "age": [
        r"\b(?:your|their|his|her|my|applicant'?s|borrower'?s)\s+age\b",
        r"\bat\s+(?:your|my|their|that|this)\s+age\b",
        r"\b(?:age|ageism|ageist)\s+(?:discrimination|bias)\b",
        r"\b(?:based on|because of|due to)\s+age\b",
        r"\baged?\s+[1-9]\d\b",
        r"\b[1-9]\d[- ]years?[- ]olds?\b",
        r"\b(?:over|under|past|above)\s+(?:the age of\s+)?[4-9]\d\b"
        r"(?!\s*(?:%|percent|years?|yrs|months?|,\d|k\b))",
        r"\b(?:elderly|seniors?|senior citizens?|retirees?|millennials|baby boomers?|boomers|"
        rf"gen(?:eration)?[- ]?z|"
        rf"too old|too young|old age|older\s+{_PEOPLE}|young(?:er)?\s+{_PEOPLE})\b",
        r"\b(?:i(?:'m|’m| am)|you(?:'re|’re| are))\s+[1-9]\d\b(?!\s*(?:%|percent|k\b|,\d))",
    ],
    "public assistance": [
        r"\bpublic (?:assistance|benefits|aid|housing)\b",
        r"\bwelfare\b",
        r"\bfood stamps\b",
        r"(?-i:\bSNAP\b)",
        r"\b(?:TANF|SSI|SSDI|WIC|medicaid|section 8|housing (?:choice )?vouchers?)\b",
        r"\bgovernment (?:assistance|benefits|aid|checks?)\b",
        r"\bsocial security\b(?!\s*(?:number|card|#|no\b))",
        r"\b(?:disability|unemployment) (?:benefits|income|payments|checks?|compensation|insurance)\b",
        r"\bon benefits\b",
    ],
    "exercise of consumer credit rights": [
        r"\bexercis\w+\s+(?:your |their |his |her |my )?(?:consumer |credit )?rights?\b",
        r"\b(?:filed|lodged|submitted)\s+(?:a\s+|an?\s+)?(?:complaint|dispute|lawsuit)s?\b",
        r"\b(?:disputed|disputing)\s+(?:an?\s+|your\s+|their\s+|my\s+)?(?:\w+\s+)?(?:errors?|items?|charges?|debts?|"
        r"entr(?:y|ies)|reports?|bills?)\b",
        r"\b(?:sued|suing)\s+(?:a\s+|your\s+|the\s+|their\s+)?(?:lender|creditor|bank)s?\b",
        r"\bcomplained to\s+(?:the\s+)?(?:cfpb|regulators?|ftc)\b",
    ],
    "familial status": [
        r"\bfamilial status\b",
        r"\b(?:kids|children|child|bab(?:y|ies)|toddlers?|newborns?)\b(?![- ]?(?:support|care))",
        r"\b(?:start(?:ing)? a family|expecting a baby|plan(?:s|ning)? to have (?:kids|children|a baby)|"
        r"large families|family size)\b",
    ],
    "disability": [
        r"\bdisabilit(?:y|ies)\b(?!\s+(?:benefits|income|payments|checks?|insurance))",
        r"\b(?:disabled|handicap(?:ped)?|wheelchairs?|blind|deaf|autis\w+)\b",
        r"\bmental(?:ly)? ill(?:ness)?\b",
        r"\bchronic(?:ally)? ill(?:ness)?\b",
    ],
}

DECISION_CUES = [
    r"\bapprov\w*",
    r"\bqualif\w*",
    r"\bdisqualif\w*",
    r"\bden(?:y|ies|ied|ial|ying)\b",
    r"\breject\w*",
    r"\bdeclin\w*",
    r"\bturn\w*\s+(?:\w+\s+)?down\b",
    r"\beligib\w*",
    r"\bineligib\w*",
    r"\b(?:higher|lower|better|worse|bigger|larger|smaller|extra|steeper|cheaper)\s+(?:\w+\s+)?"
    r"(?:rates?|interest|aprs?|fees|down payments?|terms|pricing|premiums?|scores?|limits?)\b",
    r"\b(?:rates?|pricing|fees)\s+(?:will|would|could|may|might|are|is|tend to)\s+(?:be\s+)?"
    r"(?:higher|lower)\b",
    r"\bpay\s+(?:\w+\s+)?(?:more|less)\b",
    r"\bcharged?\s+(?:\w+\s+)?more\b",
    r"\bsurcharge\w*",
    r"\brisk(?:y|ier|iest|s)?\b",
    r"\b(?:safe|safer|bad|good|poor) bets?\b",
    r"\b(?:un)?reliabl\w*",
    r"\b(?:un)?trustworth\w*",
    r"\b(?:ir)?responsible\b",
    r"\bcreditworth\w*",
    r"\bdefault\w*",
    r"\b(?:less|more) likely to (?:repay|pay|default|be approved|get|qualify)\b",
    r"\bunstable\b",
    r"\bharder\b",
    r"\beasier\b",
    r"\b(?:more|less) easily\b",
    r"\bdifficult\w*",
    r"\bstruggle\w*",
    r"\b(?:better|worse|lower|higher|good|bad|slim|poor|best)\s+(?:chances?|odds)\b",
    r"\bchances?\b",
    r"\b(?:shorter|fewer|smaller|less favou?rable)\s+(?:\w+\s+)?(?:terms|loans?|amounts?|options)\b",
    r"\btrust\w*\s+(?:\w+\s+)?(?:more|less)\b",
    r"\b(?:less|more)\s+stable\b",
    r"\bcautious\b",
    r"\breluctant\b",
    r"\bhesitant\b",
    r"\bwary\b",
    r"\bprefer\w*",
    r"\bfavou?r\w*",
    r"\bpenali[sz]\w*",
    r"\bdiscount\w*",
    r"\bavoid\w*",
    r"\bfrown\w* (?:up)?on\b",
    r"\blook\w* down on\b",
    r"\bcount\w* against\b",
    r"\bwork\w* against\b",
    r"\bhold\w* (?:it )?against\b",
    r"\bhurt\w*",
    r"\baffect\w*",
    r"\bimpact\w*",
    r"\binfluenc\w*",
    r"\bmatter\w*",
    r"\ba factor\b",
    r"\bfactor\w* in\b",
    r"\bweigh\w*",
    r"\bshould expect\b",
    r"\bexpect\w*\s+(?:\w+\s+){0,3}(?:rates?|terms|denial|approval|"
    r"scrutiny|questions|problems|trouble)\b",
    r"\bco-?sign\w*",
    r"\bsignature\b",
    r"\bnot (?:be )?(?:a )?good candidates?\b",
    r"\bpoor candidates?\b",
    r"\bextra scrutiny\b",
    r"\b(?:lenders?|banks?|underwriters?)\s+(?:\w+\s+){0,2}(?:won't|will not|wouldn't|don't|do not|rarely|"
    r"seldom|hate|dislike|distrust)\s+(?:\w+\s+)?(?:lend|approve|trust|like|want|work)\b",
]

# "Lenders may not consider ...", "can't be used", "won't affect", "is not a factor".
_NEGATED_USE = (
    r"(?:\bnot\b|\bnever\b|n['’]t\b|\bcannot\b|\bno longer\b)\s+(?:\w+\s+){0,2}?"
    r"(?:consider\w*|use[ds]?\b|using|ask\w*|take\w* into account|factor\w*|base[ds]?\b|affect\w*|matter\w*|"
    r"count\w* against|play\w* (?:a|any) (?:role|part)|influenc\w*|impact\w*|hurt\w*|discriminat\w*|"
    r"den(?:y|ied)|reject\w*|treat\w*|charg\w*|penali[sz]\w*|refus\w*|lower\w*|rais\w*|change\w*|"
    r"requir\w*|weigh\w*|look\w* at|judg\w*|decid\w*|determin\w*|allowed|permitted|legal|lawful|"
    r"a factor|a reason|relevant|part of)"
)
LEGAL_CONTEXT_CUES = [
    _NEGATED_USE,
    r"\bno (?:lender|creditor|bank|one)\s+(?:may|can|is allowed to|is permitted to)\b",
    r"\b(?:ECOA|Equal Credit Opportunity|Fair Housing Act|Fair Housing|Regulation B|Reg\.? B|HMDA|CFPB|HUD|"
    r"Consumer Financial Protection|civil rights|fair lending|federal law|state law|the law|by law|legally|"
    r"illegal\w*|unlawful\w*|prohibit\w*|forbid\w*|bann?ed|protected (?:class|characteristic|categor)\w*|"
    r"discriminat\w*|your rights?|right to|government monitoring)\b",
    r"\b(?:can|may|should|could|have the right to)\s+(?:file|submit|lodge|report)\b",
    r"\bif you (?:think|believe|feel|suspect)\b",
    r"\b(?:regardless of|irrespective of|no matter|without regard to|whether (?:or not )?"
    r"(?:you(?:'re| are)|they(?:'re| are)|it is)|has no bearing|is irrelevant|nothing to do with|"
    r"rather than (?:your|their|on)|instead of (?:your|their))\b",
    r"\bnot (?:on |based on |about |because of )?(?:your|their|his|her)\b",
    r"\b(?:only|solely|just) (?:on|about|at) (?:your |their )?(?:income|credit|debt|ability)\b",
]
# Equal-treatment statements ("Social Security income counts as income", "retirees use pension income to
# qualify"): the characteristic is mentioned, but income is what decides.
EQUAL_TREATMENT_CUES = [
    r"\b(?:same (?:way|as|rules|standards)|like any other|just like (?:other|any)|equally|on equal terms)\b",
    r"\bcounts?\s+(?:as|toward|towards)\b",
    r"\b(?:be\s+)?(?:used|counted|included|considered|treated|accepted)\s+"
    r"(?:as|like|toward|towards|to qualify|"
    r"in (?:your )?(?:qualifying )?income)\b",
    r"\bcan (?:also )?be (?:used|counted|included)\b",
    r"\b(?:use|uses|using)\s+(?:\w+\s+){0,4}(?:income|savings|assets)\b",
    r"\b(?:must|have to|has to) (?:be )?(?:count|consider|includ|treat|accept)\w*",
]
# Uses the law permits: age for reverse mortgages (HECM, 62+) and to establish capacity to contract.
PERMITTED_AGE_CUES = [
    r"\b(?:reverse mortgages?|HECM|home equity conversion|62 (?:or|and) older|age of majority|legal age|"
    r"at least 18|18 or older|capacity to (?:contract|sign))\b",
]
# Products defined by a borrower's own faith-based request, not by a lender's judgement.
PERMITTED_RELIGION_CUES = [r"\b(?:halal|sharia|shariah|islamic financ\w*|murabaha|ijara|riba)\b"]

QUESTION_CUES = DECISION_CUES + [
    r"\bcan (?:i|we) (?:still )?(?:get|qualify|buy|borrow|apply)\b",
    r"\bwill (?:lenders?|they|banks?|it)\b",
    r"\bshould (?:i|we) (?:mention|tell|hide|say|disclose|list)\b",
    r"\bdoes (?:being|my|it)\b",
    r"\bis it (?:harder|easier|possible)\b",
    r"\b(?:use|consider|ask about)\b",
    r"\bmortgage\b",
    r"\bloan\b",
]

ADJUSTMENT_NOTICE = (
    "Lenders may not use race, color, religion, national origin, sex, marital status, age, receipt of public "
    "assistance, familial status, disability or the exercise of consumer credit rights when deciding on "
    "credit, so part of this answer was removed."
)
SAFE_REFUSAL = (
    "I can't give advice that treats a protected characteristic such as race, color, religion, national "
    "origin, sex, marital status, age, receipt of public assistance, familial status or disability as a "
    "factor in a credit decision; lenders are not allowed to use them. What lenders may weigh are your "
    "income "
    "and its stability, your credit history, your debt-to-income ratio (DTI), the loan-to-value ratio (LTV) "
    "and your savings, and I'm happy to help you work on any of those."
)


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), _FLAGS)


_CHARACTERISTIC_RES = {name: _compile(patterns) for name, patterns in CHARACTERISTIC_PATTERNS.items()}
_DECISION_RE = _compile(DECISION_CUES)
_LEGAL_RE = _compile(LEGAL_CONTEXT_CUES)
_EQUAL_TREATMENT_RE = _compile(EQUAL_TREATMENT_CUES)
_PERMITTED = {"age": _compile(PERMITTED_AGE_CUES), "religion": _compile(PERMITTED_RELIGION_CUES)}
_QUESTION_RE = _compile(QUESTION_CUES)


@dataclass(frozen=True)
class BiasFlag:
    characteristic: str
    sentence: str
    reason: str


@dataclass(frozen=True)
class BiasReport:
    flags: list[BiasFlag] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|St|No|Jr|Sr|approx|U\.S|Inc|Co)|\b[A-Z])\.$")
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over the original text: breaks after . ! ? followed by space, or at
    newlines, but not after common abbreviations such as "e.g." or "U.S."."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        candidate_end = boundary.end()
        if boundary.group().strip() and _ABBREVIATIONS.search(text[start : boundary.start() + 1]):
            continue
        if text[start:candidate_end].strip():
            spans.append((start, candidate_end))
        start = candidate_end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _characteristics_in(sentence: str) -> list[tuple[str, str]]:
    found = []
    for name, pattern in _CHARACTERISTIC_RES.items():
        match = pattern.search(sentence)
        if match and not (name in _PERMITTED and _PERMITTED[name].search(sentence)):
            found.append((name, match.group()))
    return found


def check_sentence(sentence: str) -> list[BiasFlag]:
    """Flags for one sentence (one per characteristic used as a decision factor)."""
    characteristics = _characteristics_in(sentence)
    if not characteristics:
        return []
    decision = _DECISION_RE.search(sentence)
    if not decision or _LEGAL_RE.search(sentence):
        return []
    flags = []
    for name, matched in characteristics:
        if _EQUAL_TREATMENT_RE.search(sentence):
            continue
        cue = decision.group().strip()
        reason = f"uses {name} ('{matched.strip()}') as a factor in a credit outcome ('{cue}')"
        flags.append(BiasFlag(name, sentence.strip(), reason))
    return flags


def check_text(text: str) -> BiasReport:
    """Check every sentence of an answer for protected characteristics used as decision factors."""
    flags: list[BiasFlag] = []
    for start, end in split_sentences(text):
        flags.extend(check_sentence(text[start:end]))
    return BiasReport(flags)


def enforce(text: str) -> tuple[str, list[BiasFlag]]:
    """Drop flagged sentences and say so once; if nothing legitimate is left, return a safe refusal."""
    spans = split_sentences(text)
    flags: list[BiasFlag] = []
    kept: list[str] = []
    for start, end in spans:
        sentence_flags = check_sentence(text[start:end])
        flags.extend(sentence_flags)
        if not sentence_flags:
            kept.append(text[start:end])
    if not flags:
        return text, []
    remaining = "".join(kept).strip()
    if not remaining:
        return SAFE_REFUSAL, flags
    separator = "\n\n" if "\n" in remaining else " "
    return f"{remaining}{separator}{ADJUSTMENT_NOTICE}", flags


def check_question(text: str) -> BiasReport:
    """Detect a borrower asking whether a protected characteristic affects credit, or asking the assistant to use
    one, so the prompt asks the model to explain that lenders may not use it. Legal-context cues do not clear a
    question: "Can a lender deny me because I'm divorced?" deserves that explanation too."""
    flags: list[BiasFlag] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        cue = _QUESTION_RE.search(sentence)
        if not cue:
            continue
        for name, matched in _characteristics_in(sentence):
            reason = f"asks about {name} ('{matched.strip()}') in a credit context ('{cue.group().strip()}')"
            flags.append(BiasFlag(name, sentence.strip(), reason))
    return BiasReport(flags)
