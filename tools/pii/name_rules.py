"""Name rules applied to the analyzer's results before overlaps are resolved: readings that are no name
(digits, "max loan", only English words) are dropped, and a found name makes other names of the text (mentioned
again, other speaker labels, the first line of a contact card, its neighbours in an enumeration)."""

from __future__ import annotations

import re
from collections.abc import Callable

from presidio_analyzer import RecognizerResult

from tools.pii.words import _LOWER_VOCABULARY_WORDS, _NAME_LOOKALIKES, _english_word, _is_common_word


def _not_a_name_value(value: str) -> bool:
    return any(c.isdigit() or "\ue000" <= c <= "\uf8ff" for c in value)


# "is there a max loan amount": the small spaCy model reads "max"/"min" before a lending noun as a person, while
# "my name is max" or "Max Smith" stay names.
_LIMIT_WORD_BEFORE_LENDING_NOUN = re.compile(
    r"(?:max|min)\.?\s+(?:loan|amount|dti|ltv|cltv|payment|price|limit|rate|term|down|debt|income|credit|score|"
    r"mortgage|purchase|cash|back-end|front-end|ratio)\b",
    re.IGNORECASE,
)


# Fixed terms of lending that start with a word the name lists hold: "Earnest money" (Earnest is a given name),
# "Perkins loans", "Your Right to Cancel" (read as "Cancel You"). Only the term is kept, so "Mr. Perkins" stays a name.
_LENDING_TERM = re.compile(r"\b(?:earnest\s+money|perkins\s+loans?|right\s+to\s+cancel)\b", re.IGNORECASE)
# Loan-product acronyms only: identity ones ("SSN", "DOB") can sit inside a misread span beside a real name.
_LENDING_ACRONYMS = frozenset(
    {"LTV", "CLTV", "DTI", "PMI", "MIP", "APR", "APY", "ARM", "FHA", "USDA", "HELOC", "HOA", "FICO", "HUD"}
)


def _lending_term(text: str, result: RecognizerResult) -> bool:
    """A "name" that begins inside a fixed lending term (see `_LENDING_TERM`), or holds a lending acronym of three
    letters or more ("Maximum LTV", "Removing PMI" as headings): no person is named so."""
    if result.entity_type != "PERSON":
        return False
    window = max(0, result.start - 20)
    if any(m.start() <= result.start < m.end() for m in _LENDING_TERM.finditer(text, window, result.end + 20)):
        return True
    words = re.findall(r"[A-Z]{3,}(?=s?\b)", text[result.start : result.end])
    return any(word in _LENDING_ACRONYMS for word in words)


_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|any|your)\s+$", re.IGNORECASE)


def _limit_word(text: str, result: RecognizerResult) -> bool:
    if result.entity_type != "PERSON":
        return False
    word = text[result.start : result.end].lower().rstrip(".")
    return bool(_LIMIT_WORD_BEFORE_LENDING_NOUN.match(text, result.start)) or (
        word in {"max", "min"} and bool(_ARTICLE_BEFORE.search(text, 0, result.start))
    )


def _only_words(value: str, english_words: frozenset[str], listed: Callable[[str], bool]) -> bool:
    """A "name" made only of English words that no name list holds: the small model's reading of capitalised
    nouns ("Salesperson of the Month", "Wisdom and Discipline", "Cautionary Tales", "Applicable Law")."""
    words = re.findall(r"[^\W\d_][\w'’-]*", value)
    return bool(words) and all(
        _english_word(word, english_words) and not listed(word.title()) and not listed(word) for word in words
    )


# A courtesy title before a word makes it a name even when a dictionary holds it ("correct it to Mrs. Glyceria",
# "Dr. Ronner flew"); "Miss" is left out, being also a verb ("Miss Payments").
_TITLE_BEFORE = re.compile(r"(?<![\w.])(?:Mr|Mrs|Ms|Dr|Prof)\.?[ \t]+$")


def _after_title(text: str, result: RecognizerResult) -> bool:
    """A name directly after a courtesy title, kept whatever its words (see `_only_words`)."""
    return bool(_TITLE_BEFORE.search(text, max(0, result.start - 8), result.start))


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


# after any quoting marks or a bullet the text lost in transit ("> ", "??? ")
_FIRST_LINE = re.compile(r"\A\s*(?:>[ \t]*\n\s*)*(?:>|\?{1,3})?[ \t]*(?P<line>[^\W\d_][^\n\d]{0,40}?)[ \t]*\n")
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


_ADDRESSEE_LINE = re.compile(
    r"(?i:\b(?:billing|shipping|mailing|postal|delivery|home)?[ \t]*address[ \t]*:)[ \t]*"
    r"(?P<line>[^\W\d_][^\n\d,:]{0,40}?)[ \t]*\n"
)


def _addressee_name(
    text: str, results: list[RecognizerResult], english_words: frozenset[str], listed: Callable[[str], bool]
) -> list[RecognizerResult]:
    """The addressee after "Billing address:" on its own line, above the street found on the next line
    ("Billing address: Westgård\n    Aqqusinersuaq 176 ..."): one to three capitalised words, each a listed name, an
    initial or a word in no dictionary."""
    found = []
    for match in _ADDRESSEE_LINE.finditer(text):
        start, end = match.span("line")
        next_line_end = text.find("\n", match.end())
        next_line_end = len(text) if next_line_end < 0 else next_line_end
        words = match.group("line").split()
        if (
            1 <= len(words) <= 3
            and any(r.entity_type == "STREET_ADDRESS" and match.end() <= r.start < next_line_end for r in results)
            and not any(r.start < end and start < r.end for r in results)
            and all(
                word[0].isupper()
                and (
                    _could_be_a_name(word, english_words, listed, listed_words=True) or re.fullmatch(r"[A-Z]\.?", word)
                )
                for word in words
            )
        ):
            found.append(RecognizerResult("PERSON", start, end, 0.45))
    return found


_LIST_ITEM_END = re.compile(r"\s*(?:,|&|(?:and|or)\b|[.;:!?)]|$)")
_LIST_ITEM_START = re.compile(r"(?:^|[,:&]|\band|\bor)[ \t]*$", re.MULTILINE)


def _list_item(text: str, start: int, end: int) -> bool:
    """A word that is a whole item of an enumeration: a joint, colon or line start before it, a joint or the
    sentence's end after it ("They had 6: Mary, Ariana, Isabel, Teresa and Jodi", not "Wash Sales and Day Trading")."""
    return bool(_LIST_ITEM_END.match(text, end)) and bool(_LIST_ITEM_START.search(text, max(0, start - 8), start))


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
                    # a listed name that is also a word only as a whole item of the list itself ("chad and caleb",
                    # "Mary, Ariana, Isabel, Teresa and Jodi"; not "Wash Sales and Day Trading"), in lower case only
                    # after a listed name ("my realtor, jen, said we should")
                    or not _could_be_a_name(
                        word,
                        english_words,
                        listed,
                        listed_words=(
                            bool(_LIST_ITEM_END.match(text, end))
                            if word.islower()
                            else _list_item(text, start, end) and _list_item(text, person.start, person.end)
                        ),
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


_SPOKEN_TO = re.compile(r"[ \t]+(?:to|at)[ \t]+(?P<word>[A-ZÀ-Þ][\w'’-]+)(?=[ \t]*(?:[.,:;!?\"]|$))", re.MULTILINE)
_SPEECH_VERB_BEFORE = re.compile(r"\b(?:said|asked|whispered|replied|shouted|yelled|screamed)[ \t]+$")
_SPEECH_VERB_AFTER = re.compile(r"[ \t]+(?:said|asked|whispered|replied|shouted|yelled|screamed)\b")


def _people_spoken_to(
    text: str, results: list[RecognizerResult], english_words: frozenset[str], listed: Callable[[str], bool]
) -> list[RecognizerResult]:
    """The person a found speaker speaks to, closing the clause: "said Timotea to Shovda", "Angela Lundström
    shouted at Ronner:" (a listed name or a word in no dictionary; "said Jones to Congress." is a listed
    surname's reading and stays only if no list holds the word)."""
    found = []
    for person in (r for r in results if r.entity_type == "PERSON"):
        speaks = _SPEECH_VERB_BEFORE.search(text, max(0, person.start - 12), person.start)
        after = person.end
        if not speaks:
            verb = _SPEECH_VERB_AFTER.match(text, person.end)
            if not verb:
                continue
            after = verb.end()
        match = _SPOKEN_TO.match(text, after)
        if not match:
            continue
        word = match.group("word")
        start, end = match.span("word")
        if _could_be_a_name(word, english_words, listed, listed_words=True) and not any(
            r.start < end and start < r.end for r in results
        ):
            found.append(RecognizerResult("PERSON", start, end, 0.45))
    return found


_STREET_LINE = re.compile(
    r"^[ \t>]*(?P<street>[A-ZÀ-Þ][^\W\d_]{2,}(?:[ \t]+[A-ZÀ-Þ][^\W\d_]{2,})?[ \t]+\d{1,5}[A-Za-z]?)[ \t]*$",
    re.MULTILINE,
)


def _street_lines_in_address_blocks(
    text: str, results: list[RecognizerResult], english_words: frozenset[str]
) -> list[RecognizerResult]:
    """A line of a capitalised name in no dictionary and a number, right below a found address ("Apt. 050
    Vesterskovvej 79\n Maneeži 75", "FPO AA 65607\n Jagerij 64"): the block's next street line. Words a dictionary
    holds ("Page 3", "Chapter 11") stay."""
    streets = [r for r in results if r.entity_type == "STREET_ADDRESS"]
    found = []
    for match in _STREET_LINE.finditer(text):
        start, end = match.span("street")
        line_start = text.rfind("\n", 0, start)
        if line_start <= 0:
            continue
        previous_line_start = text.rfind("\n", 0, line_start) + 1
        words = re.findall(r"[^\W\d_]+", match.group("street"))
        if (
            any(previous_line_start <= r.end <= line_start and r.end > previous_line_start for r in streets)
            and not any(r.start < end and start < r.end for r in results)
            and not any(_is_common_word(word) or _english_word(word, english_words) for word in words)
        ):
            found.append(RecognizerResult("STREET_ADDRESS", start, end, 0.45))
    return found
