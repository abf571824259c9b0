"""A turn's runtime context for tests: the knowledge base a test's graph searches, passed as the chat passes it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from langgraph.prebuilt import ToolRuntime

from agents.answer_cache import AnswerCache, CacheSteps
from agents.configuration import TurnContext
from apfa.settings import Settings
from tools.retrieval import Retrieve, RetrievedChunk, Retriever

DEFAULT_MIN_SCORE: float = Settings.model_fields["retrieval_min_score"].default


def no_passages(query: str, user: str | None, k: int | None = None) -> list[RetrievedChunk]:
    return []


def context_with(retrieve: Retrieve = no_passages, *, min_score: float = DEFAULT_MIN_SCORE) -> TurnContext:
    """A context whose knowledge base is `retrieve` (a function of query, user and k), with no private documents."""
    return TurnContext(
        retrieve=retrieve,
        min_score=min_score,
        embed_query=lambda text: np.ones(2, dtype=np.float32) / np.sqrt(2),
        index_version=lambda: "test",
        owns_private_documents=lambda user: False,
    )


def context_for(settings: Settings, *, min_score: float | None = None) -> TurnContext:
    """The context the chat would build from `settings` (the real store and embedder)."""
    score = settings.retrieval_min_score if min_score is None else min_score
    return TurnContext.over(Retriever.from_settings(settings), min_score=score)


def tool_runtime(context: TurnContext, **state: object) -> ToolRuntime:
    """What `ToolNode` injects into a tool inside a turn, for calling the tool directly."""
    return ToolRuntime(state=state, context=context, config={}, stream_writer=print, tool_call_id="1", store=None)


def fixed_cache_steps(
    monkeypatch: pytest.MonkeyPatch,
    *,
    model: str,
    index_version: str,
    embed: Callable[[str], np.ndarray],
    owns_private_documents: Callable[[str | None], bool] = lambda user: True,
) -> None:
    """Make the graph build its answer-cache steps for `model` with a fixed index version and `embed` instead of the
    embedding model, no question taken for a follow-up: a cached answer then depends only on what the test sets."""

    def steps_for(cache: AnswerCache, llm: object) -> CacheSteps:
        return CacheSteps(
            cache,
            model=model,
            prompt_version="p",
            index_version=lambda: index_version,
            embed=embed,
            is_follow_up=lambda state: False,
            chunk_type=RetrievedChunk,
            owns_private_documents=owns_private_documents,
        )

    monkeypatch.setattr("agents.graph.cache_steps", steps_for)
