"""One chat turn through the graph, for the chat UI (streaming) and the CLI (`apfa ask`).

The edges build the graph (`agents.graph.build_turn_graph`) and its context (`TurnContext.from_settings`) once from
the settings and pass both with every turn.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

from agents.configuration import TurnContext
from agents.graph import TurnGraph, build_turn_graph
from agents.state import Citation, TurnResult, TurnState

__all__ = ["Citation", "TurnContext", "TurnResult", "build_turn_graph", "run_turn", "stream_turn"]


async def stream_turn(
    question: str,
    user: str,
    history: list[tuple[str, str]] | None = None,
    *,
    graph: TurnGraph,
    context: TurnContext,
    scenario: dict | None = None,
) -> AsyncIterator[str | TurnResult]:
    """Yield vetted answer text as it is released, then the TurnResult. `scenario` is the last calculation's
    inputs (TurnResult.scenario of the previous turn), so follow-ups such as "what about 15 years?" reuse them."""
    state: TurnState = {
        "question": question,
        "user": user,
        "history": history or [],
        "timings_ms": {},
        "bias_flags": [],
    }
    if scenario:
        state["scenario"] = scenario
    final: dict[str, Any] = {}
    async for chunk in graph.astream(state, stream_mode=["custom", "values"], context=context):
        mode, payload = cast(tuple[str, Any], chunk)  # a list of stream modes yields (mode, payload) pairs
        if mode == "custom":
            yield payload["text"]
        else:
            final = payload
    timings = dict(final.get("timings_ms", {}))
    timings["total"] = round(sum(v for k, v in timings.items() if k != "first_token"), 1)
    timings["non_llm"] = round(timings["total"] - timings.get("generation", 0.0), 1)
    consulted = [Citation(n, c.doc_id, c.title, c.page, "") for n, c in enumerate(final.get("chunks", []), start=1)]
    yield TurnResult(
        answer=final.get("answer", ""),
        citations=final.get("citations", []),
        flags={
            "pii": final.get("pii_types", []),
            "bias": final.get("bias_flags", []),
            "protected": final.get("protected_mentions", []),
            "refusal": [final["refusal"]] if final.get("refusal") else [],
            "injection": final.get("injections", []),
            "cache": [final["cache"]] if final.get("cache") else [],
            "unsupported": final.get("unsupported", []),
        },
        timings_ms=timings,
        redacted_question=final.get("redacted_question", ""),
        calculation=final.get("calculation"),
        sources_consulted=consulted,
        calculation_result=final.get("calculation_result"),
        scenario=final.get("scenario"),
    )


async def run_turn(
    question: str,
    user: str,
    history: list[tuple[str, str]] | None = None,
    *,
    graph: TurnGraph,
    context: TurnContext,
) -> TurnResult:
    async for item in stream_turn(question, user, history, graph=graph, context=context):
        if isinstance(item, TurnResult):
            return item
    raise RuntimeError("the turn graph ended without a result")
