"""Word lists the guard consults: lending vocabulary and US states (never entities), stop words and other
common words that never start a name, the Census and world name lists, the English dictionary from the spaCy
model, name look-alikes, and the test for an English word in any regular inflection."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from tools.pii.settings import LANGUAGE

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
    # defined terms of the standard note and security instrument, capitalised as names are
    "Note Holder",
    "Applicable Law",
    "Environmental Law",
    "Loan Servicer",
    "NMLS",
    "JSON",  # the rate tool's data format, which the small model reads as a name
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
    "LE",
    "CD",
    "Visa",
    "Mastercard",
    "American Express",
    "Amex",
    "Discover",
    "SSN",
    "ITIN",
    "DOB",
    # payment and account words a borrower types in lower case ("my iban is ...", "roth ira")
    "IBAN",
    "SWIFT",
    "ACH",
    "IRA",
    "Roth",
    "Roth IRA",
    "Zelle",
    "Venmo",
    "PayPal",
    "Reg",
    "Reg T",
    # lenders a borrower names; "Wells" and "Chase" are Census names too
    "Wells Fargo",
    "Chase",
    "Bank of America",
    "Citi",
    "Citibank",
    "Capital One",
    "Rocket Mortgage",
    "Navy Federal",
    "Truist",
    "SoFi",
    "Ally",
    "PNC",
    "USAA",
    "Chime",
    "UWM",
    "loanDepot",
    "LendingTree",
    "Quicken Loans",
    "Guild Mortgage",
    "Zillow",
    "Redfin",
    # student loan servicers
    "Navient",
    "Nelnet",
    "MOHELA",
    "Sallie Mae",
]
ALLOW_LIST: tuple[str, ...] = tuple(_LENDING_VOCABULARY + _US_STATES)


def _is_common_word(word: str) -> bool:
    """Stop words and lending vocabulary never start a name ("this is my first home", "I'm Hispanic")."""
    folded = word.casefold().strip("'’.,")
    stem = re.split(r"['’]", folded)[0]  # "I'm", "we're", "hasn't"
    return folded in _COMMON_WORDS or folded.upper() in _UPPER_VOCABULARY or (stem != folded and stem in STOP_WORDS)


# Contractions typed without the apostrophe ("hasnt called back", "im looking").
_BARE_CONTRACTIONS = (  # noqa: SIM905 (one word list reads better as text)
    "im ive id youre youve youd theyre theyve weve hes shes thats whats theres heres dont doesnt didnt cant couldnt "
    "wont wouldnt shouldnt isnt arent wasnt werent hasnt havent hadnt aint mustnt neednt"
).split()

_COMMON_WORDS = frozenset(STOP_WORDS) | frozenset(
    [
        *_BARE_CONTRACTIONS,
        "about",
        "asking",
        "calling",
        "checking",
        "confused",
        "curious",
        "first",
        "following",
        "going",
        "hoping",
        "interested",
        "looking",
        "new",
        "not",
        "please",
        "really",
        "retired",
        "self",
        "single",
        "still",
        "sure",
        "trying",
        "urgent",
        "wondering",
        "writing",
        "yes",
        "hello",
        "hi",
        "hey",
        "thanks",
        "thank",
        "married",
        "divorced",
        "widowed",
        "separated",
        "pregnant",
        "disabled",
        "black",
        "white",
        "hispanic",
        "latino",
        "asian",
        "muslim",
        "christian",
        "jewish",
        "catholic",
        "veteran",
        "nurse",
        "teacher",
        "engineer",
        "doctor",
        "lawyer",
        "manager",
        "owner",
        "employed",
        "unemployed",
        "buying",
        "selling",
        "renting",
        "refinancing",
    ]
)
_UPPER_VOCABULARY = frozenset(term.upper() for term in _LENDING_VOCABULARY + _US_STATES)
# Each word of a lending term, for text typed in lower case ("freddie mac", "rocket mortgage"); capitalised, "Wells"
# or "Chase" alone may still be a name.
_LOWER_VOCABULARY_WORDS = frozenset(
    word.casefold() for term in _LENDING_VOCABULARY + _US_STATES for word in term.split() if len(word) > 2
)


def _census_names(file_name: str) -> list[str]:
    """Names of one list of the 1990 US Census name files (shipped in the ``names`` package), most common first."""
    lines = resources.files("names").joinpath(file_name).read_text(encoding="ascii").splitlines()
    return [line.split()[0].title() for line in lines if line.strip()]


def _english_words(nlp_engine: Any) -> frozenset[str]:
    """The English words (nouns, verbs, adjectives, adverbs: WordNet's index) and their irregular forms ("said",
    "went") that the spaCy model's lemmatizer ships; empty if the pipeline has no lookup lemmatizer tables."""
    try:
        lookups = nlp_engine.nlp[LANGUAGE].get_pipe("lemmatizer").lookups
        tables = [lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")]
    except (AttributeError, KeyError, ValueError):
        return frozenset()
    return frozenset(word for table in tables for part in table.values() for word in part)


def _world_first_names() -> frozenset[str]:
    """First names of 54 countries from Jörg Michael's nam_dict.txt (GNU FDL 1.2), shipped in ``gender-guesser``;
    only the names are read, never the gender."""
    text = resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_text(encoding="utf-8")
    names = set()
    for line in text.splitlines():
        if line and line[0] not in "#=":
            name = line.split()[1]
            names.update({name.replace("+", "-"), *name.split("+")})
    return frozenset(name for name in names if len(name) > 1 and name[:1].isupper())


# Words that are also Census names but, capitalised in a loan chat, far more often mean something else.
_NAME_LOOKALIKES = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "will",
        "bill",
        "grant",
        "chase",
        "hope",
        "faith",
        "joy",
        "summer",
        "star",
        "love",
        "king",
        "long",
        "rich",
        "page",
        "dean",
        "lane",
        "max",
        "mae",
        "young",
        "loan",
        "cash",
        "price",
        "bank",
        "home",
        "house",
        "street",
        "court",
        "case",
        "story",
        "short",
        "law",
        "judge",
        "hill",
        "park",
        "staff",
        "suite",
        "billing",
        "weekly",
        "early",
        "best",
        "gay",
        "golden",
        "major",
        "north",
        "south",
        "east",
        "west",
        "sharp",
        "banks",
        "land",
        "rose",
        "gold",
        "silver",
        "green",
        "brown",
        "white",
        "black",
        "gray",
        "grey",
    ]
)


_INFLECTIONS = (
    ("ies", "y"),
    ("ied", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("er", ""),
    ("er", "e"),
    ("est", ""),
    ("ly", ""),
)


def _english_word(word: str, english_words: frozenset[str]) -> bool:
    """An English word or a regular inflection of one ("Financed", "bills", "shorter"); without a parse at hand."""
    folded = word.casefold()
    if folded in english_words:
        return True
    for suffix, replacement in _INFLECTIONS:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 2:
            stem = folded[: -len(suffix)]
            if stem + replacement in english_words or (stem[-1:] == stem[-2:-1] and stem[:-1] in english_words):
                return True
    return False
