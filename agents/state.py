"""The state one chat turn carries through the graph."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Annotated, Any, TypedDict

from langgraph.graph.message import add_messages

from tools.retrieval import RetrievedChunk


def merge_timings(left: dict[str, float], right: dict[str, float]) -> dict[str, float]:
    return {**left, **right}


@dataclass(frozen=True)
class Citation:
    """A numbered source the answer cites; `n` matches the [n] marker in the answer text.

    `start` and `end` are the cited chunk's character offsets in its page, so a citation points at the
    exact passage retrieval returned, not just at a document.
    """

    n: int
    doc_id: str
    title: str
    page: int | None
    excerpt: str
    start: int | None = None
    end: int | None = None


@dataclass
class TurnResult:
    answer: str
    citations: list[Citation]
    flags: dict[str, list[Any]]
    timings_ms: dict[str, float]
    redacted_question: str
    calculation: str | None = None
    sources_consulted: list[Citation] = field(default_factory=list)
    # the typed loan calculation (tools.loan_questions.Calculation or Clarification) and the inputs to keep for
    # follow-ups (Scenario.to_json), which the chat stores with the answer and restores on resume
    calculation_result: Any = None
    scenario: dict[str, Any] | None = None


class TurnState(TypedDict, total=False):
    question: str
    user: str
    history: list[tuple[str, str]]
    redacted_question: str
    pii_types: list[str]
    protected_question: list[str]
    # tools.protected: characteristics the borrower mentioned (kept from the model) and the line telling them so
    protected_mentions: list[str]
    reassurance: str | None
    calculation: str | None
    calculation_result: Any
    calculation_brief: str | None  # the calculation in one paragraph, for the prompt (the table is shown only)
    scenario: dict[str, Any] | None
    chunks: list[RetrievedChunk]
    answer: str
    citations: list[Citation]
    bias_flags: Annotated[list[dict[str, str]], operator.add]
    timings_ms: Annotated[dict[str, float], merge_timings]
    # support check (agents.vetting): model sentences withheld or replaced because their source does not say them
    unsupported: list[dict[str, str]]
    # role guard (agents.role_guard): the refused concern, and sentences removed from retrieved passages
    refusal: str | None
    injections: list[str]
    # the model could not be reached: the answer is what was checked before it, and is never cached
    model_unreachable: bool
    # answer cache (agents.answer_cache): exact / similar / miss / stored / unavailable / skipped:<reason>
    cache: str
    cache_vector: Any
    # native tool-calling agent (agents.tool_agent): the conversation with the model and its tool results
    messages: Annotated[list[Any], add_messages]
