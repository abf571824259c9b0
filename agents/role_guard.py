"""Graph steps that keep the assistant in its role, for every provider (`tools.guard`, `tools.doc_sums`).

- `guard_request` runs right after the PII guard: a request for a guarantee, someone else's data, the prompt or
  configuration, falsified documents or an impersonation ends the turn with a fixed refusal; no model sees it.
- `sanitise_sources` runs after retrieval: sentences in passages that address an AI assistant are removed before
  the prompt is built, and "add up the fees in my note" gets an exact, itemised total from the passage itself
  (searched further down the ranking when the note is not among the passages the answer uses).
- `add_notices` tells the borrower when a document's embedded instructions were ignored.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from langgraph.config import get_stream_writer
from langgraph.graph import END

from agents.configuration import turn_context
from agents.state import TurnState
from tools import doc_sums, guard
from tools.retrieval import RetrievedChunk

logger = logging.getLogger("apfa.guard")
TOTAL_SEARCH_K = 10


async def guard_request(state: TurnState) -> dict:
    concern = guard.classify_request(state["question"])
    if concern is None:
        return {"refusal": None}
    logger.info("Request refused before the model: %s", concern.value)
    answer = guard.refusal_for(concern)
    get_stream_writer()({"text": answer})
    return {"refusal": concern.value, "answer": answer, "chunks": [], "citations": []}


def after_guard(next_step: str):
    """Route a refused turn to the end, everything else on to `next_step`."""

    def route(state: TurnState) -> str:
        return END if state.get("refusal") else next_step

    return route


def _neutralised(chunks: list[RetrievedChunk], removed: list[str]) -> list[RetrievedChunk]:
    cleaned_chunks = []
    for chunk in chunks:
        cleaned = guard.neutralise_instructions(chunk.text)
        removed.extend(cleaned.removed)
        cleaned_chunks.append(dataclasses.replace(chunk, text=cleaned.text) if cleaned.removed else chunk)
    return cleaned_chunks


def _itemised(chunks: list[RetrievedChunk]) -> tuple[RetrievedChunk, doc_sums.ItemisedTotal] | None:
    """The first of the borrower's own uploads that lists amounts. Shared guides are never summed: a sample form
    in the knowledge base is not the borrower's document, and adding it up would answer a question nobody asked."""
    for chunk in chunks:
        if chunk.scope != "private":
            continue
        total = doc_sums.itemised_total(chunk.text)
        if total:
            return chunk, total
    return None


async def sanitise_sources(state: TurnState) -> dict:
    removed: list[str] = []
    chunks = _neutralised(list(state.get("chunks", [])), removed)
    question = state["redacted_question"]
    calculation = None
    if doc_sums.asks_for_total(question):
        found = _itemised(chunks)
        if found is None:  # the itemised note may rank below guides about "closing costs": look further down
            wider = await asyncio.to_thread(turn_context().retrieve, question, state["user"], TOTAL_SEARCH_K)
            found = _itemised(_neutralised(wider, removed))
            if found and found[0] not in chunks:
                chunks.append(found[0])
        if found:
            calculation = f"Total of the amounts listed in {found[0].title}: {found[1].summary}"
    if removed:
        logger.warning("Ignored %d instruction(s) embedded in retrieved passages", len(removed))
    update: dict = {"chunks": chunks, "injections": list(dict.fromkeys(removed))}
    if calculation:
        update["calculation"] = calculation
    return update


async def add_notices(state: TurnState) -> dict:
    if not state.get("injections"):
        return {}
    notice = "\n\n" + guard.INJECTION_NOTICE
    get_stream_writer()({"text": notice})
    return {"answer": state.get("answer", "") + notice}
