"""The per-turn LangGraph: PII guard → role guard → loan math → retrieval → (answer cache) → generation (vetted
stream) → final checks.

The local model cannot be trusted with native tool calls, so its routing is deterministic: loan arithmetic is
computed exactly by `tools.loan_math` before the model speaks, and retrieval always runs. Bedrock and
OpenAI-compatible models instead call the same tools themselves (`agents.tool_agent`) between the same guards.
Out-of-role requests end at the role guard with a fixed reply (`agents.role_guard`). Only vetted sentences are
streamed. The knowledge base a turn searches comes with each run as LangGraph's runtime context
(`agents.configuration.TurnContext`). The graph is drawn in docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import re
import time
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Protocol

from langchain_core.language_models import BaseChatModel
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents import answer, prompts, role_guard, tool_agent, vetting
from agents.answer_cache import AnswerCache, CacheSteps
from agents.claim_check import ClaimCheck, make_claim_check
from agents.configuration import TurnContext, turn_context
from agents.llm import make_chat_model, supports_native_tools
from agents.state import Citation, TurnState
from agents.vetting import cited_numbers
from apfa.settings import Settings
from tools import bias, loan_questions, pii, protected, retrieval

FOLLOW_UP_WORDS = 8
EXCERPT_CHARS = 320


class Node(Protocol):
    """A step of the graph: reads the state, returns the update (LangGraph passes the state by its name)."""

    def __call__(self, state: TurnState) -> Awaitable[dict]: ...


TurnGraph = CompiledStateGraph[TurnState, TurnContext, TurnState, TurnState]


def timed(name: str) -> Callable[[Node], Node]:
    """Record each node's wall time in the state so `apfa ask --json` and benchmarks can report it."""

    def decorate(node: Node) -> Node:
        @wraps(node)
        async def run(state: TurnState) -> dict:
            started = time.perf_counter()
            update = await node(state)
            elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
            update["timings_ms"] = {**update.get("timings_ms", {}), name: elapsed_ms}
            return update

        return run

    return decorate


@timed("pii")
async def guard_pii(state: TurnState) -> dict:
    redaction = await asyncio.to_thread(pii.redact, state["question"])
    return {"redacted_question": redaction.text, "pii_types": sorted({e.type for e in redaction.entities})}


@timed("protected")
async def screen_protected(state: TurnState) -> dict:
    """Keep protected characteristics out of what the model sees (`tools.protected`): the question goes on with a
    neutral marker in their place and the borrower is told they cannot be used; a request to discriminate ends here."""
    screening = protected.screen(state["redacted_question"])
    names = [str(c) for c in screening.characteristics]
    if screening.request_to_discriminate:
        answer = protected.refusal(screening.characteristics)
        get_stream_writer()({"text": answer})
        return {"refusal": "discrimination", "answer": answer, "chunks": [], "citations": []}
    if not screening.mentions:
        return {"protected_mentions": []}
    reassurance = protected.reassurance(screening.characteristics)
    get_stream_writer()({"text": reassurance + "\n\n"})
    return {"redacted_question": screening.model_text, "protected_mentions": names, "reassurance": reassurance}


@timed("loan_math")
async def calculate(state: TurnState) -> dict:
    """Exact loan math (`tools.loan_questions`): a follow-up reuses the last calculation's inputs, kept in the
    state (restored from the thread on resume) or, failing that, rebuilt from the earlier user messages."""
    question = state["redacted_question"]
    previous = loan_questions.Scenario.from_json(state.get("scenario")) or loan_questions.scenario_from_history(
        [text for role, text in state.get("history", []) if role == "user"]
    )
    result = loan_questions.answer_question(question, previous, intent_source=state["question"])
    protected = sorted({f.characteristic for f in bias.check_question(question).flags})
    kept = result.scenario if result else previous
    return {
        "calculation": result.markdown() if result else None,
        "calculation_brief": result.text() if result else None,
        "calculation_result": result,
        "scenario": kept.to_json() if kept else None,
        "protected_question": protected,
    }


def retrieval_query(state: TurnState) -> str:
    """Short follow-ups ("and for 15 years?") borrow the previous question so retrieval keeps the topic."""
    question = state["redacted_question"]
    previous = [text for role, text in state.get("history", []) if role == "user"]
    if previous and len(question.split()) < FOLLOW_UP_WORDS:
        return f"{previous[-1]} {question}"
    return question


@timed("retrieval")
async def retrieve(state: TurnState) -> dict:
    context = turn_context()
    chunks = await asyncio.to_thread(context.retrieve, retrieval_query(state), state["user"])
    relevant = [c for c in chunks if c.score >= context.min_score]
    return {"chunks": relevant}


def make_generate(llm: BaseChatModel, claim_check: ClaimCheck | None = None) -> Node:
    @timed("generation")
    async def generate(state: TurnState) -> dict:
        return await answer.generate(llm, state, get_stream_writer(), claim_check)

    return generate


@timed("bias_check")
async def final_checks(state: TurnState) -> dict:
    """Re-check the whole answer (a cross-sentence pattern can slip past the per-sentence check) and map citations."""
    answer, flags = bias.enforce(state["answer"])
    if state.get("reassurance"):
        answer = f"{state['reassurance']}\n\n{answer}"
    chunks = state.get("chunks", [])
    citations = []
    for n in sorted(set(cited_numbers(answer))):
        if 1 <= n <= len(chunks):
            chunk = chunks[n - 1]
            citations.append(
                Citation(n, chunk.doc_id, chunk.title, chunk.page, excerpt(chunk.text), chunk.start, chunk.end)
            )
    update: dict = {"answer": answer, "citations": citations}
    if flags:
        update["bias_flags"] = [
            {"characteristic": f.characteristic, "reason": f.reason, "sentence": f.sentence} for f in flags
        ]
    return update


MARKDOWN_SYNTAX = re.compile(r"(^|\s)#{1,6}\s|[*_`>|]+")


def excerpt(text: str) -> str:
    """A plain-text excerpt: Markdown syntax from the source would render as giant headings in the chat."""
    text = " ".join(MARKDOWN_SYNTAX.sub(" ", text).split())
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"


def is_follow_up(state: TurnState) -> bool:
    return retrieval_query(state) != state["redacted_question"]


def build_graph(
    llm: BaseChatModel,
    *,
    native_tools: bool = False,
    answer_cache: AnswerCache | None = None,
    claim_check: ClaimCheck | None = None,
) -> TurnGraph:
    """The turn graph. `native_tools` lets the model call tools itself (`agents.tool_agent`); otherwise routing is
    deterministic. With `answer_cache`, standalone questions about the shared knowledge base are served from it.
    With `claim_check`, the model looks once more at each sentence it wrote before the borrower sees it."""
    graph = StateGraph(TurnState, context_schema=TurnContext)
    graph.add_node("guard_pii", guard_pii)
    graph.add_node("guard_request", timed("guard")(role_guard.guard_request))
    graph.add_node("screen_protected", screen_protected)
    graph.add_node("add_notices", role_guard.add_notices)
    graph.add_node("final_checks", final_checks)
    graph.add_edge(START, "guard_pii")
    graph.add_edge("guard_pii", "guard_request")
    steps = cache_steps(answer_cache, llm) if answer_cache is not None else None
    if steps:
        graph.add_node("cache_lookup", timed("cache")(steps.look_up))
        graph.add_node("cache_keep", steps.keep)
    if native_tools:
        entry = tool_agent.add_agent_steps(graph, llm, then="add_notices")
        graph.add_conditional_edges("guard_request", role_guard.after_guard("screen_protected"))
        graph.add_conditional_edges("screen_protected", role_guard.after_guard("cache_lookup" if steps else entry))
    else:
        entry = "generate"
        graph.add_node("calculate", calculate)
        graph.add_node("retrieve", retrieve)
        graph.add_node("sanitise_sources", timed("sanitise")(role_guard.sanitise_sources))
        graph.add_node("generate", make_generate(llm, claim_check))
        graph.add_conditional_edges("guard_request", role_guard.after_guard("screen_protected"))
        graph.add_conditional_edges("screen_protected", role_guard.after_guard("calculate"))
        graph.add_edge("calculate", "retrieve")
        graph.add_edge("retrieve", "sanitise_sources")
        graph.add_edge("sanitise_sources", "cache_lookup" if steps else "generate")
        graph.add_edge("generate", "add_notices")
    if steps:
        graph.add_conditional_edges("cache_lookup", steps.route(on_hit="final_checks", on_miss=entry))
        graph.add_edge("cache_keep", END)
    graph.add_edge("add_notices", "final_checks")
    graph.add_edge("final_checks", "cache_keep" if steps else END)
    return graph.compile()


def build_turn_graph(settings: Settings) -> TurnGraph:
    """The configured provider's turn graph, with the answer cache when it is on (built once, at an edge)."""
    return build_graph(
        make_chat_model(settings),
        native_tools=supports_native_tools(settings),
        answer_cache=AnswerCache.from_settings(settings),
        claim_check=make_claim_check(settings),
    )


def cache_steps(
    cache: AnswerCache, llm: BaseChatModel, context: Callable[[], TurnContext] = turn_context
) -> CacheSteps:
    """Cache steps keyed by this model and the prompt modules' source, so a prompt change starts a new namespace.

    The index version, the question embedding and private-document ownership come from the running turn's context
    (`context`; outside a run, pass the one to read, e.g. to name a namespace)."""
    model = getattr(llm, "model_name", None) or getattr(llm, "model_id", None) or type(llm).__name__
    source = "".join(inspect.getsource(module) for module in (prompts, vetting, answer, tool_agent))
    return CacheSteps(
        cache,
        model=str(model),
        prompt_version=hashlib.sha256(source.encode()).hexdigest()[:12],
        index_version=lambda: context().index_version(),
        embed=lambda text: context().embed_query(text),
        is_follow_up=is_follow_up,
        chunk_type=retrieval.RetrievedChunk,
        owns_private_documents=lambda user: context().owns_private_documents(user),
    )
