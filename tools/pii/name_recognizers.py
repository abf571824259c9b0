"""The Presidio recognizers that find people's names the small spaCy model misses: names the text announces
("my name is ...", "Mr. ...") and names found by the name lists or shaped by the sentence (first name, initial,
surname; surname endings; subjects of verbs only people do; a name the message addresses; authors of works)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from tools.pii.recognizers import _RegexRecognizer
from tools.pii.settings import CENSUS_SURNAMES, COMMON_NAMES, LANGUAGE
from tools.pii.words import (
    _LOWER_VOCABULARY_WORDS,
    _NAME_LOOKALIKES,
    _census_names,
    _english_word,
    _is_common_word,
    _world_first_names,
)


class NameCueRecognizer(_RegexRecognizer):
    """Names the small spaCy model misses but the text announces: "my name is Rubija", "Name: Ana Diaz",
    "Mr. Okafor". Only explicit cues count, so "I am Hispanic" or "I'm married" are left alone."""

    entity_type = "PERSON"

    _capitalised = re.compile(
        r"(?i:\b(?:(?:first|last|middle|full|maiden|family|given|sur|nick)\s*name(?:\s+is|\s+was)?\s*[:?-]?|"
        r"my name is|my name's|name:|name is|name\b[^.?!\n]{0,60}?\b(?:change|update|correct)\s+it\s+to|"
        r"name[^.?!\n]{0,30}\?(?:\s*user:)?|"  # the answer to a question for a name: "What's your name? Ronner"
        r"name|call me|calls me|named(?:\s+(?:him|her|them))?|(?:was|is|were|be)\s+called|signed,?|regards,?|thanks,|"
        r"this is|hi it'?s|i'?m|i am|co-?borrower:?|borrower:?|co-?signer:?|"
        r"my (?:husband|wife|spouse|partner|fianc[eé]e?|son|daughter|mom|mother|dad|father|brother|sister|uncle|"
        r"aunt|ex|realtor|agent|loan officer|boss|kid|child|grand(?:son|daughter|father|mother|ma|pa)|cousin|"
        r"nephew|niece|friend|neighbou?r|landlord|tenant|roommate|boyfriend|girlfriend|employer|co-?worker|"
        r"colleague|lawyer|attorney|accountant|broker|banker)|loan officer,?|seller|buyer|"
        r"(?:directed|written|produced|composed|painted)\s+by:?|starring|featuring|assistant to)\s+"
        r"|\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)"
        # the name's words on the cue's line: "Name: Ana Diaz\nPhone: ..." must not take "Phone"
        r"(?P<name>[A-ZÀ-Þ][\w'’-]+(?:[ \t]+(?:[A-ZÀ-Þ]\.|[A-ZÀ-Þ][\w'’-]+)){0,3})"
    )
    # After the strongest cues a borrower may type the name in lower case ("my name is maria gonzalez").
    _lower_case = re.compile(
        r"(?i:\b(?:(?:first|last|middle|full|maiden|family|given|sur|nick)\s*name(?:\s+is|\s+was)?\s*[:?-]?|"
        r"my name is|my name's|name:|this is|hi it'?s|signed,?|regards,?|thanks,|calls me|mr\.?|mrs\.?|ms\.?)\s+)"
        r"(?P<name>[a-zà-þ][\w'’-]+(?:[ \t]+[a-zà-þ][\w'’-]+)?)"
    )
    _not_a_name = re.compile(r"(?:ing|ly|ed|ful|ous|ive|able|ment|tion)$")
    # What people call someone, in lower case ("sometimes people call me višeslav"): only a word in no dictionary,
    # so "people call me crazy" or "everyone calls me back" stay (see `analyze`).
    _called = re.compile(
        r"(?i:\b(?:people|everyone|everybody|friends|they|you\s+can|just|please)\s+call\s+me\s+)"
        r"(?P<name>[a-zà-þ\u0100-\u017f][\w'’-]+)(?=\s*(?:[.,!?]|$))"
    )

    def __init__(self, english_words: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.english_words = english_words

    # A person added to or removed from a loan, an account or a will: "add Key as a beneficiary", "remove Jake
    # from the loan", "add Quinzia as guardian".
    _role = re.compile(
        r"(?i:\b(?:add|remove|include|list)\s+)(?P<name>[A-ZÀ-Þ][\w'’-]+(?:\s+(?:[A-ZÀ-Þ]\.|[A-ZÀ-Þ][\w'’-]+)){0,3})"
        r"(?=\s+(?i:as\s+(?:(?:a|an|my|the|their)\s+)?(?:beneficiary|co-?borrower|co-?signer|co-?applicant|"
        r"authori[sz]ed user|joint owner|guardian|trustee|executor)|"
        r"from\s+(?:the|my|our)\s+(?:will|account|loan|title|deed|mortgage|application)))"
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
        results += [
            RecognizerResult(self.entity_type, match.start("name"), match.end("name"), 0.6)
            for match in self._called.finditer(text)
            if not _is_common_word(match.group("name")) and not _english_word(match.group("name"), self.english_words)
        ]
        return results


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
            # or a surname by its ending ("bártová began writing"), see _SURNAME_ENDING
            and (self.in_lists(word.title()) or (len(word) > 4 and bool(_LOWER_SURNAME_ENDING.search(word))))
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

    def _lower_full_name(self, doc: Any, index: int) -> bool:
        """A lower-case first name, initial and surname ("follow up with benjamin a seiler"): a listed first name,
        even one a dictionary holds, a single letter (also "a"), and a surname in no dictionary; "martin a lot"
        stays, its last word being English."""
        if index + 2 >= len(doc):
            return False
        first, initial, last = doc[index], doc[index + 1], doc[index + 2]
        return (
            len(first.text) > 2
            and first.text.isalpha()
            and first.text.islower()
            and (first.text.title() in self._first or first.text.title() in self._world_first)
            and first.text not in _LOWER_VOCABULARY_WORDS
            and not _is_common_word(first.text)
            and len(initial.text) == 1
            and initial.text.isalpha()
            and initial.text.islower()
            and initial.text != "i"
            and len(last.text) > 2
            and self._lower_case_neighbour(last)
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
        if (
            token.dep_ == "pobj"
            and token.head.lower_ == "of"
            and token.head.head.lemma_.lower() in _PERSON_ATTRIBUTES
            and not self._english(token)
            and token.text not in _PLACE_NAME_STARTS
        ):
            return True  # "The true gender of Mette", "the wife of Okonkwo"
        if token.dep_ == "pobj" and token.head.lower_ == "by" and token.head.head.lemma_ in _WORKS_BY_A_PERSON:
            return True  # "this song by ex-Zombie Ogasahara"
        if token.dep_ == "nsubj" and token.head.lemma_ == "be" and _near(token, token.head):
            # described like a person: "Shovda is very reliable", "Vsevolod is from ...", "Muslija and Brown were
            # precision engineers" (a noun for what a person does: -er, -or, -ist, -ian)
            return any(
                child.dep_ == "acomp"
                or child.lower_ == "from"
                or (
                    child.dep_ == "attr"
                    and child.pos_ == "NOUN"
                    and (bool(_AGENT_NOUN.search(child.lemma_)) or child.lemma_.lower() in _PERSON_NOUNS)
                )
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
            if self._lower_full_name(doc, index):
                results.append(
                    RecognizerResult("PERSON", doc[index].idx, doc[index + 2].idx + len(doc[index + 2]), 0.45)
                )
                index += 3
                continue
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
# The endings among those that no English word or typo has ("choosen" ends in -sen), for names in lower case.
_LOWER_SURNAME_ENDING = re.compile(
    r"(?:ová|ná|ić|vić|sson|dóttir|dottir|poulos|opoulos|escu|oğlu|enko|czyk|wicz|owski|ewski|ovich|evich|ovna|evna)$"
)
# Verbs whose subject is a person: a capitalised non-English word as their subject is a name ("Trivo lives on").
_PERSON_VERBS = frozenset(
    "live say tell ask answer reply explain work earn marry divorce sign begin write speak talk think feel want "  # noqa: SIM905
    "retire move agree complain promise shout give send spend sing".split()
)
# Works one author makes: a capitalised word in no dictionary before one is the author ("the Ronner novel").
_WORKS_BY_A_PERSON = frozenset(
    "novel poem memoir biography essay symphony sonata painting song album concert version recording".split()  # noqa: SIM905
)
# What belongs to a person: a capitalised word in no dictionary after "the gender of" is a name ("The true gender of
# Vehbija"), which the small model reads as a place.
_PERSON_ATTRIBUTES = frozenset(
    "gender age birthday wife husband son daughter mother father widow death funeral biography memoir".split()  # noqa: SIM905
)
# "Joly is a very sympathetic person": nouns for a person that no agent ending shows.
_PERSON_NOUNS = frozenset("person man woman guy girl boy lady gentleman friend kid child".split())  # noqa: SIM905
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
