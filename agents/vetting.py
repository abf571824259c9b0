"""Per-sentence vetting of streamed model output: nothing reaches the borrower before it is checked.

The model's tokens are buffered into sentences; each complete sentence
- passes the fair-lending check (else it is withheld and a notice added),
- has its citation markers checked against the sources of this turn (unknown numbers are dropped, an uncited
  sentence that clearly restates one source gets that source's number),
- must be supported by the passage it cites (`tools.grounding.check_support`): otherwise it is cited to the
  source that does support it, or replaced by that passage's closest sentence, quoted, or dropped. A figure or a
  "not" the source does not have is never released.
A bare "Yes"/"No" opener is removed (no passage can support a verdict word; the claim after it is checked), and
PII placeholders such as <PERSON_1> never reach the borrower.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tools import bias
from tools.grounding import (
    Period,
    check_support,
    content_stems,
    contradicted_by,
    figure_periods,
    is_terminated,
    numbers_in,
    passage_sentences,
    percentages_in,
    strip_citations,
)
from tools.placeholders import PLACEHOLDER, placeholder_noun

WORDLIKE = re.compile(r"[^\W_]")

CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
SENTENCE_END = re.compile(r"(?:[.!?](?:\s*\[\d+(?:\s*,\s*\d+)*\])*\s+(?=[^\s\[])|\n+(?=\S))")
WORD = re.compile(r"[a-z0-9][a-z0-9'%$.-]*")
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "how",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    }
)
MIN_ATTRIBUTION_OVERLAP = 0.5
MIN_SUPPORT_OVERLAP = 0.6  # chosen on the tune half of tests/data/support_labels.jsonl (apfa eval support)
MIN_REPLACEMENT_OVERLAP = 0.5
MIN_REPLACEMENT_WORDS = 6  # a passage sentence that replaces an unsupported one is a full sentence
REPEAT_SIMILARITY = 0.8
VERDICT_OPENER = re.compile(r"^(\s*)(?:yes|no)\b[,.!:;—-]*\s*", re.IGNORECASE)
# A model that copies the evidence layout starts a sentence with "[2] " or a Markdown heading; neither is shown so.
LEADING_MARKUP = re.compile(r"^(\s*)(?:#{1,6}\s+|\*\*|\[(\d+)\][:.]?\s+)")
# The model's fixed "no answer" sentence (agents.prompts): not shown as such; the answer step words it for the borrower.
ABSTENTION = re.compile(r"^\s*the sources i have don['’]t say\b", re.IGNORECASE)
# A web address or file name in a model sentence is a passage's link or page footer copied out of it
# ("… mortgage-insurance-and-how-does-it-work.html 3 of 3Learn more at …", the 1.5B on the twelfth fresh set);
# the borrower gets the source itself with the answer.
WEB_ADDRESS = re.compile(r"(?:https?://|\bwww\.)\S+|\b[\w-]+\.(?:html?|pdf|aspx?)\b", re.IGNORECASE)
LINE_END = re.compile(r"[\s.!?:;,]+$")  # what a line ends with, ignored when a sentence is compared with a line


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


def _plain_words(placeholder: re.Match[str]) -> str:
    # A person in an answer is read as the borrower it addresses: "<PERSON_1> can" -> "You can".
    kind = placeholder.group(1)
    return "you" if kind == "PERSON" else f"your {placeholder_noun(kind)}"


def without_placeholders(text: str) -> str:
    """PII placeholders in the model's words replaced by plain words: the borrower never sees <PERSON_1>."""
    replaced = PLACEHOLDER.sub(_plain_words, text)
    if replaced == text:
        return text
    lead = len(replaced) - len(replaced.lstrip())
    return replaced[:lead] + replaced[lead : lead + 1].upper() + replaced[lead + 1 :]


def without_leading_markup(sentence: str) -> str:
    """ "[2] FHA loans …" → "FHA loans … [2]", "## Escrow …" → "Escrow …": the answer never mimics the source blocks."""
    match = LEADING_MARKUP.match(sentence)
    if not match:
        return sentence
    rest = sentence[match.end() :].replace("**", "")
    if match.group(2):
        body = rest.rstrip()
        end = body[-1] if body and body[-1] in ".!?" else ""
        rest = f"{body.rstrip('.!?')} [{match.group(2)}]{end}{_trailing_space(rest)}"
    return match.group(1) + rest


def without_verdict_opener(sentence: str) -> str:
    stripped = VERDICT_OPENER.sub(r"\1", sentence, count=1)
    if stripped == sentence or not stripped.strip():
        return sentence if stripped == sentence else ""
    lead = len(stripped) - len(stripped.lstrip())
    return stripped[:lead] + stripped[lead].upper() + stripped[lead + 1 :]


def _line_key(text: str) -> str:
    return LINE_END.sub("", " ".join(strip_citations(text).lower().split()))


def unfinished_lines(source_texts: Sequence[str]) -> set[str]:
    """The passages' lines that are no sentence (headings, link text, labels, questions), as `_line_key`s."""
    return {_line_key(line) for text in source_texts for line in passage_sentences(text) if not is_terminated(line)}


def _similarity(first: str, second: str) -> float:
    a, b = content_stems(first), content_stems(second)
    return len(a & b) / len(a | b) if a | b else 1.0


class SentenceVetter:
    """Turns a token stream into released, vetted text and remembers what it withheld.

    `given` is what the borrower wrote and the exact calculation showed: its figures may be restated without a
    source, per the period they were given in ("$85,000 a year" is never "a monthly income of $85,000").
    `shown` are passage sentences already quoted to the borrower (not repeated, never contradicted). `question` is
    the borrower's question alone: a sentence with no word or figure beyond it is an echo, never an answer.
    `max_sentences` bounds the answer: `done` turns true once that many sentences were released, so the caller can
    stop the model early.
    """

    def __init__(
        self,
        source_texts: Sequence[str],
        given: str = "",
        shown: Sequence[str] = (),
        max_sentences: int | None = None,
        question: str = "",
    ):
        self._sources = list(source_texts)
        self._allowed_numbers = numbers_in(given)
        self._allowed_percentages = percentages_in(given)
        self._given_periods: dict[str, frozenset[Period]] = figure_periods(given)
        self._shown = list(shown)
        self._quoted = list(shown)
        self._asked = _words_and_figures(question)
        self._unfinished_lines = unfinished_lines(self._sources)
        self._max_sentences = max_sentences
        self._buffer = ""
        self.released: list[str] = []
        self.flags: list[dict[str, str]] = []
        self.unsupported: list[dict[str, str]] = []
        self.abstained = False  # the model said the evidence does not answer the question

    @property
    def done(self) -> bool:
        return self._max_sentences is not None and len(self.released) >= self._max_sentences

    def feed(self, token: str) -> list[str]:
        self._buffer += token
        complete, self._buffer = split_complete_sentences(self._buffer)
        released = []
        for sentence in complete:
            if self.done:
                break
            if piece := self._vet(sentence):
                released.append(piece)
        return released

    def flush(self) -> list[str]:
        rest, self._buffer = self._buffer, ""
        released = [piece] if rest.strip() and not self.done and (piece := self._vet(rest)) else []
        if self.flags:
            released.append("\n\n" + bias.ADJUSTMENT_NOTICE)
            self.released.append(released[-1])
        return released

    def _vet(self, sentence: str) -> str | None:
        sentence = without_leading_markup(without_placeholders(sentence))
        if ABSTENTION.match(sentence):
            self.abstained = True
            return None
        if not self.released:
            sentence = without_verdict_opener(sentence)
        if not WORDLIKE.search(strip_citations(sentence)):
            return None  # nothing but citation marks and punctuation ("[1], [2], [5]"): no sentence at all
        if self._asked and _words_and_figures(sentence) <= self._asked:
            # "After my loan closes, my lender will always be the one taking my payments [1]": the question's own
            # words turned into a claim, which its citation cannot make true.
            return None
        if _line_key(sentence) in self._unfinished_lines or WEB_ADDRESS.search(sentence):
            # "Get ready for closing [1].": a passage's heading, link text or footer restated as if it answered
            # something.
            return None
        flags = bias.check_text(sentence).flags
        if flags:
            self.flags.extend(
                {"characteristic": f.characteristic, "reason": f.reason, "sentence": f.sentence} for f in flags
            )
            return None
        piece = self._supported(_fix_citations(sentence, self._sources))
        if piece is None or any(_similarity(piece, shown) >= REPEAT_SIMILARITY for shown in self._shown):
            return None
        if contradicted_by(piece, self._quoted):
            # Supported by some passage, yet the opposite of a sentence quoted above it: the borrower would be
            # shown both, and cannot tell which holds for them.
            self.unsupported.append({"sentence": piece.strip(), "reason": "contradicts a quoted sentence"})
            return None
        self._shown.append(piece)
        self.released.append(piece)
        return piece

    def _supported(self, sentence: str) -> str | None:
        """The sentence if a source it cites supports it; else re-cited, replaced by a quote, or None."""
        if not self._sources:
            return sentence
        cited = [n for n in dict.fromkeys(cited_numbers(sentence)) if 1 <= n <= len(self._sources)]
        others = [n for n in range(1, len(self._sources) + 1) if n not in cited]
        verdicts = {}
        for n in cited + others:
            verdict = check_support(
                sentence,
                self._sources[n - 1],
                self._allowed_numbers,
                min_overlap=MIN_SUPPORT_OVERLAP,
                allowed_periods=self._given_periods,
                allowed_percentages=self._allowed_percentages,
            )
            if verdict.supported:
                if n in cited:
                    return sentence
                return _recited(sentence, n)
            verdicts[n] = verdict
        reference = cited[0] if cited else max(verdicts, key=lambda n: verdicts[n].overlap)
        closest = verdicts[reference].closest
        self.unsupported.append({"sentence": sentence.strip(), "reason": verdicts[reference].reason.value})
        is_full_sentence = len(closest.split()) >= MIN_REPLACEMENT_WORDS and closest[-1] in ".!"
        if is_full_sentence and _overlap_share(sentence, closest) >= MIN_REPLACEMENT_OVERLAP:
            return f"“{closest}” [{reference}]" + (_trailing_space(sentence) or " ")
        return None

    @property
    def text(self) -> str:
        return "".join(self.released).strip()

    def checkable(self) -> list[tuple[str, str]]:
        """The released model sentences with the passage each cites first, for a second check: not the quotes
        that replaced unsupported sentences (the source's own words) nor the bias notice."""
        pairs = []
        for piece in self.released:
            cited = [n for n in cited_numbers(piece) if 1 <= n <= len(self._sources)]
            if cited and not piece.lstrip().startswith("“"):
                pairs.append((piece, self._sources[cited[0] - 1]))
        return pairs

    def withdraw(self, piece: str, reason: str) -> None:
        """Take back a released sentence a later check found unsupported (before the borrower saw it)."""
        self.released.remove(piece)
        self._shown.remove(piece)
        self.unsupported.append({"sentence": piece.strip(), "reason": reason})


def _recited(sentence: str, number: int) -> str:
    """The sentence with its citation markers replaced by [number]."""
    body = strip_citations(sentence).rstrip()
    end = body[-1] if body and body[-1] in ".!?" else "."
    return f"{body.rstrip('.!?')} [{number}]{end}{_trailing_space(sentence)}"


def _trailing_space(sentence: str) -> str:
    return sentence[len(sentence.rstrip()) :]


def _words_and_figures(text: str) -> set[str]:
    return content_stems(strip_citations(text)) | numbers_in(text)


def _overlap_share(claim: str, source: str) -> float:
    words = content_stems(claim)
    return len(words & content_stems(source)) / len(words) if words else 0.0
