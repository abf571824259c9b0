"""The regular expressions the recognizers match and the context words that back the weak ones: amounts,
street addresses (US, European and lower-case orders, address-block tails, PO boxes, military addresses), card
numbers, dates of birth, loan numbers, driver's licences, spelled-out e-mails and cued phone numbers."""

from __future__ import annotations

import re

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
    r"(?![ \t-]*(?i:%|percent|years?|yrs?|months?|weeks?|days?|hours?|k\b|dollars|times|x\b|[-/.,]\d))"
)  # "The 30-year fixed" is a loan term, not "The" street
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
    "utca|allee|platz|stræde|stien|bakken|torv|braut|vegur|kuja|polku|gränd|brücke|damm|ufer|steig|pfad|zeile"
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
# Hungarian order, the street word after the name and the number closed by a dot ("hegyalja út 98.", "Árpád
# fejedelem útja 62.", "Kossuth Lajos utca 3"); one or two words of three letters or more before it, so "lives on"
# is never taken in, and the name's words are checked as the other foreign streets' are.
HUNGARIAN_STREET_REGEX = (
    r"(?:[^\W\d_]{3,}[ \t]+)?[^\W\d_]{3,}[ \t]+(?:út|útja|utca|körút|tér|u\.)[ \t]+\d{1,5}[a-z]?\b\.?"
    r"(?:[ \t]+st\.)?"
)
LOWER_NUMBERED_STREET_ST_REGEX = (
    rf"\b\d{{1,6}}\s+{_LOWER_STREET_WORD}(?:\s+{_LOWER_STREET_WORD})?\s+\d{{1,5}}[a-z]?\s+(?:st\.|street\b)"
)
# A street typed all in lower case with its numbers around it ("688 rue du centre 320", "947 trg revolucije 17",
# "46 velký průhon 426"), in any language, with a unit after it ("apt. 169", also on the next line); the words
# are checked by LowerCaseStreetRecognizer (a street word such as "rue" or "trg", or only words in no dictionary),
# so "2 kids 3" or "30 year fixed 6" stay. Not the tail of an amount ("$211,000 no 4").
_LOWER_LETTER = "a-zß-ÿ\u0100-\u017f\u03ac-\u03ce"
LOWER_CASE_STREET_REGEX = (
    rf"(?<![\w,.$])\d{{1,6}}(?:[ \t]+\d{{1,6}})?[ \t]+(?:[{_LOWER_LETTER}][{_LOWER_LETTER}'’-]*\.?[ \t]+){{1,4}}"
    r"\d{1,5}[a-z]?\b(?:\.?,?\s+(?:apt|suite|unit|ste)\.?[ \t]*#?\d{1,5}[a-z]?\b)?"
)
# Street words and particles of street names written in lower case (see LOWER_CASE_STREET_REGEX).
LOWER_STREET_TYPES = frozenset(
    "rue rua r av avda avenida calle carrer via viale piazza strada trg ulica ul ulice út utca u cesta aleja al "  # noqa: SIM905
    "plac náměstí namesti nám třída trida odos οδός λεωφόρος rruga sokak caddesi bulevar bulevardul str "
    "straat laan weg vej gade gata vei".split()
)
LOWER_STREET_PARTICLES = frozenset(
    "de del della dei di da das do dos du des la le les los las e y a au aux van von der den na pod nad".split()  # noqa: SIM905
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
# Counts and ranges in documents ("5 Years 6", "1 OF 3", "30 Days 60", "7/6 and 10/6 ARMs. With 5/1/5") are not
# streets, nor is the tail of an amount ("$211,000 NO / Interest Rate 4%" on a Loan Estimate).
_NOT_A_STREET = r"(?!(?i:years?|months?|weeks?|days?|hours?|of|to|and|or|percent|points?|payments?|times|ARMs?)\b)"
NUMBERED_STREET_REGEX = (
    rf"(?<![\d,.$])\b\d{{1,6}}\s+{_NOT_A_STREET}[A-ZÀ-ÖØ-Þ\u0370-\u03ff][\w'’.-]+(?:\s+[\w'’.-]+){{0,3}}?\s+"
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


# Loan and application numbers: a lender's prefix (LN-, APP, MTG, REF, HEL-, FHA case numbers) is enough on its own;
# bare digit runs need a cue such as "loan", "application" or "case number" (Presidio's context enhancer).
LOAN_NUMBER_PREFIXED_REGEX = (
    r"(?i:\b(?:LN|APP|MTG|REF|HEL|HELOC|LID|FHA|VA|CASE)[- ]?(?:\d{2,8}[- ]?){1,3}\d{2,8}\b)"
    r"|\bA-\d{4,8}(?:-\d{2,8}){1,2}\b"
)
# A span of years ("2006-2009") is no loan number, whatever the context.
LOAN_NUMBER_BARE_REGEX = r"(?:#\s?)?\b(?!(?:19|20)\d\d-(?:19|20)\d\d\b(?![- ]\d))\d{4,12}(?:[- ]\d{2,8}){0,2}\b"
LOAN_CONTEXT = ["loan", "application", "app", "case", "reference", "ref", "mortgage", "heloc"]


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


# "kevin dot walsh at gmail dot com", "bob [at] mcnallyroofing [dot] com": addresses spelled out against scrapers.
_AT = r"(?:\s*[\[(]\s*at\s*[\])]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\[(]\s*dot\s*[\])]\s*|\s+dot\s+)"
SPELLED_EMAIL_REGEX = (
    rf"(?i:\b[a-z0-9._+-]+(?:{_DOT}[a-z0-9_+-]+)*{_AT}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*"
    rf"{_DOT}(?:com|net|org|edu|gov|us|io|me|co|uk|info|biz)\b)"
)


# Phone numbers the phonenumbers library rejects for lack of a region ("(96) 627-277", "467 3395", "3660170548")
# but which the text announces ("Phone:", "call me on", "fax", "mobile").
CUED_PHONE_REGEX = r"(?:\+\d{1,3}[ -]?)?(?:\(\d{2,4}\)\s?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}\b|\b\d{10}\b"
PHONE_CONTEXT = ["phone", "call", "cell", "mobile", "tel", "fax", "desk", "office", "reach", "text", "number"]
