"""Per-sentence vetting of streamed model output: nothing reaches the borrower before the bias check.

The model's tokens are buffered into sentences; each complete sentence has its citation markers checked against the
sources of this turn (unknown numbers are dropped, an uncited sentence that clearly restates one source gets that
source's number) and passes the fair-lending check before it is released.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tools import bias

CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
SENTENCE_END = re.compile(r"(?:[.!?](?:\s*\[\d+(?:\s*,\s*\d+)*\])*\s+(?=[^\s\[])|\n+(?=\S))")
WORD = re.compile(r"[a-z0-9][a-z0-9'%$.-]*")
STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have", "how", "if", "in",
        "into", "is", "it", "its", "may", "of", "on", "or", "that", "the", "their", "them", "there", "these", "this",
        "to", "was", "were", "what", "when", "which", "who", "will", "with", "you", "your",
    }
)
MIN_ATTRIBUTION_OVERLAP = 0.5


def split_complete_sentences(buffer: str) -> tuple[list[str], str]:
    """Split off every sentence that is certainly complete; return them and the unfinished rest."""
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(buffer):
        sentences.append(buffer[start : match.end()])
        start = match.end()
    return sentences, buffer[start:]


def cited_numbers(text: str) -> list[int]:
    return [int(n) for group in CITATION.findall(text) for n in re.split(r"\s*,\s*", group)]


def _content_words(text: str) -> set[str]:
    return {w.strip(".'") for w in WORD.findall(text.lower())} - STOPWORDS


def _fix_citations(sentence: str, source_texts: Sequence[str]) -> str:
    def keep_known(match: re.Match[str]) -> str:
        numbers = [n for n in re.split(r"\s*,\s*", match.group(1)) if 1 <= int(n) <= len(source_texts)]
        return f"[{', '.join(numbers)}]" if numbers else ""

    sentence = CITATION.sub(keep_known, sentence)
    if cited_numbers(sentence) or not source_texts:
        return sentence
    words = _content_words(sentence)
    if len(words) < 4:
        return sentence
    overlaps = [len(words & _content_words(text)) / len(words) for text in source_texts]
    best = max(range(len(overlaps)), key=overlaps.__getitem__)
    if overlaps[best] < MIN_ATTRIBUTION_OVERLAP:
        return sentence
    stripped = sentence.rstrip()
    trailing = sentence[len(stripped) :]
    if stripped and stripped[-1] in ".!?":
        return f"{stripped[:-1]} [{best + 1}]{stripped[-1]}{trailing}"
    return f"{stripped} [{best + 1}]{trailing}"


class SentenceVetter:
    """Turns a token stream into released, vetted text and remembers what it withheld."""

    def __init__(self, source_texts: Sequence[str]):
        self._sources = list(source_texts)
        self._buffer = ""
        self.released: list[str] = []
        self.flags: list[dict[str, str]] = []

    def feed(self, token: str) -> list[str]:
        self._buffer += token
        complete, self._buffer = split_complete_sentences(self._buffer)
        return [piece for s in complete if (piece := self._vet(s))]

    def flush(self) -> list[str]:
        rest, self._buffer = self._buffer, ""
        released = [piece] if rest.strip() and (piece := self._vet(rest)) else []
        if self.flags:
            released.append("\n\n" + bias.ADJUSTMENT_NOTICE)
            self.released.append(released[-1])
        return released

    def _vet(self, sentence: str) -> str | None:
        flags = bias.check_text(sentence).flags
        if flags:
            self.flags.extend(
                {"characteristic": f.characteristic, "reason": f.reason, "sentence": f.sentence} for f in flags
            )
            return None
        piece = _fix_citations(sentence, self._sources)
        self.released.append(piece)
        return piece

    @property
    def text(self) -> str:
        return "".join(self.released).strip()
