"""The grounded answer step: the best supporting sentence, quoted, at once; then the model's short explanation.

Why this shape (measured with `apfa eval qa` on the tune half, docs/benchmarks.md):
- The borrower sees the source's own words with its citation within a second of asking, long before the local
  model's first token, and that quote is right whenever retrieval is. Each quoted sentence comes with the next one
  of its passage, where the answer to a question that repeats a definition's words usually is.
- The model reads only the few passage sentences that best answer the question (`tools.grounding.select_evidence`)
  after a byte-stable system prompt that llama.cpp keeps cached, so its first token comes seconds sooner.
- Every model sentence is vetted (`agents.vetting.SentenceVetter`): bias check, citation check, support check.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable
from typing import cast

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, BaseMessageChunk, HumanMessage, SystemMessage

from agents import prompts
from agents.claim_check import ClaimCheck
from agents.llm import unreachable_errors
from agents.state import TurnState
from agents.vetting import SentenceVetter
from kb.embedding import get_embedder
from tools.grounding import (
    Evidence,
    is_form_line,
    is_terminated,
    question_parts,
    select_evidence,
    with_following,
)
from tools.placeholders import withheld_in_source

HISTORY_TURNS = 2
EVIDENCE_SENTENCES = 4
# Tune half, quotes alone: 1 → 0.778, 2 → 0.822, 3 → 0.867 correct. Session 6 (hard + fresh + tune sets, 168
# questions, quotes alone): 3 at 0.8 → 123 right, 3 at 0.7 → 126, 4 at 0.7 → 130 (docs/benchmarks.md).
QUOTED_SENTENCES = 4
SECOND_QUOTE_SHARE = 0.7  # a further sentence is quoted only when it matches the question nearly as well
MAX_MODEL_SENTENCES = 3
SENTENCE_CACHE_SIZE = 20_000  # ~30 MB of 384-d float32 vectors
# Session 7, tuning sets quoted alone (281 questions): 6 words → 4 words, 211 → 212 right ("Your driver's license
# or ID."); an unterminated clause of 15 words or more quotable, 211 → 215 (the note's long clauses cut at a chunk's
# end: "… not less than 30 days from the date the notice is given …").
MIN_QUOTE_WORDS = 4
MIN_CLAUSE_WORDS = 15
MIN_QUOTE_SCORE = 0.45  # cosine + 0.5 × lexical overlap of the best sentence; below it nothing is quoted
# Below this best-sentence score the quotes are introduced as the closest found, not as the answer. Session 9,
# tuning sets quoted alone (461 questions): a best score under 0.7 on 28 of the 119 wrong answers and 17 of the 342
# right ones; on the seventh fresh set, not used for the choice, 9 of 27 wrong and 2 of 33 right
# (docs/benchmarks.md).
WEAK_MATCH_SCORE = 0.7

Write = Callable[[dict], None]
log = logging.getLogger(__name__)


class SentenceVectors:
    """Passage-sentence embeddings kept per process: popular passages come back turn after turn, and embedding
    their ~40 sentences is most of the time before the quote appears."""

    def __init__(self, capacity: int = SENTENCE_CACHE_SIZE):
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts`; the first text (the question) is never cached."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts[1:]) if t not in self._vectors]
        fresh = get_embedder().embed_documents([texts[0], *missing])
        with self._lock:
            for text, vector in zip(missing, fresh[1:], strict=True):
                self._vectors[text] = vector
            for text in texts[1:]:
                self._vectors.move_to_end(text)
            while len(self._vectors) > self._capacity:
                self._vectors.popitem(last=False)
            return np.stack([fresh[0], *(self._vectors[t] for t in texts[1:])])


sentence_vectors = SentenceVectors()


def choose_evidence(question: str, chunks: list) -> list[Evidence]:
    texts = [chunk.text for chunk in chunks]
    return select_evidence(question, texts, sentence_vectors, limit=EVIDENCE_SENTENCES, quotable=has_quotable_shape)


def is_cut_clause(text: str) -> bool:
    """A long clause with no full stop: a legal sentence cut at its passage's end, quoted with an ellipsis."""
    return len(text.split()) >= MIN_CLAUSE_WORDS and not is_terminated(text) and not is_form_line(text)


def has_quotable_shape(text: str) -> bool:
    """A complete sentence (not a heading or a wrapped fragment), a long clause cut at the passage's end, or a form's
    label and figure ("First Change 2%" on the sample Loan Estimate, `is_form_line`)."""
    sentence = len(text.split()) >= MIN_QUOTE_WORDS and is_terminated(text)
    return sentence or is_cut_clause(text) or is_form_line(text)


def is_quotable(evidence: Evidence) -> bool:
    """A sentence of quotable shape (`has_quotable_shape`) matching the question well."""
    return evidence.score >= MIN_QUOTE_SCORE and has_quotable_shape(evidence.text)


def quotes_of(evidence: list[Evidence]) -> list[Evidence]:
    """The evidence sentences quoted first: the best quotable one, then up to `QUOTED_SENTENCES` - 1 more that
    match the question nearly as well (best first)."""
    quotable = [e for e in evidence if is_quotable(e)]
    return [e for e in quotable[:QUOTED_SENTENCES] if e.score >= SECOND_QUOTE_SHARE * quotable[0].score]


def choose_quotes(question: str, chunks: list, evidence: list[Evidence]) -> list[Evidence]:
    """The sentences quoted first (`quotes_of` the question's evidence), then, when the message asks several things
    (`question_parts`), the best quotable sentence for each part not quoted yet: "what's on line D and which
    sections add up to it?" needs both answers, and the second rarely matches the whole message best.

    Tuning sets quoted alone (701 questions, 231 of them multi-part): 482 -> 490 right, 0 lost, 5% more words
    quoted; a lower `SECOND_QUOTE_SHARE` (0.6) instead gains 5 for 7% more (docs/benchmarks.md)."""
    quoted = quotes_of(evidence)
    for part in question_parts(question):
        best = next((e for e in choose_evidence(part, chunks) if is_quotable(e)), None)
        if best is not None and all(best.text != e.text for e in quoted):
            quoted.append(best)
    return quoted


def quote_block(quoted: list[Evidence]) -> str:
    """The quoted sentences as one Markdown block quote, each with its citation and the short heading it sits
    under in its source ("**Points:** “An upfront fee …”"), then a blank line; personal data the document's
    redaction removed shows as "[name withheld]"."""
    if not quoted:
        return ""
    lines = []
    for e in quoted:
        text = withheld_in_source(f"{e.text} …" if is_cut_clause(e.text) else e.text)
        title = withheld_in_source(e.heading).rstrip(":")
        heading = f"**{title}{'' if title.endswith('?') else ':'}** " if e.heading else ""
        lines.append(f"> {heading}“{text}” [{e.source + 1}]")
    return "\n>\n".join(lines) + "\n\n"


def build_messages(state: TurnState, evidence: list[Evidence]) -> list[BaseMessage]:
    """System prompt (cached prefix), the last turns, then this turn's evidence and question."""
    messages: list[BaseMessage] = [SystemMessage(prompts.SYSTEM_PROMPT)]
    for role, text in state.get("history", [])[-2 * HISTORY_TURNS :]:
        messages.append(HumanMessage(text) if role == "user" else AIMessage(text))
    messages.append(
        HumanMessage(
            prompts.user_prompt(
                state["redacted_question"],
                state["chunks"],
                state.get("calculation_brief") or state.get("calculation"),
                state.get("protected_question", []),
                evidence=[(e.source + 1, e.text) for e in evidence],
            )
        )
    )
    return messages


def _token_text(content) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


CLAIM_CHECK_REASON = "the model's second look found the source does not say it"


async def second_look(claim_check: ClaimCheck, vetter: SentenceVetter) -> None:
    """Withdraw every released sentence the model, asked once more against its source, says the source does not
    say (`agents.claim_check`)."""
    for piece, passage in vetter.checkable():
        if not await claim_check.supports(piece, passage):
            vetter.withdraw(piece, CLAIM_CHECK_REASON)


async def generate(llm: BaseChatModel, state: TurnState, write: Write, claim_check: ClaimCheck | None = None) -> dict:
    """Stream the calculation, the quote and the vetted explanation; return the state update.

    With `claim_check`, the explanation is held until the model has checked each of its sentences once more, and
    then shown at once: a wrong sentence must never reach the screen to be taken back."""
    started = time.perf_counter()
    calculation = state.get("calculation")
    lead = f"**Calculation:** {calculation}\n\n" if calculation else ""
    if lead:
        write({"text": lead})
    chunks = state["chunks"]
    if not chunks:
        answer = lead + prompts.NO_SOURCES_ANSWER
        write({"text": prompts.NO_SOURCES_ANSWER})
        return {"answer": answer}
    question = state["redacted_question"]
    evidence = await asyncio.to_thread(choose_evidence, question, chunks)
    quoted = with_following(
        await asyncio.to_thread(choose_quotes, question, chunks, evidence), [c.text for c in chunks]
    )
    quote = quote_block(quoted)
    weak = bool(quote) and not calculation and evidence[0].score < WEAK_MATCH_SCORE
    if weak:
        quote = f"{prompts.WEAK_MATCH_LEAD}\n\n{quote}"
    if quote:
        write({"text": quote})
    first_text_ms = round((time.perf_counter() - started) * 1000, 1)
    vetter = SentenceVetter(
        [c.text for c in chunks],
        given=f"{question}\n{calculation or ''}",
        shown=[e.text for e in quoted],
        max_sentences=MAX_MODEL_SENTENCES,
        question=question,
    )
    first_token_at = None
    model_started = time.perf_counter()
    # A generator, so it can be closed early: the server stops writing once the answer has enough sentences.
    stream = cast(AsyncGenerator[BaseMessageChunk, None], llm.astream(build_messages(state, evidence)))
    unreachable = False
    try:
        async for chunk in stream:
            token = _token_text(chunk.content)
            if token and first_token_at is None:
                first_token_at = time.perf_counter()
            for piece in vetter.feed(token):
                if claim_check is None:
                    write({"text": piece})
            if vetter.done:
                break
    except unreachable_errors() as error:
        log.warning("the answer model could not be reached (%s); answering with what was already checked", error)
        unreachable = True
    finally:
        await stream.aclose()
    if not unreachable:  # a sentence cut off by a lost connection is not released
        for piece in vetter.flush():
            if claim_check is None:
                write({"text": piece})
    checked_at = time.perf_counter()
    if claim_check is not None:
        await second_look(claim_check, vetter)
        if vetter.text:
            write({"text": vetter.text})
    shown = lead + quote + vetter.text
    answer = shown.rstrip()
    if unreachable:
        note = prompts.MODEL_UNAVAILABLE_AFTER_QUOTES if quote or vetter.text else prompts.MODEL_UNAVAILABLE_ANSWER
        answer = f"{answer}\n\n{note}" if answer else note
        write({"text": note if not shown.strip() or shown.endswith("\n\n") else f"\n\n{note}"})
    elif not vetter.text and not quote:
        answer = lead + prompts.NO_SUPPORTED_ANSWER
        write({"text": prompts.NO_SUPPORTED_ANSWER})
    elif not vetter.text and vetter.abstained and not weak:
        answer = lead + quote + prompts.QUOTES_MAY_NOT_ANSWER
        write({"text": prompts.QUOTES_MAY_NOT_ANSWER})
    timings = {
        "first_text": first_text_ms,
        "first_token": round(((first_token_at or time.perf_counter()) - model_started) * 1000, 1),
        "claim_check": round((time.perf_counter() - checked_at) * 1000, 1),
    }
    return {
        "answer": answer,
        "bias_flags": vetter.flags,
        "unsupported": vetter.unsupported,
        "timings_ms": timings,
        "model_unreachable": unreachable,
    }
