"""Graph steps that keep the assistant in its role, for every provider (`tools.guard`, `tools.doc_sums`).

- `guard_request` runs right after the PII guard: a request for a guarantee, someone else's data, the prompt or
  configuration, falsified documents or an impersonation ends the turn with a fixed refusal; no model sees it.
- `sanitise_sources` runs after retrieval: sentences in passages that address an AI assistant are removed before
  the prompt is built, and "add up the fees in my note" gets an exact, itemised total from the passage itself.
- `add_notices` tells the borrower when a document's embedded instructions were ignored.
"""

from __future__ import annotations

import dataclasses
import logging

from langgraph.config import get_stream_writer
from langgraph.graph import END

from agents.state import TurnState
from tools import doc_sums, guard

logger = logging.getLogger("apfa.guard")


async def guard_request(state: TurnState) -> dict:
    concern = guard.classify_request(state["question"])
    if concern is None:
        return {"refusal": None}
    logger.info("Request refused before the model: %s", concern.value)
    answer = guard.refusal_for(concern)
    get_stream_writer()({"text": answer})
    return {"refusal": concern.value, "answer": answer, "draft": answer, "chunks": [], "citations": []}


def after_guard(next_step: str):
    """Route a refused turn to the end, everything else on to `next_step`."""

    def route(state: TurnState) -> str:
        return END if state.get("refusal") else next_step

    return route


async def sanitise_sources(state: TurnState) -> dict:
    chunks = list(state.get("chunks", []))
    removed: list[str] = []
    for index, chunk in enumerate(chunks):
        cleaned = guard.neutralise_instructions(chunk.text)
        if cleaned.removed:
            removed.extend(cleaned.removed)
            chunks[index] = dataclasses.replace(chunk, text=cleaned.text)
    update: dict = {"chunks": chunks, "injections": removed}
    if removed:
        logger.warning("Ignored %d instruction(s) embedded in retrieved passages", len(removed))
    if doc_sums.asks_for_total(state["redacted_question"]):
        total = doc_sums.total_of_passages([chunk.text for chunk in chunks])
        if total:
            update["calculation"] = f"Total of the amounts listed in your document: {total.summary}"
    return update


async def add_notices(state: TurnState) -> dict:
    if not state.get("injections"):
        return {}
    notice = "\n\n" + guard.INJECTION_NOTICE
    get_stream_writer()({"text": notice})
    return {"answer": state.get("answer", "") + notice}
