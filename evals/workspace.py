"""What evaluations share: indexing documents exactly as `apfa worker` does and asking through the chat's graph,
with the settings of the command."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from apfa.settings import Settings
from ingest.pipeline import IngestOptions, IngestResult, ingest_file
from kb.embedding import get_embedder
from kb.store import get_store
from tools.pii import redact_text

if TYPE_CHECKING:
    from agents.configuration import TurnContext
    from agents.graph import TurnGraph
    from agents.state import TurnResult


def indexer(settings: Settings) -> Callable[..., IngestResult]:
    """`ingest_file` bound to this configuration's store, embedder and options (shared documents PII-redacted)."""
    return partial(
        ingest_file,
        store=get_store(settings),
        embedder=get_embedder(settings.embed_precision),
        options=IngestOptions.from_settings(settings, redact_text),
    )


def turn_graph_and_context(settings: Settings) -> tuple[TurnGraph, TurnContext]:
    """The chat's turn graph for the configured provider, without the answer cache (every question is really
    answered), and the context it runs with (this configuration's knowledge base)."""
    from agents.claim_check import make_claim_check
    from agents.configuration import TurnContext
    from agents.graph import build_graph
    from agents.llm import make_chat_model, supports_native_tools

    graph = build_graph(
        make_chat_model(settings),
        native_tools=supports_native_tools(settings),
        claim_check=make_claim_check(settings),
    )
    return graph, TurnContext.from_settings(settings)


@contextmanager
def throwaway_data_dir(prefix: str, settings: Settings) -> Iterator[Settings]:
    """`settings` pointed at a fresh data directory for the length of an evaluation, so what it indexes never
    touches the real one; the directory is deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as data_dir:
        yield settings.model_copy(update={"data_dir": Path(data_dir)})


async def timed_turn(
    question: str, user: str, graph: TurnGraph, context: TurnContext
) -> tuple[TurnResult, float, float]:
    """A turn through the chat's stream with no history, its result and the milliseconds to the first visible text
    and to the end: what the borrower waits for."""
    from agents.turn import TurnResult, stream_turn

    started = time.perf_counter()
    first_text_ms = None
    result = None
    async for piece in stream_turn(question, user=user, history=[], graph=graph, context=context):
        if isinstance(piece, TurnResult):
            result = piece
        elif first_text_ms is None:
            first_text_ms = (time.perf_counter() - started) * 1000
    if result is None:
        raise RuntimeError(f"the turn for {question!r} ended without a result")
    return result, first_text_ms or 0.0, (time.perf_counter() - started) * 1000
