"""Where an address block ends: the town, region, country and postcode after a street line."""

from __future__ import annotations

import re

from tools.pii.patterns import _PLACE_PARTICLES
from tools.pii.words import _LOWER_VOCABULARY_WORDS, _is_common_word

# The rest of an address after its street: ", Tallinn, Estonia 02151" on the same line, or up to three short lines
# (town, region, country) of which the last ends in a postcode ("\nMOSS\n, nan\n 51971", "\nBrazil 95828").
_PLACE_WORDS = r"[A-ZÀ-Þ\u0370-\u03ff(][\w'’().-]*(?:[ \t]+[A-ZÀ-Þ\u0370-\u03ff(][\w'’().-]*){0,3}"
_SAME_LINE_POSTCODE = re.compile(rf"(?:,[ \t]*{_PLACE_WORDS}){{1,3}}[ \t]+\d{{4,5}}\b")
_ADDRESS_LINE = re.compile(r"[ \t]*\n[ \t>]*(?P<line>[^\n]{1,40})")
_POSTCODE_LINE = re.compile(r"[^\d\n]{0,40}?\b\d{4,5}[ \t]*[.?!]?[ \t]*")


# The same in lower case, after a street typed in lower case (", mp 35739", "\nmarke\nbelgium 97466").
_LOWER_PLACE_WORDS = r"[^\W\d_A-Z][\w'’().-]*(?:[ \t]+[^\W\d_A-Z][\w'’().-]*){0,3}"
_SAME_LINE_LOWER_POSTCODE = re.compile(rf"(?:,[ \t]*{_LOWER_PLACE_WORDS}){{1,3}}[ \t]+\d{{4,5}}\b")
# Words of a sentence, not of a place, after an address typed in lower case ("income 6500" on the next line).
_MONEY_WORDS = frozenset("income salary rent payment price balance budget debt savings down cost fee fees".split())  # noqa: SIM905


def _lower_place_word(word: str) -> bool:
    """A word of a town, region or country typed in lower case: no stop word, lending term or money word."""
    return (
        word.islower()
        and not _is_common_word(word)
        and word not in _LOWER_VOCABULARY_WORDS
        and word not in _MONEY_WORDS
    )


def _address_block_end(text: str, end: int, lower_case: bool = False) -> int:
    """Where an address that a street line starts ends: only a postcode closes the block, so a street followed by
    ordinary text is left as it is. After a street typed in lower case (`lower_case`) the town, region and country
    may be in lower case too ("688 rue du centre 320\napt. 169\nmarke\nbelgium 97466")."""
    same_line = _SAME_LINE_POSTCODE.match(text, end)
    if not same_line and lower_case:
        same_line = _SAME_LINE_LOWER_POSTCODE.match(text, end)
        if same_line and not all(_lower_place_word(word) for word in re.findall(r"[^\W\d_]+", same_line.group())):
            same_line = None  # ", and 4596": a sentence goes on, no town
    if same_line:
        return same_line.end()
    position = end
    for _ in range(4):
        line = _ADDRESS_LINE.match(text, position)
        if not line:
            break
        words = re.findall(r"[^\W\d_]+", line.group("line"))
        if not all(
            word[0].isupper() or re.fullmatch(_PLACE_PARTICLES, word) or (lower_case and _lower_place_word(word))
            for word in words
        ):
            break  # a sentence ("income is 6500"), not a town, region or country
        if _POSTCODE_LINE.fullmatch(line.group("line")):
            return line.end()
        if re.search(r"\d|[.!?:;]\s*$", line.group("line")) or line.end() - line.start("line") >= 40:
            break
        position = line.end()
    return end
