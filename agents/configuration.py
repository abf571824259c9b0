"""What a turn reads besides its state: LangGraph's runtime context, built once at an edge and passed per invocation.

The chat's start, `apfa ask` and the measurement commands build a `TurnContext` from the settings
(`TurnContext.from_settings`) and pass it with every run of the graph (`graph.astream(state, context=...)`); the
graph's steps and the agent's search tool read it through `get_runtime` / `ToolRuntime`, so no step reads the
environment and tests pass their own context instead of patching modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from langgraph.runtime import get_runtime

from apfa.settings import Settings
from tools.retrieval import Retrieve, Retriever


@dataclass(frozen=True)
class TurnContext:
    """The knowledge base a turn searches and what the answer cache needs to know about it."""

    retrieve: Retrieve
    # passages less similar than this (cosine) are not shown to the model
    min_score: float
    # the answer cache: question embeddings, the index version answering (its namespace), and whether a user owns
    # private documents (then the tool-calling agent might find them, so the cache is not consulted)
    embed_query: Callable[[str], np.ndarray]
    index_version: Callable[[], str]
    owns_private_documents: Callable[[str | None], bool]

    @classmethod
    def from_settings(cls, settings: Settings) -> TurnContext:
        return cls.over(Retriever.from_settings(settings), min_score=settings.retrieval_min_score)

    @classmethod
    def over(cls, retriever: Retriever, *, min_score: float) -> TurnContext:
        """The context of a turn answered from `retriever`'s knowledge base."""
        return cls(
            retrieve=retriever,
            min_score=min_score,
            embed_query=retriever.embed_query,
            index_version=retriever.index_version,
            owns_private_documents=retriever.owns_private_documents,
        )


def turn_context() -> TurnContext:
    """The context of the turn being run (inside a graph step or a thread it started)."""
    return get_runtime(TurnContext).context
