"""Understanding a borrower's calculation question: every number gets a role, then one calculator runs.

Borrowers write "$300k", "1.2 million", "6 1/2 %", "morgage", ranges and follow-ups ("what about 15 years?").
This module reads such text into a typed `Scenario` (a role for every figure: price, loan, down payment, rate,
term, income, each monthly debt once, taxes, insurance, HOA, PMI, points, fees, a stated payment or DTI ...),
picks the calculator the question asks for and runs it with `tools.loan_math`. The rules it keeps:

- a calculation is shown only when the roles it needs are unambiguous and the result passes sanity bounds;
  otherwise a `Clarification` asks for the missing or ambiguous figure (nothing is invented);
- every assumption (a yearly income taken as yearly, a 40-hour week ...) is stated;
- a figure the borrower states (their DTI, their payment) is checked against the exact one and any difference
  explained.

Method, chosen by measurement (docs/benchmarks.md): a deterministic parser. The local 1.5B model filling a
schema-constrained JSON scenario (`apfa eval calc --method model`) got 2 of 15 report cases right at ~25 s each;
this parser gets all of them in about a millisecond.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from tools import loan_math as lm
from tools.loan_math import format_money as money
from tools.loan_math import format_percent as pct

T = TypeVar("T")

MONTHLY_INCOME_ASSUMED_BELOW = Decimal(15_000)
TYPICAL_TERMS = frozenset(Decimal(years) for years in (10, 15, 20, 25, 30, 40))
ASSUMED_BACK_END_CAP = Decimal(43)
# "total monthly housing obligations should be no more than 28% of your pre-tax income" (CFPB monthly payment
# worksheet, in the knowledge base); "mortgage insurance is typically required if your down payment is less than
# 20 percent" (CFPB Loan Estimate explainer). Named with their source wherever an answer uses them.
HOUSING_RULE_OF_THUMB = Decimal(28)
MORTGAGE_INSURANCE_DOWN_PCT = Decimal(20)
ASSUMED_TERM_MONTHS = 360
# a figure this large next to "payment" is a loan amount ("payment on $700k"), never a monthly payment
LARGEST_MONTHLY_PAYMENT = Decimal(25_000)
HOURS_PER_WEEK = Decimal(40)
STATED_DTI_TOLERANCE = Decimal("1")
STATED_PAYMENT_TOLERANCE = Decimal(1)


class Calculator(StrEnum):
    PAYMENT = "payment"
    TOTAL_INTEREST = "total_interest"
    SCHEDULE = "schedule"
    BALANCE = "balance"
    INTEREST_ONLY = "interest_only"
    ARM = "arm"
    DTI = "dti"
    MAX_LOAN = "max_loan"
    LTV = "ltv"
    PMI = "pmi"
    EXTRA = "extra_payment"
    POINTS = "points"
    REFINANCE = "refinance"
    APR = "apr"
    CASH_TO_CLOSE = "cash_to_close"
    AFFORDABILITY = "affordability"


@dataclass(frozen=True)
class Scenario:
    """Every figure read from the conversation, by role. Monthly amounts unless the name says otherwise."""

    intent: Calculator | None = None
    price: Decimal | None = None
    value: Decimal | None = None
    loan: Decimal | None = None
    down_amount: Decimal | None = None
    down_pct: Decimal | None = None
    second_lien: Decimal | None = None
    rate: Decimal | None = None
    new_rate: Decimal | None = None
    term_months: int | None = None
    new_term_months: int | None = None
    elapsed_months: int | None = None
    as_of: dt.date | None = None
    first_payment: dt.date | None = None
    io_months: int | None = None
    arm_fixed_months: int | None = None
    arm_adjust_months: int | None = None
    cap_initial: Decimal | None = None
    cap_periodic: Decimal | None = None
    cap_lifetime: Decimal | None = None
    margin: Decimal | None = None
    index_rate: Decimal | None = None
    worst_case: bool = False
    income: Decimal | None = None
    income_read_as: str | None = None
    debts: tuple[tuple[str, Decimal], ...] = ()
    no_other_debts: bool = False
    rent: Decimal | None = None
    housing_payment: Decimal | None = None
    taxes: Decimal | None = None
    tax_rate: Decimal | None = None
    insurance: Decimal | None = None
    hoa: Decimal | None = None
    pmi: Decimal | None = None
    pmi_rate: Decimal | None = None
    points: Decimal | None = None
    points_amount: Decimal | None = None
    fees: Decimal | None = None
    lender_credits: Decimal | None = None
    seller_credits: Decimal | None = None
    deposit: Decimal | None = None
    prepaids: Decimal | None = None
    extra_monthly: Decimal | None = None
    extra_yearly: Decimal | None = None
    lump_sum: Decimal | None = None
    lump_month: int | None = None
    biweekly: bool = False
    stated_dti: Decimal | None = None
    dti_cap: Decimal | None = None
    front_cap: Decimal | None = None
    budget: Decimal | None = None
    current_payment: Decimal | None = None
    monthly_saving: Decimal | None = None
    assumptions: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (strings for Decimals and dates) so the scenario survives in the thread's metadata."""
        data: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if value in (None, (), False):
                continue
            if item.name == "debts":
                value = [[label, str(amount)] for label, amount in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Decimal | dt.date | Calculator):
                value = str(value)
            data[item.name] = value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Scenario | None:
        if not data:
            return None
        kinds = {item.name: item.type for item in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for name, raw in data.items():
            kind = str(kinds.get(name, ""))
            try:
                if name == "debts":
                    values[name] = tuple((str(label), Decimal(str(amount))) for label, amount in raw)
                elif name == "intent":
                    values[name] = Calculator(raw)
                elif "Decimal" in kind:
                    values[name] = Decimal(str(raw))
                elif "date" in kind:
                    values[name] = dt.date.fromisoformat(str(raw))
                elif "int" in kind:
                    values[name] = int(raw)
                elif "bool" in kind:
                    values[name] = bool(raw)
                elif name in ("assumptions", "unresolved"):
                    values[name] = tuple(str(item) for item in raw)
            except (ValueError, TypeError, InvalidOperation):
                continue
        return cls(**values)

    @property
    def resolved_loan(self) -> Decimal | None:
        if self.loan is not None:
            return self.loan
        if self.price is not None and self.down_amount is not None:
            return self.price - self.down_amount
        if self.price is not None and self.down_pct is not None:
            return self.price * (1 - self.down_pct / 100)
        return None

    @property
    def property_value(self) -> Decimal | None:
        return self.value if self.value is not None else self.price


@dataclass(frozen=True)
class Figure:
    """One computed figure as shown: a label, the exact value and how to present it."""

    label: str
    value: Decimal
    unit: str  # money | percent | months | rate

    def shown(self) -> str:
        match self.unit:
            case "money":
                return money(self.value)
            case "percent":
                return pct(self.value)
            case "rate":
                return pct(self.value, 3)
            case _:
                return f"{self.value:,.0f}"


@dataclass(frozen=True)
class Calculation:
    """A calculation ready to show: inputs as read, the formula's name, figures to the cent, notes."""

    kind: Calculator
    formula: str
    inputs: list[tuple[str, str]]
    figures: list[Figure]
    summary: str
    assumptions: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    scenario: Scenario = field(default_factory=Scenario)
    schedule: list[lm.AmortizationRow] | None = None

    def text(self) -> str:
        """One paragraph: the summary, the check of any figure the borrower stated, and the assumptions."""
        return " ".join([self.summary, *self.checks, *self.assumptions])

    def markdown(self) -> str:
        """The work as shown before the model's prose: summary, inputs as read, formula, figures to the cent."""
        rows = "\n".join(f"| {label} | {value} |" for label, value in self.inputs)
        figures = " · ".join(f"{figure.label} **{figure.shown()}**" for figure in self.figures)
        notes = "".join(f"\n- {note}" for note in [*self.checks, *self.assumptions])
        return (
            f"{self.summary}\n\n| Input, as read | Value |\n| --- | --- |\n{rows}\n\n"
            f"*Formula:* {self.formula}. *Result:* {figures}{notes}"
        )


@dataclass(frozen=True)
class Clarification:
    """The question needs a figure we do not have (or could not place); ask instead of guessing."""

    kind: Calculator
    missing: list[str]
    scenario: Scenario
    reason: str = ""

    def markdown(self) -> str:
        return f"I need more figures first. {self.text()}"

    def text(self) -> str:
        asked = ", ".join(self.missing[:-1]) + (" and " if len(self.missing) > 1 else "") + self.missing[-1]
        lead = f"{self.reason} " if self.reason else ""
        return f"{lead}To work out the {LABELS[self.kind]} exactly I need {asked}. Could you tell me?"


LABELS = {
    Calculator.PAYMENT: "monthly payment",
    Calculator.TOTAL_INTEREST: "total interest",
    Calculator.SCHEDULE: "amortization schedule",
    Calculator.BALANCE: "remaining balance",
    Calculator.INTEREST_ONLY: "interest-only payment",
    Calculator.ARM: "payment after the rate resets",
    Calculator.DTI: "debt-to-income ratio",
    Calculator.MAX_LOAN: "largest loan you qualify for",
    Calculator.LTV: "loan-to-value ratio",
    Calculator.PMI: "date PMI ends",
    Calculator.EXTRA: "effect of extra payments",
    Calculator.POINTS: "break-even on points",
    Calculator.REFINANCE: "refinance break-even",
    Calculator.APR: "APR",
    Calculator.CASH_TO_CLOSE: "cash to close",
    Calculator.AFFORDABILITY: "fit of this loan to your income",
}

# ----- normalising the text -----

PHRASES = [
    (r"debt[\s-]*to[\s-]*income(?: ratio)?|\bdti\b|back[\s-]?end ratio|debt ratio", " dti "),
    (r"front[\s-]?end(?: ratio| dti)?|housing ratio", " frontend "),
    (r"combined loan[\s-]*to[\s-]*value|\bcltv\b", " cltv "),
    (r"loan[\s-]*to[\s-]*value|\bltv\b", " ltv "),
    (r"annual percentage rate|\ba\.p\.r\.?", " apr "),
    (r"interest[\s-]*only|\bi/o\b|\bio\b", " interestonly "),
    (r"break[\s-]*even|recoup|pay (?:for )?itself|pay (?:it )?back|make (?:it|that) back", " breakeven "),
    (r"bi[\s-]?weekly|every (?:two|2|other) weeks?|every other week|fortnightly", " biweekly "),
    (r"lump[\s-]*sum|one[\s-]*time|one[\s-]*off|windfall|bonus", " lumpsum "),
    (
        r"(?:cash|money|funds) (?:needed |required |due )?(?:to|at) clos\w*|bring (?:to|at) closing|"
        r"need at closing|(?:cash|money|funds) needed|"
        r"how much cash (?:do|will) (?:i|we) need",
        " cashtoclose ",
    ),
    # "prepaid taxes/insurance 3,200" is money paid at closing, not the yearly taxes or insurance
    (
        r"\bprepaid (?:taxes|tax|insurance|interest|items)(?:\s*(?:/|and|&|,)\s*(?:taxes|tax|insurance|interest))*",
        " prepaids ",
    ),
    (
        r"closing costs?|closing fees|settlement costs|origination(?: fees?| charges?)?|lender fees|"
        r"(?:prepaid )?finance charges?",
        " fees ",
    ),
    (r"lender credits?", " lendercredit "),
    (r"seller (?:is |will |would )?(?:credits?|concessions?|paying|pays?|contribut\w*)\b", " sellercredit "),
    (r"earnest money|good faith deposit", " deposit "),
    (r"private mortgage insurance|mortgage insurance|\bmip\b", " pmi "),
    (r"home ?owner'?s'? insurance|homeowners insurance|hazard insurance|home insurance|hoi\b", " insurance "),
    (r"property tax(?:es)?|real estate tax(?:es)?|\btaxes\b|\btax\b", " taxes "),
    (r"\bhoa(?: dues| fees?)?\b|association (?:dues|fees?)|condo fees?", " hoa "),
    (r"buy(?:ing)? (?:the rate |it )?down|rate buy ?down|buy-?down", " buydown "),
    (r"down ?payment|downpayment", " downpayment "),
    (r"(?:for |in |of )?principal (?:and|&) interest\b|\bp ?& ?i\b|\bp and i\b", " pandi "),
    (r"\b(extra|additional) (?:principal )?payments? (?:of )?", r" \1 "),
    (r"interest rate|\brate\b", " rate "),
    # "a refi would make it 2,050": what the payment becomes, never an income ("make")
    (
        r"\b(?:would|will|could|should) (?:make|bring|get|drop|lower|cut|take) (?:it|that|the payment|my payment)"
        r"(?: down)?(?: to)?",
        " would be housingpayment ",
    ),
    (r"(?:(?:new|house|housing|mortgage|home)(?:\s+loan)?\s+)+payments?|\bpiti\b", " housingpayment "),
    (r"car (?:loan|payment|note)s?|auto (?:loan|payment)s?|truck (?:loan|payment)s?|\bcars?\b", " carloan "),
    (r"student (?:loan|debt)s?(?: payments?)?", " studentloan "),
    (r"credit ?cards?(?: payments?| minimums?| bills?)?|\bcards?\b", " creditcard "),
    (r"personal loans?", " personalloan "),
    (r"child support|alimony", " support "),
    (r"second mortgage|2nd mortgage|\bheloc\b|home equity (?:line|loan)|piggy ?back", " secondlien "),
    (r"amortization schedule|amortisation schedule|\bamortization\b|\bamortisation\b|\bschedule\b", " schedule "),
    (r"per month|a month|/ ?mo(?:nth)?\b|\bmonthly\b|\bmo\b|each month|every month|a mo\b", " permonth "),
    (r"per year|a year|/ ?yr\b|/ ?year\b|\byearly\b|\bannually\b|\bannual\b|each year|every year|a yr\b", " peryear "),
    (r"per hour|an hour|/ ?hr\b|/ ?hour\b|\bhourly\b", " perhour "),
    (r"per week|a week|/ ?wk\b|\bweekly\b", " perweek "),
]
PHRASE_PATTERNS = [(re.compile(pattern, re.IGNORECASE), replacement) for pattern, replacement in PHRASES]

TYPO_VOCABULARY = sorted(
    {
        "mortgage",
        "interest",
        "payment",
        "payments",
        "monthly",
        "income",
        "salary",
        "annual",
        "annually",
        "insurance",
        "property",
        "balance",
        "principal",
        "schedule",
        "refinance",
        "refinancing",
        "closing",
        "points",
        "extra",
        "biweekly",
        "adjustable",
        "lifetime",
        "periodic",
        "initial",
        "margin",
        "percent",
        "months",
        "years",
        "debts",
        "credit",
        "student",
        "escrow",
        "appraised",
        "purchase",
        "house",
        "price",
        "afford",
        "borrow",
        "total",
        "remaining",
        "after",
        "loan",
        "taxes",
        "thousand",
        "million",
        "every",
        "earn",
        "make",
        "gross",
        "amortization",
        "additional",
        "break",
        "even",
        "cancel",
        "remove",
        "value",
        "rate",
        "year",
        "month",
        "down",
        "dues",
        "fixed",
        "reset",
        "caps",
        "index",
        "lender",
        "seller",
    }
)
# real words one letter away from a vocabulary word: "period" is not "periodic", "finance" not "refinance"
NOT_TYPOS = frozenset({"period", "periods", "finance", "financed", "financing", "remain", "saves", "handle"})
WORD_NUMBERS = {
    "five": 5,
    "seven": 7,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "twenty five": 25,
    "thirty": 30,
    "forty": 40,
    "three": 3,
    "two": 2,
    "one": 1,
    "four": 4,
    "six": 6,
    "eight": 8,
    "nine": 9,
}
WORD_NUMBER_RE = re.compile(
    r"\b("
    + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
    + r")(?=[\s-]*(?:and a (?:half|quarter)\s+)?(?:years?|yrs?|percent|points?|months?))",
    re.IGNORECASE,
)
# "half a point", "a quarter percent", "quarter of a point"
HALF_QUARTER_RE = re.compile(r"\b(?:a |one )?(half|quarter)(?: of)?(?: a| one)? (points?|percent)\b", re.IGNORECASE)
FRACTION_RE = re.compile(r"(\d+)(?:\s+|-)(1|3|5|7)/(2|4|8)(?!\d)|(\d+)\s*½|(\d+) and a half|(\d+) and a quarter")
ARM_RE = re.compile(r"\b(\d{1,2})\s*/\s*(1|6|3|5)\s*(?:-?\s*(?:arm|adjustable|year arm))", re.IGNORECASE)
CAPS_RE = re.compile(r"\b(\d(?:\.\d+)?)\s*/\s*(\d(?:\.\d+)?)\s*/\s*(\d{1,2}(?:\.\d+)?)\b")
MONTH_NAMES = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
DATE_RE = re.compile(
    rf"\b(?P<mon>(?:{MONTH_NAMES})[a-z]*)\.?\s+(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(?P<year>(?:19|20)\d\d)\b"
    r"|\b(?P<m2>\d{1,2})/(?P<d2>\d{1,2})/(?P<y2>(?:19|20)\d\d)\b|\b(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)\b",
    re.IGNORECASE,
)
NUMBER_RE = re.compile(
    r"(?P<dollar>\$\s*)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s*(?P<mult>k\b|thousand\b|grand\b|million\b|mil\b|mm\b|m\b))?"
    r"(?:\s*(?P<unit>%|percent\b|per cent\b|pct\b|basis points?\b|bps\b|points?\b|pts?\b|"
    r"-?\s*years?\b|-?\s*yrs?\b|-?\s*y\b|-?\s*months?\b|-?\s*mos?\b|-?\s*mths?\b|payments?\b))?",
    re.IGNORECASE,
)
RANGE_JOIN_RE = re.compile(r"^\s*(?:-|–|—|to)\s*$", re.IGNORECASE)
MULTIPLIERS = {
    "k": 1_000,
    "thousand": 1_000,
    "grand": 1_000,
    "million": 1_000_000,
    "mil": 1_000_000,
    "mm": 1_000_000,
    "m": 1_000_000,
}
# A question about a sample form of the knowledge base ("the sample ARM loan estimate", "the example closing
# disclosure", "the standard note") asks what the document says, not for a calculation of the borrower's own.
SAMPLE_DOCUMENT_RE = re.compile(
    r"(?<!for )\b(?:sample|example|standard)\b(?:\s+[\w/-]+){0,4}?\s+"
    r"(?:estimate|disclosure|note|form|worksheet|document|doc|le|cd)s?\b",
    re.IGNORECASE,
)
# So does one about a worksheet, tool or calculator the knowledge base explains ("on the payment worksheet what
# should i put for maintenance?", "which terms does the cfpb loan term calculator compare?") or about one of its
# examples ("the michael jones arm example"): asking the borrower for a loan amount answers nobody.
EXPLAINED_TOOL_RE = re.compile(
    r"\bworksheet\b|\bexplore rates\b|\b(?:cfpb|their|the|this|that)\b(?:\s+[\w/-]+){0,3}?\s+(?:tool|calculator)\b|"
    r"\b(?:arm|loan|mortgage) example\b",
    re.IGNORECASE,
)
# Figures that are not amounts: a credit score ("my score is mid 600s", "a 640 fico") and a calendar year
# ("between 2008 and 2014") must not be read as a loan amount or a price.
CREDIT_SCORE_RE = re.compile(
    r"\b(?:credit\s*)?scores?\s+(?:is\s+|of\s+|was\s+|around\s+|about\s+|in the\s+|mid\s+|low\s+|high\s+|upper\s+|"
    r"lower\s+|~\s*)*(?P<score>[3-8]\d\d)s?\b|\b(?P<before>[3-8]\d\d)s?\s+(?:credit\s*score|fico|score)\b|"
    r"\bfico\s+(?:of\s+|is\s+|around\s+|about\s+)*(?P<fico>[3-8]\d\d)\b",
)
YEAR = r"(?:19[5-9]\d|20[0-4]\d)(?![\d,.]|\s*(?:k\b|/|dollars|bucks|a month|a year|per|monthly|yearly))"
CALENDAR_YEAR_RE = re.compile(
    rf"\b(?:in|since|between|from|by|until|during|before|after|year|early|late|mid)\s+(?P<year>{YEAR})"
    rf"(?:\s*(?:and|to|through|-|–)\s*(?P<until>{YEAR}))?"
)
CLAUSE_BREAK_RE = re.compile(r"[;,!?]|\.(?!\d)|\s(?:and|but|plus|with|while|so|also|then)\s", re.IGNORECASE)
WORD_RE = re.compile(r"[a-z][a-z'_]*")
FILLER = frozenset(
    {
        "a",
        "an",
        "the",
        "about",
        "around",
        "roughly",
        "approximately",
        "approx",
        "like",
        "just",
        "only",
        "is",
        "are",
        "was",
        "of",
        "at",
        "be",
        "would",
        "will",
        "my",
        "our",
        "i",
        "we",
        "its",
        "it's",
        "that",
        "this",
        "some",
        "another",
        "currently",
        "total",
        "in",
        "um",
        "maybe",
        "probably",
        "for",
        "on",
        "to",
    }
)


def _fix_typos(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if len(lower) < 5 or lower in TYPO_VOCABULARY or lower in NOT_TYPOS:
            return word
        close = difflib.get_close_matches(lower, TYPO_VOCABULARY, n=1, cutoff=0.84)
        return close[0] if close else word

    return re.sub(r"[A-Za-z]+", fix, text)


def _fraction(match: re.Match[str]) -> str:
    if match.group(1):
        return str(Decimal(match.group(1)) + Decimal(match.group(2)) / Decimal(match.group(3)))
    if match.group(6):
        return f"{match.group(6)}.25"
    return f"{match.group(4) or match.group(5)}.5"


NUMBER_WORDS = {
    **{
        word: value
        for value, word in enumerate(
            [
                "zero",
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
            ]
        )
    },
    **{
        word: 10 * tens
        for tens, word in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2)
    },
}
SCALE_WORDS = {"thousand": 1_000, "million": 1_000_000}
_NUMBER_WORD = "|".join(sorted([*NUMBER_WORDS, "hundred", *SCALE_WORDS], key=len, reverse=True))
SPELLED_AMOUNT_RE = re.compile(
    rf"\b(?P<lead>(?:half )?a\s+(?=hundred|thousand|million))?(?P<words>(?:{_NUMBER_WORD})"
    rf"(?:(?:\s+and\s+|[\s-]+)(?:{_NUMBER_WORD}))*)\b",
    re.IGNORECASE,
)


def _spelled_amount(match: re.Match[str]) -> str:
    """ "three hundred and twenty thousand" -> $320000, "half a million" -> $500000; a run of number words
    without "thousand" or "million" is left to the term and rate readers ("thirty years")."""
    words = re.findall(_NUMBER_WORD, match["words"].lower())
    if not set(words) & SCALE_WORDS.keys() or not match["lead"] and words[0] not in NUMBER_WORDS:
        return match.group(0)  # "thirty years", or "1.2 million" (digits before the scale word)
    total, current = Decimal(0), Decimal(1 if match["lead"] else 0)
    for word in words:
        if word == "hundred":
            current = (current or Decimal(1)) * 100
        elif word in SCALE_WORDS:
            total += (current or Decimal(1)) * SCALE_WORDS[word]
            current = Decimal(0)
        else:
            current += NUMBER_WORDS[word]
    value = total + current
    if match["lead"] and match["lead"].lower().startswith("half"):
        value /= 2
    return f"${value:f}"


def normalize(text: str) -> str:
    """Lower-case, typos fixed, number words and fractions as digits, multi-word terms as one token."""
    text = _fix_typos(text.replace("’", "'").replace("‘", "'"))
    text = SPELLED_AMOUNT_RE.sub(_spelled_amount, text)
    text = WORD_NUMBER_RE.sub(lambda m: str(WORD_NUMBERS[m.group(1).lower()]), text)
    text = FRACTION_RE.sub(_fraction, text)
    text = HALF_QUARTER_RE.sub(lambda m: f"{'0.5' if m[1].lower() == 'half' else '0.25'} {m[2]}", text)
    for pattern, replacement in PHRASE_PATTERNS:
        text = pattern.sub(replacement, text)
    return " ".join(text.lower().split())


# ----- numbers and their roles -----


@dataclass
class Mention:
    kind: str  # money | percent | years | months | points | plain
    value: Decimal
    start: int
    end: int
    high: Decimal | None = None
    dollar: bool = False
    role: str | None = None


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def scan_numbers(text: str) -> list[Mention]:
    mentions: list[Mention] = []
    for match in NUMBER_RE.finditer(text):
        try:
            value = Decimal(match["num"].replace(",", ""))
        except InvalidOperation:
            continue
        unit = re.sub(r"[\s-]", "", (match["unit"] or "").lower())
        if match["mult"]:
            value *= MULTIPLIERS[match["mult"].lower()]
        if unit in {"%", "percent", "pct"} or unit.startswith("percent") or unit == "percent":
            kind = "percent"
        elif unit.startswith(("basispoint", "bps")):
            kind, value = "percent", value / 100
        elif unit.startswith(("point", "pt")):
            kind = "points"
        elif unit.startswith(("year", "yr")) or unit == "y":
            kind = "years"
        elif unit.startswith(("month", "mo", "mth")):
            kind = "months"
        elif unit.startswith("payment"):
            kind = "payments"
        elif match["dollar"] or match["mult"] or "," in match["num"] or value >= 100:
            kind = "money"
        else:
            kind = "plain"
        mentions.append(Mention(kind, value, match.start(), match.end(), dollar=bool(match["dollar"])))
    return _merge_ranges(text, mentions)


def _merge_ranges(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "$1,500-$1,700", "6 to 6.5%", "between 5,000 and 5,500": one mention with a low and a high end."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        between = text[previous.end : mention.start] if previous else ""
        joined = (
            previous is not None
            and not text[: previous.start].rstrip().endswith("from")
            and (
                RANGE_JOIN_RE.match(between)
                or (between.strip() == "and" and text[: previous.start].rstrip().endswith("between"))
            )
        )
        if previous is not None and joined and previous.high is None:
            if previous.kind == "plain" and mention.kind != "plain":
                previous.kind = mention.kind
                previous.value *= mention.value / mention.value if not mention.dollar else 1
            if previous.kind == mention.kind or mention.kind == "plain":
                if mention.kind == "money" and previous.value < 1000 <= mention.value and not previous.dollar:
                    previous.value *= 1000 if mention.value >= 1000 * previous.value / 10 else 1
                previous.high = mention.value
                previous.end = mention.end
                continue
        merged.append(mention)
    return merged


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    left = 0
    right = len(text)
    for match in CLAUSE_BREAK_RE.finditer(text):
        if match.end() <= start:
            left = match.end()
        elif match.start() >= end:
            right = match.start()
            break
    return text[left:start], text[end:right]


def _words(fragment: str) -> list[str]:
    return [word for word in WORD_RE.findall(fragment) if word not in FILLER]


MONEY_ROLES: list[tuple[str, frozenset[str]]] = [
    ("pmi", frozenset({"pmi"})),
    ("taxes", frozenset({"taxes"})),
    ("insurance", frozenset({"insurance"})),
    ("hoa", frozenset({"hoa"})),
    ("fees", frozenset({"fees", "fee", "costs", "charges", "closing"})),
    ("lender_credit", frozenset({"lendercredit"})),
    ("seller_credit", frozenset({"sellercredit"})),
    ("deposit", frozenset({"deposit"})),
    ("prepaids", frozenset({"prepaids", "prepaid", "escrow", "reserves"})),
    ("second_lien", frozenset({"secondlien"})),
    ("down", frozenset({"down", "downpayment", "put", "putting"})),
    ("extra", frozenset({"extra", "additional", "more", "prepay", "prepaying", "towards", "toward", "add", "adding"})),
    ("lump_sum", frozenset({"lumpsum"})),
    ("points_amount", frozenset({"points", "point"})),
    ("debt:car", frozenset({"carloan"})),
    ("debt:student loan", frozenset({"studentloan"})),
    ("debt:credit card", frozenset({"creditcard"})),
    ("debt:personal loan", frozenset({"personalloan"})),
    ("debt:support", frozenset({"support"})),
    ("debt:other", frozenset({"debt", "debts", "obligations", "bills", "minimums", "installment", "liabilities"})),
    ("rent", frozenset({"rent", "renting"})),
    (
        "income",
        frozenset(
            {
                "earn",
                "earns",
                "earning",
                "income",
                "make",
                "makes",
                "making",
                "salary",
                "gross",
                "wage",
                "wages",
                "paid",
                "bring",
                "brings",
                "earnings",
                "household",
            }
        ),
    ),
    ("budget", frozenset({"afford", "budget", "comfortable", "max", "spend", "handle"})),
    ("monthly_saving", frozenset({"saves", "save", "saving"})),
    ("housing_payment", frozenset({"payment", "housingpayment", "housing", "pay", "new", "pandi"})),
    ("value", frozenset({"worth", "valued", "appraised", "appraisal", "value", "appraises"})),
    (
        "price",
        frozenset(
            {
                "house",
                "home",
                "property",
                "price",
                "purchase",
                "buying",
                "buy",
                "bought",
                "condo",
                "townhouse",
                "townhome",
                "place",
                "apartment",
                "duplex",
                "listed",
                "offer",
                "costs",
                "cost",
                "priced",
                "sale",
            }
        ),
    ),
    (
        "loan",
        frozenset(
            {
                "loan",
                "mortgage",
                "borrow",
                "borrowing",
                "principal",
                "financing",
                "finance",
                "financed",
                "balance",
                "owe",
                "owing",
                "left",
                "refinance",
                "refi",
                "refinancing",
                "arm",
            }
        ),
    ),
]
WEAK_ROLE_WORDS = frozenset({"pay", "new", "spend"})
STRONG_ROLE_WORDS = frozenset({"sellercredit", "lendercredit", "deposit", "secondlien", "lumpsum"})
ROLE_PRIORITY = {role: index for index, (role, _) in enumerate(MONEY_ROLES)}
AFTER_WINDOW = 4
BEFORE_WINDOW = 5


def _money_role(text: str, mention: Mention) -> str | None:
    """The role word nearest the figure in its clause; words right after it win ties ("$400 car payment")."""
    before, after = _clause(text, mention.start, mention.end)
    claimed_by_next = _keyword_before_next_number(after)
    if re.search(r"\b(?:down|downpayment)\b[^$\d]*[\d.]+\s*%\s*of\s*$", before):
        return "price"  # "down payment is 10% of 350k"
    added_to_payment = re.search(r"\b(?:add|adding|put|putting|throw|throwing)\s*\$?\s*$", before) and re.match(
        r"\s*(?:permonth|peryear)?\s*(?:more |extra )?(?:to|toward|towards|onto) (?:my|the|our|each) "
        r"(?:housingpayment|payment|mortgage|loan|principal)",
        after,
    )
    if added_to_payment:
        return "extra"  # "add $400 a month to my payment": more than the payment, not the payment itself
    pieces = re.split(r"\d", before)
    before = pieces[-1]
    after = re.split(r"\$?\d", after)[0]
    after_words = [w for w in _words(after) if w not in PERIOD_WORDS][:AFTER_WINDOW]
    between = [w for w in _words(before) if w not in PERIOD_WORDS]
    introduces_this = re.fullmatch(r"[\s,.%]*(?:permonth|peryear)?\s*[a-z_]+\s*(?:of|is|are|:)?\s*\(?\s*\$?\s*", before)
    if len(pieces) > 1 and between and not introduces_this and any(between[0] in v for _, v in MONEY_ROLES):
        between = between[1:]  # "$200 extra ... on $300,000": "extra" describes the figure before it
    before_words = list(reversed(between))[:BEFORE_WINDOW]
    raw_before = [word for word in before.split() if word not in ("a", "an", "the", "my", "our")]
    candidates: list[tuple[float, float, int, str]] = []
    price_words = dict(MONEY_ROLES)["price"] | dict(MONEY_ROLES)["value"] | {"sold", "listed", "appraised"}
    if raw_before and raw_before[-1] in ("on", "for") and not (len(raw_before) > 1 and raw_before[-2] in price_words):
        candidates.append((0, 0.5, ROLE_PRIORITY["loan"], "loan?"))  # "payment on $300k": most likely the loan
    # "borrow $112,000 to buy a $140,000 home": a purpose clause after the figure says what the money is for, not
    # what it is, so the word before it ("borrow") decides
    purpose_follows = bool(re.match(r"\s*(?:to|so (?:i|we) can|in order to)\b", after))
    for side, words in ((0, after_words), (1, before_words)):
        for position, word in enumerate(words):
            distance: float = position
            if side == 0 and purpose_follows:
                distance += 1
            if side == 0 and word in claimed_by_next:
                distance += 3
            if word in WEAK_ROLE_WORDS:
                distance += 2  # "we pay 650/mo for two cars": the debt word says more than the verb
            if word in STRONG_ROLE_WORDS:
                distance -= 0.5  # "seller paying 2,000 of costs": a credit, not the closing costs
            for role, vocabulary in MONEY_ROLES:
                if word in vocabulary:
                    candidates.append((distance, side, ROLE_PRIORITY[role], role))
    if not candidates:
        return None
    return min(candidates)[3]


def _keyword_before_next_number(after: str) -> set[str]:
    """In "taxes $350 insurance $120", "insurance" introduces the next figure rather than describing this one."""
    match = re.match(r"^\s*(?:permonth|peryear)?\s*([a-z_]+)\s+(?:of\s+|is\s+|are\s+)?\$?\d", after)
    return {match.group(1)} if match else set()


PERIOD_WORDS = {"permonth": "month", "peryear": "year", "perhour": "hour", "perweek": "week", "biweekly": "biweek"}


def _period(text: str, mention: Mention) -> str | None:
    before, after = _clause(text, mention.start, mention.end)
    for word in _words(after)[:3]:
        if word in PERIOD_WORDS:
            return PERIOD_WORDS[word]
    for word in list(reversed(_words(before)))[:4]:
        if word in PERIOD_WORDS:
            return PERIOD_WORDS[word]
    return None


CAP_WORDS = frozenset(
    {
        "max",
        "maximum",
        "limit",
        "cap",
        "caps",
        "allow",
        "allows",
        "allowed",
        "under",
        "below",
        "most",
        "guideline",
        "guidelines",
        "lender",
        "lenders",
        "requires",
        "want",
        "keep",
        "stay",
        "qualify",
        "approve",
        "program",
        "standard",
    }
)
RATE_MOVES = frozenset(
    {"push", "pushes", "pushed", "goes", "go", "rises", "rise", "jumps", "climbs", "moves", "hits", "reaches"}
)
CURRENT_RATE_WORDS = frozenset(
    {"current", "currently", "now", "existing", "old", "from", "original", "paying", "have", "got", "locked"}
)
NEW_RATE_WORDS = frozenset(
    {
        "new",
        "refinance",
        "refi",
        "refinancing",
        "offered",
        "quote",
        "quoted",
        "buy",
        "bought",
        "buydown",
        "drop",
        "lower",
        "goes",
        "go",
        "reset",
        "resets",
        "adjusts",
        "adjust",
        "rises",
        "rise",
        "jumps",
        "jump",
        "indexed",
        "becomes",
        "increase",
        "increases",
        "would",
        "instead",
        "get",
        "reduce",
        "reduces",
        "offering",
    }
)


def _own_context(before: str, after: str) -> tuple[str, str]:
    """Cut a percent's context at its neighbouring percents: in "36% DTI at 7%" the "DTI" labels the 36%.

    Words past a neighbouring percent describe that one, and so does the word right after it ("N% DTI").
    """
    earlier = [m for m in scan_numbers(before) if m.kind == "percent"]
    if earlier:
        rest = before[earlier[-1].end :]
        own_label = WORD_RE.search(rest)
        before = rest[own_label.end() :] if own_label else rest
    later = [m for m in scan_numbers(after) if m.kind == "percent"]
    if later:
        after = after[: later[0].start]
    return before, after


def _percent_role(text: str, mention: Mention) -> str:
    before, after = _own_context(*_clause(text, mention.start, mention.end))
    near_before = list(reversed(_words(before)))[:5]
    near_after = _words(after)[:3]
    words = set(near_before) | set(near_after)
    immediate_after = near_after[:1]
    if (
        immediate_after
        and immediate_after[0] in ("down", "downpayment")
        or "downpayment" in near_before[:3]
        or bool(re.search(r"\bput(?:s|ting)?\s+down\s*$", before))  # "put down 12%"
    ):
        return "down_pct"
    if near_after[:1] and near_after[0] in ("points", "point"):
        return "points"
    if near_before[:1] == ["fees"] or near_after[:1] == ["fees"]:
        return "fee_pct"  # "origination 1%", "1% origination fee": a share of the loan paid at closing
    share_of_income = re.match(
        r"\s*of (?:my|our|the|your)? ?(?:gross |pre-?tax |total )?(?:permonth |monthly |peryear )?"
        r"(?:income|pay|salary|earnings)\b",
        after,
    )
    if share_of_income:
        # "my debt payments would be 31% of my income": a stated ratio, never an interest rate
        words = words | {"dti"}
    if words & {"dti", "frontend"}:
        front = "frontend" in words
        if words & CAP_WORDS:
            return "front_cap" if front else "dti_cap"
        if not front and (share_of_income or re.search(r"\b(?:my|our)\b", before)):
            return "own_dti"  # "my DTI would be 30%": the borrower's own ratio, to check, never a limit to solve for
        return "stated_front" if front else "stated_dti"
    if words & {"ltv", "cltv"}:
        return "stated_ltv"
    if "pmi" in words:
        return "pmi_rate"
    if "taxes" in words:
        return "tax_rate"
    if "margin" in words:
        return "margin"
    if before.rstrip().endswith(" to") and set(near_before[:3]) & RATE_MOVES:
        return "new_rate"  # "if the index pushes it to 9%": where the rate goes, not the index itself
    if words & {"index", "sofr", "treasury", "libor"}:
        return "index_rate"
    if words & {"cap", "caps"}:
        if words & {"lifetime", "life"}:
            return "cap_lifetime"
        if words & {"periodic", "subsequent", "annual", "each", "peryear"}:
            return "cap_periodic"
        return "cap_initial"
    if re.search(r"\bapr (?:is|of|was|=|:)\s*$", before):
        return "stated_apr"
    if words & {"appreciation", "appreciate", "raise", "inflation", "return", "invest", "savings"}:
        return "ignored"
    if near_before[:1] and near_before[0] == "from":
        return "rate"
    if set(near_before[:3]) & NEW_RATE_WORDS or set(near_after[:2]) & {"instead"}:
        return "new_rate"
    if before.rstrip().endswith(" to") and set(near_before[:4]) & {"down", "rate", "goes", "buy"}:
        return "new_rate"
    if set(near_before[:3]) & CURRENT_RATE_WORDS:
        return "rate"
    return "rate"


def _term_role(text: str, mention: Mention) -> str:
    before, after = _clause(text, mention.start, mention.end)
    near_before = list(reversed(before.split()))[:4]
    near_after = after.split()[:3]
    words = set(near_before) | set(near_after)
    if "interestonly" in words:
        return "io"
    if words & {"fixed", "first", "initial", "intro", "teaser"} and (words & {"arm", "adjustable", "then"}):
        return "fixed"
    if (
        near_before[:1]
        and near_before[0] in ("after", "made", "paid", "past", "been", "paying", "since")
        or (words & {"ago", "already", "elapsed", "made", "paid", "past"})
    ):
        return "elapsed"
    if "after" in near_before[:3] or near_before[:2] == ["in", "year"] or near_before[:2] == ["month", "in"]:
        return "elapsed"
    if words & {"sell", "move", "stay", "keep", "plan", "planning", "horizon", "live"}:
        return "horizon"
    if "interestonly" in text and set(near_before[:3]) & {"remaining", "amortizing", "amortized", "amortizes"}:
        return "after_io"  # "interest only 5 yrs then amortizing over the remaining 25"
    if near_before[:1] and near_before[0] == "in" and not (words & {"off", "payoff"}):
        return "elapsed"
    return "term"


def _months_of(mention: Mention) -> int:
    months = mention.value * 12 if mention.kind == "years" else mention.value
    return int(months)


# ----- intent -----

INTENT_PATTERNS: list[tuple[Calculator, re.Pattern[str]]] = [
    (Calculator.CASH_TO_CLOSE, re.compile(r"cashtoclose")),
    (Calculator.APR, re.compile(r"\bapr\b(?! of)")),
    (
        Calculator.PMI,
        re.compile(
            r"\bpmi\b.*\b(?:cancel\w*|drop\w*|remov\w*|get rid|end|ends|stop\w*|terminat\w*|"
            r"go away|come off|off|when|how long|until|rid)\b|"
            r"\b(?:cancel\w*|drop\w*|remov\w*|get rid of|stop|end|until|request)\b.*\bpmi\b"
        ),
    ),
    (
        Calculator.POINTS,
        re.compile(
            r"\bpoints?\b.*\b(?:breakeven|worth|how long|months)\b|\b(?:worth|breakeven)\b.*\bpoints?\b|"
            r"\bbreakeven\b.*\bpoints?\b|\bbuy(?:ing)? (?:the rate )?down\b|buydown"
        ),
    ),
    # a new loan replacing the one owed, with costs to recoup, is a refinance even unnamed
    (Calculator.REFINANCE, re.compile(r"\brefi\w*\b|\brefinanc\w*|\bnew\b.*\bbreakeven\b")),
    (Calculator.ARM, re.compile(r"\barm\b|adjustable|\breset\w*|\badjusts?\b|fully indexed")),
    (Calculator.INTEREST_ONLY, re.compile(r"interestonly")),
    (
        Calculator.EXTRA,
        re.compile(
            r"\bextra\b|\badditional\b|biweekly|lumpsum|\bprepay\w*|pay (?:it )?off (?:early|faster|sooner)|"
            r"(?:sooner|faster|earlier) (?:is it |it's |it is |will it be )?paid off|"
            r"paid off (?:sooner|faster|earlier)|"
            r"\b(?:put|putting|throw|throwing) \$?[\d,.]+k?\s*(?:permonth|peryear)? ?(?:to|toward|towards|onto)\b|"
            r"\badd(?:ing)? \$?[\d,.]+k?\s*(?:permonth|peryear)"
        ),
    ),
    (
        Calculator.MAX_LOAN,
        re.compile(
            r"how much (?:house|home|loan|mortgage|(?:can|could|would|will) (?:i|we) (?:borrow|afford|get|qualify))|"
            r"\bmax(?:imum)? (?:loan|mortgage|price|purchase|house|home|amount|i can)|"
            r"(?:biggest|largest|most expensive) (?:loan|mortgage|house|home)|"
            r"\bthe most (?:i|we) (?:can|could) (?:borrow|afford|get|qualify)|"
            r"afford to borrow|qualify for how much|what price|how big (?:a )?(?:loan|mortgage)|"
            r"how expensive|\bcan (?:i|we) (?:really |actually )?afford\b|\bi can afford\b"
        ),
    ),
    (Calculator.LTV, re.compile(r"\b(?:c?ltv)\b")),
    (Calculator.DTI, re.compile(r"\bdti\b|\bfrontend\b")),
    (
        Calculator.BALANCE,
        re.compile(
            r"\bbalance\b|\bowe\b.*\bafter\b|still owe|left (?:to pay|on|after)|remaining|payoff amount|"
            r"paid (?:down|off) by|how much (?:will i|would i|do i) (?:still )?owe|\bwill i (?:still )?owe\b|"
            r"\bowe (?:on|by|in|at)\b"
        ),
    ),
    (Calculator.SCHEDULE, re.compile(r"\bschedule\b|year by year|month by month|breakdown")),
    (
        Calculator.TOTAL_INTEREST,
        re.compile(
            r"total (?:interest|cost)|how much interest|interest (?:will|would) i pay|"
            r"interest over|in interest|lifetime interest"
        ),
    ),
    (
        Calculator.PAYMENT,
        re.compile(
            r"payment|permonth|how much (?:will|would|is|do)|\bpiti\b|\bcost\b|calculat|"
            r"what (?:would|will|is|'s) (?:i|my|the)|\bpandi\b"
        ),
    ),
]
FOLLOW_UP_RE = re.compile(
    r"^\s*(?:and|what about|how about|what if|with|at|for|same|ok|okay|now|instead|then|if)\b|"
    r"\b(?:that loan|same loan|this loan|that mortgage|same (?:numbers|house|home|figures|thing)|instead|"
    r"that one|those numbers|it was|the same)\b"
)


def detect_intent(text: str) -> Calculator | None:
    for calculator, pattern in INTENT_PATTERNS:
        if pattern.search(text):
            if calculator is Calculator.REFINANCE and not re.search(
                r"breakeven|worth|how long|save|saving|months", text
            ):
                continue
            return calculator
    return None


# ----- reading a message into a scenario -----


def _date_from(match: re.Match[str]) -> dt.date | None:
    try:
        if match["mon"]:
            month = [m[:3] for m in MONTH_NAMES.split("|")].index(match["mon"][:3].lower()) + 1
            return dt.date(int(match["year"]), month, int(match["day"] or 1))
        if match["m2"]:
            return dt.date(int(match["y2"]), int(match["m2"]), int(match["d2"]))
        return dt.date(int(match["y3"]), int(match["m3"]), int(match["d3"]))
    except ValueError:
        return None


def _read_dates(text: str, found: dict[str, Any]) -> list[tuple[int, int]]:
    spans = []
    for match in DATE_RE.finditer(text):
        spans.append(match.span())
        date = _date_from(match)
        if date is None:
            continue
        before = DATE_RE.split(text[max(0, match.start() - 90) : match.start()])[-1]
        if re.search(r"\b(?:first payment|started|start|began|closed|since|beginning)\b", before):
            found["first_payment"] = date
        else:
            found["as_of"] = date
    return spans


def _not_amounts(text: str) -> list[tuple[int, int]]:
    """Where a credit score or a calendar year stands (`CREDIT_SCORE_RE`, `CALENDAR_YEAR_RE`)."""
    scores = [match.span(group) for match in CREDIT_SCORE_RE.finditer(text) for group in ("score", "before", "fico")]
    years = [match.span(group) for match in CALENDAR_YEAR_RE.finditer(text) for group in ("year", "until")]
    return [span for span in scores + years if span != (-1, -1)]


def _read_arm(text: str, found: dict[str, Any]) -> list[tuple[int, int]]:
    spans = []
    arm = ARM_RE.search(text)
    if arm:
        spans.append((arm.start(1), arm.end(2)))
        found["arm_fixed_months"] = int(arm.group(1)) * 12
        found["arm_adjust_months"] = (
            12 if arm.group(2) == "1" else int(arm.group(2)) * (1 if arm.group(2) == "6" else 12)
        )
    caps = CAPS_RE.search(text)
    if caps and re.search(r"\bcaps?\b|structure", text):
        spans.append(caps.span())
        found["cap_initial"], found["cap_periodic"], found["cap_lifetime"] = (Decimal(g) for g in caps.groups())
    return spans


def _income_assumption(value: Decimal, period: str | None, has_salary: bool) -> tuple[Decimal, str, str | None]:
    if period:
        return lm.monthly_income_from(value, period, HOURS_PER_WEEK), period, None
    if has_salary or value >= MONTHLY_INCOME_ASSUMED_BELOW:
        return value / 12, "year", f"{money(value, cents=False)} was read as a yearly income (divided by 12)."
    return value, "month", f"{money(value, cents=False)} was read as a gross monthly income."


def _monthly_cost(label: str, value: Decimal, period: str | None, yearly_from: Decimal) -> tuple[Decimal, str | None]:
    if period == "year":
        return value / 12, None
    if period is None and value >= yearly_from:
        return value / 12, f"{label} of {money(value, cents=False)} was read as a yearly amount (divided by 12)."
    return value, None


def read_scenario(question: str, intent_source: str | None = None, follow_up_of: Calculator | None = None) -> Scenario:
    """Read one message into a scenario: each figure gets exactly one role or is listed as unresolved.

    `follow_up_of` is the calculation a follow-up continues ("and if I add a $1,500 mortgage?" after a DTI).
    """
    text = normalize(question)
    found: dict[str, Any] = {"intent": detect_intent(normalize(intent_source) if intent_source else text)}
    asked = found["intent"] or follow_up_of
    assumptions: list[str] = []
    unresolved: list[str] = []
    masked = _mask(text, _read_dates(text, found) + _read_arm(text, found) + _not_amounts(text))
    debts: list[tuple[str, Decimal]] = []
    weak_loans: list[Decimal] = []
    if re.search(
        r"\bno (?:other )?(?:debts?|creditcard|carloan|studentloan|monthly debts?|other (?:loans|payments))\b|"
        r"\bdebt[\s-]?free\b|\bnothing else\b|\bno other (?:bills|obligations)\b",
        text,
    ):
        found["no_other_debts"] = True
    if "worst" in text or "maximum payment" in text or "highest" in text:
        found["worst_case"] = True
    if "biweekly" in text:
        found["biweekly"] = True
    terms: list[Mention] = []
    rates: list[tuple[str, Decimal, Mention]] = []
    own_ratio = False
    fee_shares: list[Decimal] = []
    previous_money: tuple[int, str] | None = None  # where the last dollar figure ended, and its role
    for mention in scan_numbers(masked):
        value = mention.high if mention.high is not None else mention.value
        if mention.high is not None:
            assumptions.append(
                f"You gave a range ({mention.value.normalize():,f}–{mention.high.normalize():,f}); "
                "I used the upper end."
            )
        if mention.kind in ("years", "months"):
            terms.append(mention)
            continue
        if mention.kind == "payments":
            found.setdefault(
                "elapsed_months"
                if _term_role(masked, mention) in ("elapsed", "term")
                and re.search(r"after|made|paid", masked[: mention.start][-30:])
                else "term_months",
                int(value),
            )
            continue
        if mention.kind == "points":
            if "points" not in found:
                found["points"] = value
            continue
        if mention.kind == "percent":
            percent_role = _percent_role(masked, mention)
            if percent_role in ("rate", "new_rate"):
                rates.append((percent_role, value, mention))
            elif percent_role == "stated_front":
                found.setdefault("stated_dti", value)
            elif percent_role == "own_dti":
                found.setdefault("stated_dti", value)
                own_ratio = True
            elif percent_role == "fee_pct":
                fee_shares.append(value)
            elif percent_role not in ("ignored", "stated_ltv", "stated_apr"):
                found.setdefault(percent_role, value)
            continue
        if mention.kind == "plain":
            if (
                0 < value < 25
                and "." in masked[mention.start : mention.end]
                and re.search(r"(?:\bat|@|\brate|quoted|offered|interest)(?:\s+\w+){0,2}\s*$", masked[: mention.start])
            ):
                rates.append(("rate", value, mention))
                assumptions.append(f"{value.normalize():f} was read as an interest rate of {value.normalize():f}%.")
                continue
            if rates and 0 < value < 25 and re.search(r"\bfrom\s+[\d.]+\s*%?\s+to\s*$", masked[: mention.start]):
                rates.append(("new_rate", value, mention))  # "down from 7.125 to 6.625": the second rate
                assumptions.append(f"{value.normalize():f} was read as an interest rate of {value.normalize():f}%.")
                continue
            if value in TYPICAL_TERMS and re.search(
                r"\b(?:for|over)(?: the)?(?: remaining| rest of the| next)?\s*$", masked[: mention.start]
            ):
                terms.append(Mention("years", value, mention.start, mention.end))
                assumptions.append(f'"for {value}" was read as a {value}-year term.')
                continue
            if re.match(r"\s*(?:payments?|months? in|x)\b", masked[mention.end :]):
                found.setdefault("elapsed_months", int(value))
            continue
        role = _money_role(masked, mention)
        period = _period(masked, mention)
        listed_after = previous_money is not None and re.fullmatch(
            r"\s*(?:,|and|&|\+|plus)\s*\$?\s*", masked[previous_money[0] : mention.start]
        )
        if role is None and listed_after and previous_money and previous_money[1].startswith("debt:"):
            role = previous_money[1]  # "car loans 600 and 450": the second figure is another debt of that kind
        previous_money = (mention.end, role or "")
        if role is None:
            unresolved.append(money(value, cents=False))
            continue
        paid_for_home = re.search(r"\bpaid\s*\$?\s*$", masked[: mention.start]) and re.search(
            r"\b(?:down|downpayment)\b", masked
        )
        if role == "income" and period is None and paid_for_home:
            role = "price"  # "paid $425k with 10% down": what the home cost, not what the borrower is paid
        if (
            role in ("loan", "loan?")
            and asked is Calculator.DTI
            and (period == "month" or value < MONTHLY_INCOME_ASSUMED_BELOW)
        ):
            # in a DTI question "mortgage would be $1,250" or "owe $700 a month on loans" is a monthly payment
            clause_before, clause_after = _clause(masked, mention.start, mention.end)
            housing = re.search(r"\b(?:mortgage|house|home|housing|housingpayment)\b", clause_before + clause_after)
            role = "housing_payment" if housing else "debt:other"
        if role.startswith("debt:"):
            amount = value / 12 if period == "year" else value
            debts.append((role.split(":", 1)[1], amount))
        elif role == "income":
            has_salary = bool(
                re.search(r"salary|a year|peryear", masked[max(0, mention.start - 30) : mention.end + 30])
            )
            income, read_as, note = _income_assumption(value, period, has_salary)
            found["income"] = found.get("income", Decimal(0)) + income
            found["income_read_as"] = read_as
            if period == "hour":
                assumptions.append(f"Hourly pay was converted at {HOURS_PER_WEEK} hours a week, 52 weeks a year.")
            if note:
                assumptions.append(note)
        elif role in ("taxes", "insurance"):
            amount, note = _monthly_cost(role.capitalize(), value, period, Decimal(1500 if role == "taxes" else 600))
            found[role] = amount
            if note:
                assumptions.append(note)
        elif role in ("hoa", "pmi"):
            found[role] = value / 12 if period == "year" else value
        elif role == "extra":
            key = "extra_yearly" if period == "year" else "extra_monthly"
            if period is None and "lumpsum" in masked[max(0, mention.start - 30) : mention.end + 20]:
                key = "lump_sum"
            found[key] = value
        elif role == "housing_payment" and value >= LARGEST_MONTHLY_PAYMENT and asked in NEEDS_LOAN:
            weak_loans.append(value)  # "IO payment: $700k": no monthly payment is that large, it is the loan
        elif role == "housing_payment":
            clause_before, clause_after = _clause(masked, mention.start, mention.end)
            around = clause_before[-30:] + " " + clause_after[:12]
            if re.search(r"\b(?:current|currently|now|existing|old|today)\b", around):
                found["current_payment"] = value
            else:
                found["housing_payment"] = value
        elif role == "down":
            found["down_amount"] = value
        elif role == "monthly_saving" and period != "month" and asked not in (Calculator.REFINANCE, Calculator.POINTS):
            unresolved.append(money(value, cents=False))  # "save $20k": not a monthly saving to recoup costs with
        elif role == "fees" and "fees" in found and found["fees"] != value:
            found["fees"] += value  # "origination $1,000 and $1,200 other finance charges": every fee counted
            assumptions.append(f"The fees you listed were added up ({money(found['fees'])}).")
        else:
            if role == "loan?":
                weak_loans.append(value)
                continue
            key = {"lender_credit": "lender_credits", "seller_credit": "seller_credits"}.get(role, role)
            if key in found and found[key] != value:
                unresolved.append(money(value, cents=False))  # two figures for one role: ask which
                continue
            found[key] = value
    _place_rates(rates, found)
    _place_terms(masked, terms, found)
    if debts:
        found["debts"] = tuple(debts)
    nothing_else = not weak_loans and len(unresolved) == 1 and not {"loan", "price", "value"} & found.keys()
    if nothing_else and asked in NEEDS_LOAN:
        weak_loans.append(Decimal(re.sub(r"[$,]", "", unresolved.pop())))
    for amount in weak_loans[:1]:
        # "payment on $300k", "3 bed for 415k": the loan, unless a down payment says it is the price
        has_down = "down_amount" in found or "down_pct" in found
        role = "price" if has_down else "loan"
        if role in found or "loan" in found or "price" in found:
            unresolved.append(money(amount, cents=False))
            continue
        found[role] = amount
        assumptions.append(f"{money(amount, cents=False)} was read as the {'price' if has_down else 'loan amount'}.")
    unresolved.extend(money(amount, cents=False) for amount in weak_loans[1:])
    fee_base = Scenario(**{k: v for k, v in found.items() if k in SCENARIO_FIGURES}).resolved_loan
    for share in fee_shares:
        if fee_base is None:
            unresolved.append(f"{share.normalize():f}%")
            continue
        fee = lm.to_cents(fee_base * share / 100)
        found["fees"] = found.get("fees", Decimal(0)) + fee
        assumptions.append(
            f"The {share.normalize():f}% fee was taken on the {money(fee_base, cents=False)} loan ({money(fee)})."
        )
    if asked is Calculator.MAX_LOAN and "housing_payment" in found and "income" not in found:
        found.setdefault("budget", found.pop("housing_payment"))  # "$3,000/month for principal and interest"
    if asked is Calculator.MAX_LOAN and "stated_dti" in found and "dti_cap" not in found and not own_ratio:
        found["dti_cap"] = found.pop("stated_dti")  # "max price with 36% DTI": the limit to solve for
    refinancing = asked is Calculator.REFINANCE and "current_payment" not in found
    if refinancing and "housing_payment" in found and not re.search(r"new payment|payment would|would pay", masked):
        found["current_payment"] = found.pop("housing_payment")
    return Scenario(**found, assumptions=tuple(assumptions), unresolved=tuple(unresolved))


SCENARIO_FIGURES = frozenset({"loan", "price", "down_amount", "down_pct", "value"})
NEEDS_LOAN = frozenset(
    {
        Calculator.PAYMENT,
        Calculator.TOTAL_INTEREST,
        Calculator.SCHEDULE,
        Calculator.BALANCE,
        Calculator.INTEREST_ONLY,
        Calculator.ARM,
        Calculator.EXTRA,
        Calculator.POINTS,
        Calculator.APR,
        Calculator.PMI,
    }
)


def _place_rates(rates: list[tuple[str, Decimal, Mention]], found: dict[str, Any]) -> None:
    current = [value for role, value, _ in rates if role == "rate"]
    new = [value for role, value, _ in rates if role == "new_rate"]
    if current:
        found["rate"] = current[0]
        if len(current) > 1 and not new:
            new = current[1:2]
    if new:
        if "rate" not in found and len(new) == 1:
            found["rate"] = new[0]
        else:
            found["new_rate"] = new[0]
            if "rate" not in found:
                found["rate"] = new[1] if len(new) > 1 else new[0]


def _place_terms(text: str, terms: list[Mention], found: dict[str, Any]) -> None:
    for mention in terms:
        role = _term_role(text, mention)
        months = _months_of(mention)
        if role == "io":
            found.setdefault("io_months", months)
        elif role == "fixed":
            found.setdefault("arm_fixed_months", months)
        elif role == "elapsed":
            if re.search(r"lumpsum", text) and "lump_month" not in found:
                found["lump_month"] = months if mention.kind == "months" else months
            else:
                found.setdefault("elapsed_months", months)
        elif role == "horizon":
            found.setdefault("elapsed_months", months)
        elif mention.kind == "months" and months < 12:
            continue  # "one month", "every 6 months", "2 months after closing": when, never a mortgage's term
        elif role == "after_io" and "io_months" in found:
            found.setdefault("term_months", found["io_months"] + months)
        elif "term_months" not in found:
            found["term_months"] = months
        else:
            found.setdefault("new_term_months", months)  # "27 years left ... new loan 30 years"


# ----- follow-ups -----


def merge(previous: Scenario | None, current: Scenario, follow_up: bool) -> Scenario:
    """A follow-up keeps the earlier figures and replaces only the ones it restates."""
    if previous is None or not follow_up:
        return current
    updates: dict[str, Any] = {}
    for item in dataclasses.fields(Scenario):
        value = getattr(current, item.name)
        if value not in (None, (), False):
            updates[item.name] = value
    updates.pop("assumptions", None)
    updates.pop("unresolved", None)
    if current.debts:
        # "what if my car payment was $250?": that debt replaced, the others kept
        restated = dict(current.debts)
        kept = [(label, amount) for label, amount in previous.debts if label not in restated or label == "other"]
        updates["debts"] = tuple(kept + list(current.debts))
    if ("down_amount" in updates or "down_pct" in updates) and "loan" not in updates and previous.price is not None:
        updates["loan"] = None
    if "down_amount" in updates:
        updates.setdefault("down_pct", None)
    if "down_pct" in updates:
        updates.setdefault("down_amount", None)
    if "loan" in updates and updates["loan"] is not None and "price" not in updates:
        updates.update(down_amount=None, down_pct=None)
    if current.intent is None or (
        current.intent is Calculator.PAYMENT and previous.intent not in (None, Calculator.PAYMENT)
    ):
        updates["intent"] = previous.intent or current.intent
    if {"loan", "price", "down_amount", "down_pct", "rate", "term_months"} & updates.keys():
        # a payment or DTI the borrower stated belonged to the earlier terms
        updates.setdefault("housing_payment", None)
        updates.setdefault("stated_dti", None)
    return dataclasses.replace(previous, **updates, assumptions=current.assumptions, unresolved=current.unresolved)


def is_follow_up(question: str, scenario: Scenario) -> bool:
    text = normalize(question)
    if FOLLOW_UP_RE.search(text):
        return True
    has_loan_shape = scenario.loan is not None or scenario.price is not None or scenario.income is not None
    return not has_loan_shape and len(text.split()) <= 14


def scenario_from_history(history: list[str]) -> Scenario | None:
    """Replay earlier user messages (oldest first) to rebuild the last calculation's inputs."""
    scenario: Scenario | None = None
    for message in history:
        current = read_scenario(message)
        if current.intent is None and scenario is None and not _has_figures(current):
            continue
        follow_up = scenario is not None and is_follow_up(message, current)
        if follow_up and scenario is not None and current.intent is None and scenario.intent is not None:
            current = read_scenario(message, follow_up_of=scenario.intent)
        scenario = merge(scenario, current, follow_up)
    return scenario


def _restates_anything(scenario: Scenario) -> bool:
    """A follow-up changes at least one figure or option ("what if my car payment was $250?", "biweekly?")."""
    ignored = {"intent", "assumptions", "income_read_as"}
    return any(
        getattr(scenario, item.name) not in (None, (), False)
        for item in dataclasses.fields(Scenario)
        if item.name not in ignored
    )


def _has_figures(scenario: Scenario) -> bool:
    return any(getattr(scenario, name) is not None for name in ("loan", "price", "rate", "income", "term_months"))


# ----- from scenario to calculation -----


class NeedsInput(Exception):
    def __init__(self, *missing: str, reason: str = ""):
        super().__init__(", ".join(missing))
        self.missing = list(missing)
        self.reason = reason


INPUT_LABELS = {
    "loan": "the loan amount (or the price and your down payment)",
    "rate": "the interest rate",
    "term_months": "the loan term (for example 30 years)",
    "income": "your gross income (and whether it is monthly or yearly)",
    "property_value": "the home's price or appraised value",
    "elapsed_months": "how many payments you have made (or the date and your first payment date)",
    "new_rate": "the new rate",
    "io_months": "how long the interest-only period lasts",
    "arm_fixed_months": "how long the starting rate is fixed (for example a 5/1 ARM)",
    "fees": "the closing costs",
}


def _input_label(name: str) -> str:
    return INPUT_LABELS.get(name, name.replace("_", " "))


def _require(scenario: Scenario, *names: str) -> None:
    """Ask for every missing input at once (calculators then read each one with `_known`)."""
    missing = []
    for name in names:
        value = (
            scenario.resolved_loan
            if name == "loan"
            else (scenario.property_value if name == "property_value" else getattr(scenario, name))
        )
        if value is None:
            missing.append(_input_label(name))
    if missing:
        raise NeedsInput(*missing)


def _known(value: T | None, name: str) -> T:
    """An input `_require` has checked; should it be missing after all, the borrower is asked for it."""
    if value is None:
        raise NeedsInput(_input_label(name))
    return value


def _loan_rate_term(s: Scenario) -> tuple[Decimal, Decimal, int]:
    """The loan amount, the rate and the term in months, once `_require` has checked them."""
    return _known(s.resolved_loan, "loan"), _known(s.rate, "rate"), _known(s.term_months, "term_months")


def _years_months(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest or not parts:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)


def _term_text(months: int) -> str:
    return f"{months // 12} years" if months % 12 == 0 else f"{months} months"


def _loan_inputs(scenario: Scenario) -> list[tuple[str, str]]:
    rows = []
    if scenario.price is not None:
        rows.append(("Price", money(scenario.price, cents=False)))
    if scenario.down_amount is not None:
        rows.append(("Down payment", money(scenario.down_amount, cents=False)))
    if scenario.down_pct is not None:
        rows.append(("Down payment", pct(scenario.down_pct)))
    loan = scenario.resolved_loan
    if loan is not None:
        rows.append(("Loan amount", money(loan) if loan != loan.to_integral_value() else money(loan, cents=False)))
    if scenario.rate is not None:
        rows.append(("Interest rate", pct(scenario.rate, 3)))
    if scenario.term_months is not None:
        rows.append(("Term", _term_text(scenario.term_months)))
    return rows


def _check_payment_sane(payment: Decimal, principal: Decimal) -> None:
    if payment >= principal:
        raise NeedsInput("the loan amount and rate again", reason="That gives a monthly payment above the loan itself.")


def _check_term(scenario: Scenario) -> None:
    if scenario.term_months is not None and not 12 <= scenario.term_months <= 600:
        raise NeedsInput("a term between 1 and 50 years", reason=f"I read a term of {scenario.term_months} months.")


SCHEDULE_NOTE = (
    "Totals follow the schedule you would actually pay: each payment rounded to the cent, interest rounded "
    "monthly, and the last payment adjusted so the balance ends at $0.00."
)


def _payment(s: Scenario) -> Calculation:
    _require(s, "loan", "rate", "term_months")
    loan, rate, months = _loan_rate_term(s)
    schedule = lm.amortization_schedule(loan, rate, months=months)
    payment = schedule[0].payment
    _check_payment_sane(payment, loan)
    interest = sum((row.interest for row in schedule), Decimal(0))
    figures = [Figure("Monthly principal and interest", payment, "money")]
    extras = [
        (name, value)
        for name, value in (("taxes", s.taxes), ("insurance", s.insurance), ("HOA", s.hoa), ("PMI", s.pmi))
        if value is not None
    ]
    inputs = _loan_inputs(s) + [
        (name.capitalize() if name != "HOA" else name, f"{money(v)}/month") for name, v in extras
    ]
    summary = (
        f"A {money(loan, cents=False)} loan at {pct(rate, 3)} for {_term_text(months)} costs "
        f"{money(payment)} a month in principal and interest ({months} payments"
    )
    summary += f"; the last one {money(schedule[-1].payment)})." if schedule[-1].payment != payment else ")."
    total_monthly = payment + sum((v for _, v in extras), Decimal(0))
    if extras:
        figures.append(Figure("Total monthly housing payment", total_monthly, "money"))
        summary += f" With {', '.join(n for n, _ in extras)} the monthly total is {money(total_monthly)}."
    figures.append(Figure("Total interest", interest, "money"))
    summary += f" Total interest over the loan is {money(interest)}."
    checks = []
    if s.housing_payment is not None:
        checks.append(_payment_check(s.housing_payment, payment, total_monthly, bool(extras)))
    return Calculation(
        Calculator.PAYMENT,
        "Level-payment amortization: P × r / (1 − (1 + r)^−n)",
        inputs,
        figures,
        summary,
        [SCHEDULE_NOTE],
        checks,
        s,
        schedule,
    )


def _payment_check(stated: Decimal, principal_interest: Decimal, total: Decimal, has_extras: bool) -> str:
    """Agreement to the dollar, or the exact difference and its likely reason."""
    for label, exact in (("principal and interest", principal_interest), ("total housing payment", total)):
        if abs(stated - lm.to_cents(exact)) <= STATED_PAYMENT_TOLERANCE:
            return f"Your figure of {money(stated)} matches the {label} of {money(exact)}."
    exact = lm.to_cents(total if has_extras else principal_interest)
    label = "total housing payment" if has_extras else "principal and interest"
    gap = money(abs(stated - exact))
    if stated > exact:
        reason = (
            " Check for other charges in your figure, or a different rate or term."
            if has_extras
            else " The difference may be taxes, insurance, HOA dues or PMI, which principal and interest leave out."
        )
        return f"You mentioned {money(stated)}; the exact {label} is {money(exact)}, {gap} less.{reason}"
    return (
        f"You mentioned {money(stated)}; the exact {label} is {money(exact)}, {gap} more. A lower quoted figure "
        "usually means a different rate, term or loan amount than the ones above."
    )


def _total_interest(s: Scenario) -> Calculation:
    calc = _payment(s)
    interest = next(f for f in calc.figures if f.label == "Total interest")
    loan, rate, months = _loan_rate_term(s)
    figures = [interest, Figure("Total of payments", loan + interest.value, "money"), calc.figures[0]]
    summary = (
        f"On a {money(loan, cents=False)} loan at {pct(rate, 3)} for {_term_text(months)} you would "
        f"pay {money(interest.value)} in interest, {money(loan + interest.value)} in all "
        f"({money(calc.figures[0].value)} a month)."
    )
    return dataclasses.replace(calc, kind=Calculator.TOTAL_INTEREST, figures=figures, summary=summary)


def _schedule(s: Scenario) -> Calculation:
    calc = _payment(s)
    years = lm.yearly_summary(calc.schedule or [])
    first = years[0] if years else None
    summary = calc.summary
    if first:
        summary += (
            f" In year 1 you pay {money(first.cumulative_interest)} interest and "
            f"{money(first.cumulative_principal)} principal, leaving {money(first.balance)}."
        )
    return dataclasses.replace(calc, kind=Calculator.SCHEDULE, summary=summary)


def _balance(s: Scenario) -> Calculation:
    if s.elapsed_months is None and s.as_of is not None and s.first_payment is not None:
        s = dataclasses.replace(s, elapsed_months=lm.payments_made_by(s.first_payment, s.as_of))
    _require(s, "loan", "rate", "term_months", "elapsed_months")
    loan, rate, months = _loan_rate_term(s)
    schedule = lm.amortization_schedule(loan, rate, months=months)
    made = min(_known(s.elapsed_months, "elapsed_months"), len(schedule))
    balance = lm.balance_after(schedule, made)
    paid_interest = sum((row.interest for row in schedule[:made]), Decimal(0))
    paid_principal = loan - balance
    inputs = _loan_inputs(s) + [("Payments made", str(made))]
    if s.as_of is not None and s.first_payment is not None:
        inputs.append(("As of", f"{s.as_of:%B %-d, %Y} (first payment {s.first_payment:%B %-d, %Y})"))
    figures = [
        Figure("Balance remaining", balance, "money"),
        Figure("Interest paid so far", paid_interest, "money"),
        Figure("Principal paid so far", paid_principal, "money"),
    ]
    summary = (
        f"After {made} payments of {money(schedule[0].payment)} on a {money(loan, cents=False)} loan "
        f"at {pct(rate, 3)} for {_term_text(months)}, the balance is {money(balance)} "
        f"(you will have paid {money(paid_interest)} interest and {money(paid_principal)} principal)."
    )
    return Calculation(
        Calculator.BALANCE,
        "Amortization schedule, balance after N payments",
        inputs,
        figures,
        summary,
        [SCHEDULE_NOTE],
        [],
        s,
        schedule,
    )


def _interest_only(s: Scenario) -> Calculation:
    _require(s, "loan", "rate", "term_months", "io_months")
    loan, rate, months = _loan_rate_term(s)
    io_months = _known(s.io_months, "io_months")
    result = lm.interest_only_payments(loan, rate, months, io_months)
    figures = [
        Figure("Interest-only payment", result.interest_only_payment, "money"),
        Figure("Payment after the interest-only period", result.amortizing_payment, "money"),
    ]
    summary = (
        f"During the {_term_text(io_months)} interest-only period the payment on {money(loan, cents=False)} at "
        f"{pct(rate, 3)} is {money(result.interest_only_payment)} a month (no principal is repaid). After it, "
        f"the full balance is repaid over the remaining {_term_text(result.amortizing_months)}: "
        f"{money(result.amortizing_payment)} a month."
    )
    inputs = _loan_inputs(s) + [("Interest-only period", _term_text(io_months))]
    return Calculation(
        Calculator.INTEREST_ONLY,
        "Interest-only: P × r; then level payment over the remaining term",
        inputs,
        figures,
        summary,
        [],
        [],
        s,
    )


def _arm(s: Scenario) -> Calculation:
    _require(s, "loan", "rate", "term_months", "arm_fixed_months")
    loan, rate, months = _loan_rate_term(s)
    fixed_months = _known(s.arm_fixed_months, "arm_fixed_months")
    target = s.new_rate
    if target is None and s.index_rate is not None and s.margin is not None:
        target = s.index_rate + s.margin
    if target is None and s.worst_case and s.cap_lifetime is not None:
        target = rate + s.cap_lifetime
    if target is None:
        raise NeedsInput("the rate it would reset to (or the index and margin)")
    adjustments = lm.arm_adjustments(
        loan,
        rate,
        months,
        fixed_months,
        target,
        initial_cap=s.cap_initial,
        periodic_cap=s.cap_periodic,
        lifetime_cap=s.cap_lifetime,
        adjust_every_months=s.arm_adjust_months or 12,
    )
    first = adjustments[0]
    before = lm.monthly_payment(loan, rate, months=months)
    inputs = _loan_inputs(s) + [
        ("Fixed period", _term_text(fixed_months)),
        ("Rate it would reset to", pct(target, 3)),
    ]
    for label, cap in (
        ("Initial cap", s.cap_initial),
        ("Periodic cap", s.cap_periodic),
        ("Lifetime cap", s.cap_lifetime),
    ):
        if cap is not None:
            inputs.append((label, pct(cap, 3)))
    figures = [
        Figure("Payment before the reset", before, "money"),
        Figure("Rate after the reset", first.rate_pct, "rate"),
        Figure("Payment after the reset", first.payment, "money"),
        Figure("Balance at the reset", first.balance, "money"),
    ]
    capped = f", held there by the {first.capped_by}" if first.capped_by else ""
    summary = (
        f"At payment {first.at_payment} the rate moves from {pct(rate, 3)} to {pct(first.rate_pct, 3)}{capped}; "
        f"the {money(first.balance)} still owed is re-amortised over the remaining "
        f"{_term_text(months - first.at_payment + 1)}, so the payment goes from {money(before)} to "
        f"{money(first.payment)} a month."
    )
    if s.cap_lifetime is not None:
        worst = lm.arm_adjustments(
            loan,
            rate,
            months,
            fixed_months,
            rate + s.cap_lifetime,
            initial_cap=s.cap_initial,
            periodic_cap=s.cap_periodic,
            lifetime_cap=s.cap_lifetime,
            adjust_every_months=s.arm_adjust_months or 12,
            adjustments=months,
        )
        highest = max(worst, key=lambda adjustment: adjustment.payment)
        figures.append(Figure("Highest possible payment", highest.payment, "money"))
        summary += (
            f" If the rate rises by every cap allows, it reaches {pct(highest.rate_pct, 3)} at payment "
            f"{highest.at_payment} and the payment can go as high as {money(highest.payment)}."
        )
    return Calculation(
        Calculator.ARM,
        "ARM reset: capped rate, balance re-amortised over the remaining term",
        inputs,
        figures,
        summary,
        [],
        [],
        s,
    )


def _housing_payment(s: Scenario) -> tuple[Decimal | None, list[tuple[str, str]], list[str]]:
    notes: list[str] = []
    inputs: list[tuple[str, str]] = []
    if s.housing_payment is not None:
        inputs.append(("New housing payment (as you stated)", money(s.housing_payment)))
        return s.housing_payment, inputs, notes
    loan = s.resolved_loan
    if loan is not None and s.rate is not None and s.term_months is not None:
        pi = lm.monthly_payment(loan, s.rate, months=s.term_months)
        others = sum((v for v in (s.taxes, s.insurance, s.hoa, s.pmi) if v is not None), Decimal(0))
        inputs.append(("New housing payment (computed)", money(pi + others)))
        if others == 0:
            notes.append(
                "The housing payment is principal and interest only; add taxes and insurance for the full ratio."
            )
        return pi + others, inputs, notes
    if s.rent is not None:
        inputs.append(("Rent", money(s.rent)))
        return s.rent, inputs, notes
    return None, inputs, notes


INCOME_CONVERSIONS = {
    "year": "yearly ÷ 12",
    "hour": "hourly × 40 × 52 ÷ 12",
    "week": "weekly × 52 ÷ 12",
    "biweek": "every two weeks × 26 ÷ 12",
}


def _income_input(s: Scenario) -> tuple[str, str]:
    income = _known(s.income, "income")
    return "Gross monthly income", f"{money(income)} ({INCOME_CONVERSIONS.get(s.income_read_as or '', 'monthly')})"


def _dti(s: Scenario) -> Calculation:
    if s.income is None:
        raise NeedsInput("your gross income (and whether it is monthly or yearly)")
    housing, inputs, notes = _housing_payment(s)
    if housing is None and not s.debts:
        raise NeedsInput("your monthly debt payments (and the new housing payment, if you are buying)")
    inputs = [_income_input(s), *inputs]
    inputs += [(f"Debt: {label}", money(amount)) for label, amount in s.debts]
    if not s.debts and s.no_other_debts:
        inputs.append(("Other debts", "none"))
    result = lm.front_and_back_dti(s.income, housing, [amount for _, amount in s.debts])
    if result.back_end_pct > 100:
        raise NeedsInput(
            "your monthly debts and monthly income again",
            reason="Those figures give a debt-to-income ratio above 100%, so I may have misread one.",
        )
    figures = [Figure("Back-end DTI", result.back_end_pct, "percent")]
    if result.front_end_pct is not None:
        figures.insert(0, Figure("Front-end DTI", result.front_end_pct, "percent"))
    debt_total = result.housing + result.other_debts
    summary = (
        f"Your debt-to-income ratio is {pct(result.back_end_pct)} ({money(debt_total)} in monthly debt payments "
        f"/ {money(s.income)} gross monthly income)"
    )
    if result.front_end_pct is not None and s.debts:
        summary += f"; the front-end (housing only) ratio is {pct(result.front_end_pct)}"
    summary += "."
    checks = []
    if s.stated_dti is not None:
        checks.append(
            _stated_ratio_check(s.stated_dti, result.back_end_pct, result.housing, result.other_debts, s.income)
        )
    return Calculation(
        Calculator.DTI,
        "DTI = monthly debt payments ÷ gross monthly income",
        inputs,
        figures,
        summary,
        [*s.assumptions, *notes],
        checks,
        s,
    )


def _max_loan(s: Scenario) -> Calculation:
    if _assesses_stated_loan(s):
        return _affordability(s)
    assumptions = list(s.assumptions)
    term = s.term_months
    if term is None:
        term = ASSUMED_TERM_MONTHS
        assumptions.append("No term was given, so a 30-year term was assumed.")
    if s.rate is None:
        raise NeedsInput("the interest rate you expect")
    inputs = [("Interest rate", pct(s.rate, 3)), ("Term", _term_text(term))]
    fixed_costs = [
        (n, v)
        for n, v in (("Taxes", s.taxes), ("Insurance", s.insurance), ("HOA", s.hoa), ("PMI", s.pmi))
        if v is not None
    ]
    inputs += [(name, f"{money(v)}/month") for name, v in fixed_costs]
    if s.budget is not None and s.income is None:
        other = sum((v for _, v in fixed_costs), Decimal(0))
        pi_budget = s.budget - other
        if pi_budget <= 0:
            raise NeedsInput("a monthly budget above your taxes and insurance")
        loan = lm.max_loan_for_payment(pi_budget, s.rate, months=term)
        price = (
            loan + s.down_amount
            if s.down_amount is not None
            else (loan / (1 - s.down_pct / 100) if s.down_pct is not None else None)
        )
        inputs.insert(0, ("Monthly budget", money(s.budget)))
        figures = [Figure("Maximum loan", loan, "money"), Figure("Principal and interest", pi_budget, "money")]
        summary = (
            f"A monthly budget of {money(s.budget)} at {pct(s.rate, 3)} for {_term_text(term)} supports a loan of "
            f"{money(loan)}"
        )
        summary += (
            f" ({money(pi_budget)} principal and interest after {money(other)} of other costs)"
            if other
            else " (principal and interest only; taxes, insurance and PMI come on top)"
        )
        if price is not None:
            figures.append(Figure("Maximum price", price, "money"))
            summary += f", a price of about {money(price)} with your down payment"
        return Calculation(
            Calculator.MAX_LOAN,
            "Present value of the payment: B × (1 − (1 + r)^−n) / r",
            inputs,
            figures,
            summary + ".",
            assumptions,
            [],
            s,
        )
    if s.income is None:
        raise NeedsInput("your gross income (or the monthly payment you can afford)")
    cap = s.dti_cap
    if cap is None:
        cap = ASSUMED_BACK_END_CAP
        assumptions.append(
            "No DTI limit was given; 43% (a common back-end limit) was assumed. Your lender's may differ."
        )
    other_debts = sum((amount for _, amount in s.debts), Decimal(0))
    try:
        result = lm.max_loan_under_dti(
            s.income,
            cap,
            s.rate,
            term,
            other_debts=other_debts,
            front_end_cap_pct=s.front_cap,
            taxes=s.taxes or 0,
            insurance=s.insurance or 0,
            hoa=s.hoa or 0,
            pmi=s.pmi or 0,
            pmi_rate_pct=s.pmi_rate or 0,
            tax_rate_pct=s.tax_rate or 0,
            down_payment=s.down_amount,
            down_payment_pct=s.down_pct,
        )
    except ValueError as error:
        raise NeedsInput(
            "your income, debts and housing costs again", reason=f"I could not solve it: {error}."
        ) from error
    inputs = (
        [("Gross monthly income", money(s.income)), ("Back-end DTI limit", pct(cap))]
        + ([("Front-end DTI limit", pct(s.front_cap))] if s.front_cap is not None else [])
        + inputs
    )
    inputs += [(f"Debt: {label}", money(amount)) for label, amount in s.debts]
    for label, value in (("PMI", s.pmi_rate), ("Property tax", s.tax_rate)):
        if value is not None:
            inputs.append((label, f"{pct(value, 3)} a year"))
    if s.down_amount is not None:
        inputs.append(("Down payment", money(s.down_amount, cents=False)))
    if s.down_pct is not None:
        inputs.append(("Down payment", pct(s.down_pct)))
    if s.taxes is None and s.insurance is None and s.tax_rate is None:
        assumptions.append("No property taxes or insurance were given, so none are counted; they lower this figure.")
    figures = [
        Figure("Maximum loan", result.max_loan, "money"),
        Figure("Principal and interest", result.principal_and_interest, "money"),
        Figure("Housing budget", result.housing_budget, "money"),
    ]
    summary = (
        f"At a {pct(cap)} DTI limit, {money(s.income)} a month of income"
        + (f" and {money(other_debts)} of other debts" if other_debts else "")
        + f" leaves {money(result.housing_budget)} for housing ({result.limited_by} limit). After "
        f"{money(result.other_housing_costs)} of taxes, insurance, HOA and PMI, {money(result.principal_and_interest)} "
        f"of principal and interest at {pct(s.rate, 3)} for {_term_text(term)} supports a loan of "
        f"{money(result.max_loan)}"
    )
    if result.max_price is not None:
        figures.insert(1, Figure("Maximum price", result.max_price, "money"))
        summary += f" and a price of {money(result.max_price)}"
    return Calculation(
        Calculator.MAX_LOAN,
        "Max loan = PV of (DTI limit × income − debts − housing costs)",
        inputs,
        figures,
        summary + ".",
        assumptions,
        [],
        s,
    )


def _assesses_stated_loan(s: Scenario) -> bool:
    """ "Can I afford this?" about a loan or home already named: assess it rather than solve for the largest loan.

    Without a rate the largest loan cannot be solved at all, yet income, debts, ratios and the down payment still
    say a lot; with a rate, a ratio the borrower states is checked against the payment it must include."""
    named = s.resolved_loan is not None or s.price is not None
    return named and s.income is not None and s.budget is None and (s.rate is None or s.stated_dti is not None)


def _percentage_points(difference: Decimal) -> str:
    shown = pct(difference).removesuffix("%")
    return f"{shown} point{'' if shown == '1' else 's'}"


def _vs_limit(ratio: Decimal, limit: Decimal, income: Decimal) -> str:
    """How a ratio stands against a limit, in points and in dollars a month."""
    gap = lm.amount_at_ratio(abs(limit - ratio), income)
    if ratio > limit:
        return (
            f"above a {pct(limit)} limit by {_percentage_points(ratio - limit)}: monthly debt payments would "
            f"need to fall by {money(gap)} to meet it"
        )
    if ratio == limit:
        return f"exactly at a {pct(limit)} limit"
    return f"below a {pct(limit)} limit by {_percentage_points(limit - ratio)} ({money(gap)} a month of room)"


def _affordability(s: Scenario) -> Calculation:
    """Every figure the stated loan, income and debts allow, each ratio against a named guideline.

    A rate, when missing, is asked for once in the text while everything computable without it is still given; a
    ratio the borrower states is checked against the figures it must cover and any difference is explained."""
    income = _known(s.income, "income")
    assumptions = list(s.assumptions)
    checks: list[str] = []
    inputs = [_income_input(s), *_loan_inputs(s)]
    inputs += [(f"Debt: {label}", money(amount)) for label, amount in s.debts]
    if s.stated_dti is not None:
        inputs.append(("Your stated debt-to-income ratio", pct(s.stated_dti)))
    figures = [Figure("Gross monthly income", income, "money")]
    # Both figures in one sentence: a model retelling it has no "monthly income" left to pair with the yearly one.
    yearly = f"{money(income * 12, cents=False)} a year, " if s.income_read_as == "year" else ""
    sentences = [f"Your gross income is {yearly}{money(income)} a month."]
    limit = s.dti_cap if s.dti_cap is not None else ASSUMED_BACK_END_CAP
    if s.dti_cap is None:
        assumptions.append(
            f"No DTI limit was given; {pct(limit)} (a common back-end limit) was assumed. Your lender's may differ."
        )
    loan = s.resolved_loan
    term = s.term_months or ASSUMED_TERM_MONTHS
    if s.term_months is None and loan is not None:
        assumptions.append("No term was given, so a 30-year term was assumed.")
    other_debts = sum((amount for _, amount in s.debts), Decimal(0))
    housing = s.housing_payment
    if housing is not None:
        inputs.append(("New housing payment (as you stated)", money(housing)))
    elif loan is not None and s.rate is not None:
        housing = lm.monthly_payment(loan, s.rate, months=term) + sum(
            (v for v in (s.taxes, s.insurance, s.hoa, s.pmi) if v is not None), Decimal(0)
        )
        figures.append(Figure("New housing payment", housing, "money"))
        sentences.append(
            f"The payment on {money(loan, cents=False)} at {pct(s.rate, 3)} over {_term_text(term)} is "
            f"{money(housing)} a month."
        )
    if housing is not None:
        back_end = lm.dti(housing + other_debts, income)
        front_end = lm.dti(housing, income)
        debt_total = housing + other_debts
        if back_end > 100:
            raise NeedsInput(
                "your monthly debts and monthly income again",
                reason="Those figures give a debt-to-income ratio above 100%, so I may have misread one.",
            )
        figures += [Figure("Front-end DTI", front_end, "percent"), Figure("Back-end DTI", back_end, "percent")]
        sentences.append(
            f"Housing alone is {pct(front_end)} of your income, "
            + (
                "within"
                if front_end <= HOUSING_RULE_OF_THUMB
                else f"above (by {money(lm.amount_at_ratio(front_end - HOUSING_RULE_OF_THUMB, income))} a month)"
            )
            + f" the {pct(HOUSING_RULE_OF_THUMB)} rule of thumb for housing; with every other debt the back-end "
            f"ratio is {pct(back_end)} ({money(debt_total)} a month), {_vs_limit(back_end, limit, income)}."
        )
        if s.stated_dti is not None:
            checks.append(_stated_ratio_check(s.stated_dti, back_end, housing, other_debts, income))
    elif s.stated_dti is not None:
        if s.stated_dti > 100:
            raise NeedsInput(
                "your debt-to-income ratio again", reason=f"I read {pct(s.stated_dti)}, which is above 100%."
            )
        debt_total = lm.amount_at_ratio(s.stated_dti, income)
        figures += [
            Figure("Monthly debt payments", debt_total, "money"),
            Figure("Back-end DTI", s.stated_dti, "percent"),
        ]
        sentences.append(
            f"The {pct(s.stated_dti)} you state for all monthly debt payments is {money(debt_total)} a month, "
            f"{_vs_limit(s.stated_dti, limit, income)}."
        )
        if s.debts:
            left = debt_total - other_debts
            if left < 0:
                checks.append(
                    f"The debts you list come to {money(other_debts)} a month, more than the {pct(s.stated_dti)} "
                    f"({money(debt_total)}) you state; lenders count every monthly debt payment, so check the ratio."
                )
            else:
                sentences.append(
                    f"After the {money(other_debts)} of debts you list, that leaves {money(left)} a month for the "
                    "new housing payment."
                )
        if loan is not None:
            # whatever the rate, a payment repays at least the principal share: a ratio below that cannot include it
            floor = loan / term
            if debt_total - other_debts < floor:
                checks.append(
                    f"{pct(s.stated_dti)} of your income ({money(debt_total)}) is less than the principal alone on "
                    f"a {money(loan, cents=False)} loan over {_term_text(term)} ({money(floor)} a month at any "
                    "rate), so that ratio cannot include the new mortgage; lenders count the new housing payment, "
                    "with taxes and insurance, in the back-end ratio."
                )
    elif s.debts:
        back_end = lm.dti(other_debts, income)
        figures.append(Figure("DTI before the new housing payment", back_end, "percent"))
        room = lm.amount_at_ratio(limit, income) - other_debts
        sentences.append(
            f"Your listed debts of {money(other_debts)} a month are {pct(back_end)} of your income; a {pct(limit)} "
            f"back-end limit leaves {money(max(room, Decimal(0)))} a month for the new housing payment."
        )
    else:
        allowed = lm.amount_at_ratio(limit, income)
        figures.append(Figure("All monthly debts at the limit", allowed, "money"))
        sentences.append(
            f"A {pct(limit)} back-end limit allows {money(allowed)} a month for all debt payments, the new housing "
            "payment included."
        )
    if housing is None:
        housing_budget = lm.amount_at_ratio(HOUSING_RULE_OF_THUMB, income)
        figures.append(Figure("Housing at the 28% rule of thumb", housing_budget, "money"))
        sentences.append(
            f"By the {pct(HOUSING_RULE_OF_THUMB)} rule of thumb, housing (principal, interest, taxes and insurance) "
            f"should be at most {money(housing_budget)} a month."
        )
    value = s.property_value
    if loan is not None and value is not None and 0 < loan <= value:
        ratio = lm.ltv(loan, value)
        down = value - loan
        down_pct = 100 - ratio
        figures += [Figure("LTV", ratio, "percent"), Figure("Down payment", down, "money")]
        insurance = (
            "mortgage insurance is typically required"
            if down_pct < MORTGAGE_INSURANCE_DOWN_PCT
            else "mortgage insurance is typically not required"
        )
        sentences.append(
            f"The {money(loan, cents=False)} loan is {pct(ratio)} of the {money(value, cents=False)} price, a "
            f"{money(down, cents=False)} ({pct(down_pct)}) down payment; with "
            f"{'less than' if down_pct < MORTGAGE_INSURANCE_DOWN_PCT else 'at least'} "
            f"{pct(MORTGAGE_INSURANCE_DOWN_PCT)} down, {insurance}."
        )
    if housing is None and loan is not None:
        sentences.append(
            f"The monthly payment on {money(loan, cents=False)} over {_term_text(term)}, and so the housing ratio, "
            "needs the interest rate you expect (tell me the rate and I will check it against these limits); "
            f"whatever the rate, it is at least {money(loan / term)} a month, the principal alone."
        )
    elif housing is None:
        sentences.append(
            "The monthly payment needs the loan amount and the interest rate you expect; tell me both and I will "
            "check it against these limits."
        )
    assumptions += [
        f"The {pct(HOUSING_RULE_OF_THUMB)} housing figure is the rule of thumb in the CFPB's monthly payment "
        f"worksheet and the {pct(MORTGAGE_INSURANCE_DOWN_PCT)} down payment line is from its Loan Estimate "
        "explainer; lenders may approve more or less.",
        "Approval also depends on your credit history, savings and employment, which these figures do not show.",
    ]
    return Calculation(
        Calculator.AFFORDABILITY,
        "DTI = monthly debt payments ÷ gross monthly income; LTV = loan ÷ price",
        inputs,
        figures,
        " ".join(sentences),
        assumptions,
        checks,
        s,
    )


def _stated_ratio_check(stated: Decimal, exact: Decimal, housing: Decimal, other: Decimal, income: Decimal) -> str:
    """A DTI the borrower states, checked against the one their own figures give; a difference explained."""
    if abs(stated - exact) <= STATED_DTI_TOLERANCE:
        return f"That agrees with the {pct(stated)} you mentioned (exactly {pct(exact)})."
    front = lm.dti(housing, income)
    if abs(stated - front) <= STATED_DTI_TOLERANCE and other:
        return (
            f"You mentioned {pct(stated)}, which matches the housing payment alone ({pct(front)}); lenders' "
            f"back-end ratio also counts your other debts ({money(other)} a month), giving {pct(exact)}."
        )
    return (
        f"You mentioned {pct(stated)}; the exact figure from these numbers is {pct(exact)}. Lenders count every "
        "monthly debt payment plus the new housing payment (with taxes and insurance) over gross, pre-tax income, "
        "so check which figures were included."
    )


def _ltv(s: Scenario) -> Calculation:
    _require(s, "property_value", "loan")
    value, loan = _known(s.property_value, "property_value"), _known(s.resolved_loan, "loan")
    ratio = lm.ltv(loan, value)
    if ratio > 200:
        raise NeedsInput("the loan amount and the home's value again", reason="That gives an LTV above 200%.")
    inputs = [("Property value", money(value, cents=False)), ("Loan amount", money(loan, cents=False))]
    figures = [Figure("LTV", ratio, "percent")]
    summary = f"The loan-to-value ratio is {pct(ratio)} ({money(loan, cents=False)} / {money(value, cents=False)})"
    if s.second_lien is not None:
        combined = lm.cltv([loan, s.second_lien], value)
        inputs.append(("Second lien", money(s.second_lien, cents=False)))
        figures.append(Figure("CLTV", combined, "percent"))
        summary += f"; with the {money(s.second_lien, cents=False)} second lien the combined LTV is {pct(combined)}"
    return Calculation(
        Calculator.LTV,
        "LTV = loan ÷ value; CLTV = all liens ÷ value",
        inputs,
        figures,
        summary + ".",
        list(s.assumptions),
        [],
        s,
    )


def _pmi(s: Scenario) -> Calculation:
    _require(s, "loan", "rate", "term_months", "property_value")
    loan, rate, months = _loan_rate_term(s)
    value = _known(s.property_value, "property_value")
    if lm.ltv(loan, value) <= 80:
        raise NeedsInput(
            "the loan amount and price again",
            reason=f"A {money(loan, cents=False)} loan on {money(value, cents=False)} is already at or "
            "below 80% of the value, so PMI should not be required.",
        )
    dates = lm.pmi_schedule(loan, rate, months, value)
    figures = [
        Figure("Can request cancellation after payment", Decimal(dates.request_payment), "months"),
        Figure("Automatic termination after payment", Decimal(dates.automatic_payment), "months"),
        Figure("Midpoint of the term (payment)", Decimal(dates.midpoint_payment), "months"),
        Figure("Balance at 80%", dates.request_balance, "money"),
        Figure("Balance at 78%", dates.automatic_balance, "money"),
    ]

    def when(number: int) -> str:
        text = f"payment {number} (after {_years_months(number)})"
        if s.first_payment is not None:
            text += f", due {lm.payment_date(s.first_payment, number):%B %Y}"
        return text

    summary = (
        f"On the original schedule the balance reaches 80% of the original value ({money(value * 8 / 10)}) "
        f"at {when(dates.request_payment)}: you can ask to cancel PMI then. It must end automatically at 78% "
        f"({money(value * 78 / 100)}) at {when(dates.automatic_payment)}, and in any case after the midpoint "
        f"of the term, {when(dates.midpoint_payment)}, if you are current."
    )
    inputs = _loan_inputs(s)
    if s.price is None or s.value is not None:
        inputs.insert(0, ("Original value", money(value, cents=False)))
    notes = ["Extra payments reach 80% sooner for a request; the 78% date always follows the original schedule."]
    return Calculation(
        Calculator.PMI,
        "Homeowners Protection Act: 80% request, 78% automatic, term midpoint",
        inputs,
        figures,
        summary,
        notes,
        [],
        s,
    )


def _extra(s: Scenario) -> Calculation:
    _require(s, "loan", "rate", "term_months")
    if not (s.extra_monthly or s.extra_yearly or s.lump_sum or s.biweekly):
        raise NeedsInput("how much extra you would pay (and how often)")
    loan, rate, months = _loan_rate_term(s)
    result = lm.payoff_with_extras(
        loan,
        rate,
        months,
        extra_monthly=s.extra_monthly or 0,
        extra_yearly=s.extra_yearly or 0,
        lump_sum=s.lump_sum or 0,
        lump_sum_month=s.lump_month or 1,
        biweekly=s.biweekly,
    )
    plan = []
    if s.extra_monthly:
        plan.append(f"{money(s.extra_monthly)} extra every month")
    if s.extra_yearly:
        plan.append(f"{money(s.extra_yearly)} extra once a year")
    if s.lump_sum:
        plan.append(f"a {money(s.lump_sum)} lump sum with payment {s.lump_month or 1}")
    if s.biweekly:
        plan.append("half the payment every two weeks (one extra payment a year)")
    figures = [
        Figure("Interest saved", result.interest_saved, "money"),
        Figure("Months saved", Decimal(result.months_saved), "months"),
        Figure("Payments with extra", Decimal(result.months_with_extra), "months"),
        Figure("Interest with extra", result.interest_with_extra, "money"),
    ]
    summary = (
        f"Paying {' and '.join(plan)} on a {money(loan, cents=False)} loan at {pct(rate, 3)} for "
        f"{_term_text(months)} saves {money(result.interest_saved)} in interest and pays it off "
        f"{result.months_saved} months earlier ({_years_months(result.months_saved)}; "
        f"{result.months_with_extra} payments instead of {result.months_baseline})."
    )
    return Calculation(
        Calculator.EXTRA,
        "Amortization schedule with extra principal vs. the original schedule",
        _loan_inputs(s) + [("Extra", "; ".join(plan))],
        figures,
        summary,
        [SCHEDULE_NOTE],
        [],
        s,
    )


def _points(s: Scenario) -> Calculation:
    _require(s, "loan", "term_months", "rate")
    if s.new_rate is None:
        raise NeedsInput("the rate with the points (the bought-down rate)")
    loan, rate, months = _loan_rate_term(s)
    base, bought = max(rate, s.new_rate), min(rate, s.new_rate)
    if s.points is not None:
        cost = loan * s.points / 100
    elif s.points_amount is not None:
        cost = s.points_amount
    elif s.fees is not None:
        cost = s.fees
    else:
        raise NeedsInput("how many points (or what they cost)")
    old = lm.monthly_payment(loan, base, months=months)
    new = lm.monthly_payment(loan, bought, months=months)
    result = lm.break_even(cost, old, new)
    if result.months is None:
        raise NeedsInput("the rate with and without points", reason="The bought-down rate is not lower.")
    inputs = _loan_inputs(dataclasses.replace(s, rate=base)) + [("Rate with points", pct(bought, 3))]
    inputs.append(("Points", f"{s.points.normalize():f} ({money(cost)})" if s.points is not None else money(cost)))
    figures = [
        Figure("Break-even months", Decimal(result.months), "months"),
        Figure("Cost of points", cost, "money"),
        Figure("Monthly saving", result.monthly_saving, "money"),
    ]
    summary = (
        f"The points cost {money(cost)} and lower the payment from {money(result.old_payment)} to "
        f"{money(result.new_payment)}, saving {money(result.monthly_saving)} a month: you break even after "
        f"{result.months} months ({_years_months(result.months)}). Keep the loan "
        "longer than that for the points to pay off."
    )
    return Calculation(
        Calculator.POINTS,
        "Break-even = cost of points ÷ monthly payment saving (rounded up)",
        inputs,
        figures,
        summary,
        [],
        [],
        s,
    )


def _refinance(s: Scenario) -> Calculation:
    if s.fees is None:
        raise NeedsInput("the closing costs of the new loan")
    inputs = [("Closing costs", money(s.fees))]
    if s.monthly_saving is not None and s.current_payment is None and s.housing_payment is None:
        return _recouped_from_saving(s, s.fees, inputs)
    if s.current_payment is not None:
        old = s.current_payment
        inputs.append(("Current payment", money(old)))
    else:
        _require(s, "loan", "rate", "term_months")
        loan, rate, months = _loan_rate_term(s)
        old = lm.monthly_payment(loan, rate, months=months)
        inputs += _loan_inputs(s)
    if s.housing_payment is not None:
        new = s.housing_payment
        inputs.append(("New payment", money(new)))
    else:
        if s.new_rate is None:
            raise NeedsInput("the new rate (or the new payment)")
        _require(s, "loan", "term_months")
        balance = _known(s.resolved_loan, "loan")
        term = s.new_term_months or _known(s.term_months, "term_months")
        new = lm.monthly_payment(balance, s.new_rate, months=term)
        inputs += [
            ("Balance", money(balance)),
            ("New rate", pct(s.new_rate, 3)),
            ("New term", _term_text(term)),
        ]
    result = lm.break_even(s.fees, old, new)
    if result.months is None:
        raise NeedsInput("the current and new payments", reason="The new payment is not lower than the current one.")
    figures = [
        Figure("Break-even months", Decimal(result.months), "months"),
        Figure("Monthly saving", result.monthly_saving, "money"),
        Figure("New payment", result.new_payment, "money"),
    ]
    summary = (
        f"Refinancing lowers the payment from {money(result.old_payment)} to {money(result.new_payment)}, "
        f"saving {money(result.monthly_saving)} a month; the {money(s.fees)} of closing costs are recouped after "
        f"{result.months} months ({_years_months(result.months)})."
    )
    notes = ["A lower payment from a longer new term can cost more interest overall."]
    if s.housing_payment is None and s.new_term_months is None:
        same_term = _term_text(_known(s.term_months, "term_months"))
        notes.insert(0, f"The new loan was taken to run {same_term}, the term you mentioned.")
    return Calculation(
        Calculator.REFINANCE,
        "Break-even = closing costs ÷ monthly saving (rounded up)",
        inputs,
        figures,
        summary,
        notes,
        [],
        s,
    )


def _recouped_from_saving(s: Scenario, cost: Decimal, inputs: list[tuple[str, str]]) -> Calculation:
    """Break-even when the borrower states the monthly saving itself ("it saves me $140 a month")."""
    saving = _known(s.monthly_saving, "monthly_saving")
    result = lm.break_even(cost, saving, Decimal(0))
    if result.months is None:
        raise NeedsInput("the monthly saving", reason="A saving has to be above $0 to recoup the costs.")
    summary = (
        f"Saving {money(saving)} a month, the {money(cost)} of closing costs are recouped after {result.months} "
        f"months ({_years_months(result.months)})."
    )
    return Calculation(
        Calculator.REFINANCE,
        "Break-even = closing costs ÷ monthly saving (rounded up)",
        [*inputs, ("Monthly saving (as you stated)", money(saving))],
        [Figure("Break-even months", Decimal(result.months), "months"), Figure("Monthly saving", saving, "money")],
        summary,
        ["A lower payment from a longer new term can cost more interest overall."],
        [],
        s,
    )


def _apr(s: Scenario) -> Calculation:
    _require(s, "loan", "rate", "term_months")
    loan, rate, months = _loan_rate_term(s)
    charges = Decimal(0)
    parts = []
    if s.points is not None:
        charges += loan * s.points / 100
        parts.append(("Points", f"{s.points.normalize():f} ({money(loan * s.points / 100)})"))
    if s.points_amount is not None:
        charges += s.points_amount
        parts.append(("Points", money(s.points_amount)))
    if s.fees is not None:
        charges += s.fees
        parts.append(("Fees", money(s.fees)))
    if not parts:
        raise NeedsInput("the points and fees paid at closing")
    apr = lm.apr(loan, rate, months, charges)
    figures = [
        Figure("APR", apr, "rate"),
        Figure("Amount financed", loan - charges, "money"),
        Figure("Prepaid finance charges", charges, "money"),
    ]
    summary = (
        f"With {money(charges)} in points and fees, a {money(loan, cents=False)} loan at {pct(rate, 3)} for "
        f"{_term_text(months)} has an APR of {pct(apr, 3)} (amount financed {money(loan - charges)})."
    )
    return Calculation(
        Calculator.APR,
        "Regulation Z Appendix J actuarial method (monthly unit period)",
        _loan_inputs(s) + parts,
        figures,
        summary,
        ["Only the points and fees you listed are counted as prepaid finance charges."],
        [],
        s,
    )


def _cash_to_close(s: Scenario) -> Calculation:
    down = s.down_amount
    if down is None and s.down_pct is not None and s.price is not None:
        down = s.price * s.down_pct / 100
    if down is None and s.price is not None and s.loan is not None:
        down = s.price - s.loan
    if down is None or s.fees is None:
        raise NeedsInput(
            *([] if down is not None else ["the down payment"]), *([] if s.fees is not None else ["the closing costs"])
        )
    result = lm.cash_to_close(
        down_payment=down,
        closing_costs=s.fees,
        prepaids=s.prepaids or 0,
        lender_credits=s.lender_credits or 0,
        seller_credits=s.seller_credits or 0,
        deposit=s.deposit or 0,
    )
    inputs = [(name.capitalize(), money(amount)) for name, amount in result.parts]
    summary = (
        "Cash to close: "
        + " ".join(f"{'−' if amount < 0 else '+'} {money(abs(amount))} {name}" for name, amount in result.parts).lstrip(
            "+ "
        )
        + f" = {money(result.total)}."
    )
    return Calculation(
        Calculator.CASH_TO_CLOSE,
        "Cash to close = down payment + closing costs − credits − deposit",
        inputs,
        [Figure("Cash to close", result.total, "money")],
        summary,
        list(s.assumptions),
        [],
        s,
    )


CALCULATORS = {
    Calculator.PAYMENT: _payment,
    Calculator.TOTAL_INTEREST: _total_interest,
    Calculator.SCHEDULE: _schedule,
    Calculator.BALANCE: _balance,
    Calculator.INTEREST_ONLY: _interest_only,
    Calculator.ARM: _arm,
    Calculator.DTI: _dti,
    Calculator.MAX_LOAN: _max_loan,
    Calculator.LTV: _ltv,
    Calculator.PMI: _pmi,
    Calculator.EXTRA: _extra,
    Calculator.POINTS: _points,
    Calculator.REFINANCE: _refinance,
    Calculator.APR: _apr,
    Calculator.CASH_TO_CLOSE: _cash_to_close,
}


def calculate(scenario: Scenario) -> Calculation | Clarification | None:
    """Run the calculator the scenario asks for; a Clarification when an input is missing or implausible."""
    if scenario.intent is None:
        return None
    try:
        _check_term(scenario)
        calculation = CALCULATORS[scenario.intent](scenario)
    except NeedsInput as need:
        return Clarification(scenario.intent, need.missing, scenario, need.reason)
    except (ValueError, ArithmeticError) as error:
        return Clarification(scenario.intent, ["the figures again"], scenario, f"I could not compute that ({error}).")
    if scenario.unresolved:
        # a figure without a role could be the one that changes the answer: ask rather than leave it out
        figures = " and ".join(scenario.unresolved)
        return Clarification(
            scenario.intent,
            [
                f"what {figures} {'is' if len(scenario.unresolved) == 1 else 'are'} (the price, the loan amount, "
                "a monthly debt, a fee ...)"
            ],
            scenario,
            f"I could not tell what {figures} refers to.",
        )
    assumptions = [a for a in scenario.assumptions if a not in calculation.assumptions]
    return dataclasses.replace(calculation, assumptions=[*calculation.assumptions, *assumptions])


def answer_question(
    question: str, previous: Scenario | None = None, intent_source: str | None = None
) -> Calculation | Clarification | None:
    """Read a message (with the conversation's last scenario for follow-ups) and calculate, ask, or stay out.

    Figures are always read from `question` (the redacted text). `intent_source`, the text as typed, only picks
    the calculator: a word the PII guard took for a name ("max price" -> "<PERSON_1> price") still counts there.
    """
    current = read_scenario(question, intent_source)
    follow_up = previous is not None and is_follow_up(question, current)
    if follow_up and previous is not None and current.intent is None and previous.intent is not None:
        current = read_scenario(question, intent_source, follow_up_of=previous.intent)
    if current.intent is None and not follow_up:
        return None
    if follow_up and current.intent is None and not _restates_anything(current):
        return None
    scenario = merge(previous, current, follow_up)
    if not follow_up and not _has_anything(scenario):
        return None
    result = calculate(scenario)
    if isinstance(result, Clarification) and (
        SAMPLE_DOCUMENT_RE.search(question) or EXPLAINED_TOOL_RE.search(question)
    ):
        # "on the sample ARM estimate, when does the rate change?" asks what a document says: its figures are in
        # the knowledge base, and asking the borrower for theirs answers a question nobody asked.
        return None
    return result


def _has_anything(scenario: Scenario) -> bool:
    """A bare "what is a good DTI?" has no figures: answer from the knowledge base, not with a calculator."""
    names = (
        "loan",
        "price",
        "value",
        "rate",
        "income",
        "term_months",
        "budget",
        "fees",
        "housing_payment",
        "down_amount",
        "current_payment",
    )
    return any(getattr(scenario, name) is not None for name in names) or bool(scenario.debts)


def compute_from_question(text: str, previous: Scenario | None = None) -> Calculation | None:
    """The calculation for a question, or None (no calculation, or one that needs more figures)."""
    result = answer_question(text, previous)
    return result if isinstance(result, Calculation) else None
