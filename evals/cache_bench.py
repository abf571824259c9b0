"""`apfa bench cache`: answer-cache hit rate and latency on a replay of a QA set with repeats.

Every question of the data set is asked once as written and `repeats` more times reworded the way people repeat a
popular question (lower case without the question mark, articles dropped, a greeting with contractions spelled
out, a thanks at the end),
in a shuffled order, through the chat's own turn graph with the answer cache on. The first ask of each question is
the miss that fills the cache; every later ask should hit. A hit that serves another question's answer is counted
as a wrong hit. The bench clears its cache namespace before and after, so earlier runs do not inflate the figure.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from typing import TYPE_CHECKING

from apfa.settings import Settings
from evals.qa import fresh_knowledge_base, items_of, local_model_served, percentile
from evals.run import EvalRun
from evals.workspace import timed_turn

if TYPE_CHECKING:
    from agents.answer_cache import AnswerCache, CacheNamespace
    from agents.configuration import TurnContext
    from agents.graph import TurnGraph

BENCH_USER = "cache-bench"
HIT = ("exact", "similar")


CONTRACTIONS = {
    "what's": "what is",
    "whats": "what is",
    "don't": "do not",
    "dont": "do not",
    "can't": "cannot",
    "i'm": "i am",
    "im": "i am",
    "it's": "it is",
    "isn't": "is not",
    "doesn't": "does not",
}
ARTICLES = re.compile(r"\b(?:a|an|the)\s+", re.I)


def rewordings(question: str) -> list[str]:
    """How the same question comes back: casually typed, without articles, with a greeting and spelled out, with
    thanks. The first and last normalise to the same text (exact hits); the other two only embed alike."""
    plain = question.strip().rstrip("?.! ")
    spelled_out = " ".join(CONTRACTIONS.get(word.lower(), word) for word in plain.split())
    return [plain.lower(), ARTICLES.sub("", plain) + "?", f"hi, {spelled_out}?", f"{plain}? thanks"]


def replay(questions: list[str], repeats: int, seed: int) -> list[tuple[int, str]]:
    asks = []
    for index, question in enumerate(questions):
        variants = rewordings(question)
        asks.append((index, question))
        asks += [(index, variants[n % len(variants)]) for n in range(repeats)]
    random.Random(seed).shuffle(asks)
    return asks


def bench_cache(run: EvalRun, settings: Settings, repeats: int = 3, seed: int = 7, emit=print) -> dict:
    from agents.answer_cache import AnswerCache
    from agents.configuration import TurnContext
    from agents.graph import build_graph, cache_steps
    from agents.llm import make_chat_model

    questions = [item.question for item in items_of(run)]
    settings = settings.model_copy(update={"answer_cache": True})
    cache = AnswerCache.from_settings(settings)
    assert cache is not None, "the answer cache was switched on just above"
    with local_model_served(settings), fresh_knowledge_base(run.docs, settings) as answering:
        llm = make_chat_model(answering)
        graph, context = build_graph(llm, answer_cache=cache), TurnContext.from_settings(answering)
        namespace = cache_steps(cache, llm, lambda: context).namespace()
        asks = replay(questions, repeats, seed)
        try:
            rows = asyncio.run(_replay(graph, context, cache, namespace, asks, emit))
        finally:
            cache.clear(namespace)
    return summarise(rows, len(questions), settings)


def matched_entry(cache: AnswerCache, namespace: CacheNamespace, context: TurnContext, question: str) -> str | None:
    """The stored question an ask is answered from (a similar hit is not told apart by its text otherwise)."""
    from agents.answer_cache import normalise

    found = cache.lookup(namespace, question, context.embed_query(normalise(question)))
    return found.answer.question if found.answer else None


async def _replay(
    graph: TurnGraph,
    context: TurnContext,
    cache: AnswerCache,
    namespace: CacheNamespace,
    asks: list[tuple[int, str]],
    emit,
) -> list[dict]:
    """Every ask in one event loop (the model client's connections belong to the loop that opened them)."""
    # Loads the models; its entry is cleared next.
    await timed_turn("What is a Loan Estimate?", BENCH_USER, graph, context)
    cache.clear(namespace)
    family_of: dict[str, int] = {}  # stored entry (its normalised question) -> the question it was asked for
    rows = []
    for index, question in asks:
        result, first_text_ms, turn_ms = await timed_turn(question, BENCH_USER, graph, context)
        status = (result.flags.get("cache") or ["off"])[0]
        entry = matched_entry(cache, namespace, context, question) if status in (*HIT, "stored") else None
        if status == "stored" and entry:
            family_of.setdefault(entry, index)
        wrong_hit = status in HIT and (entry is None or family_of.get(entry) != index)
        row = {
            "question_index": index,
            "question": question,
            "cache": status,
            "wrong_hit": wrong_hit,
            "first_text_ms": round(first_text_ms, 1),
            "turn_ms": round(turn_ms, 1),
            "cache_lookup_ms": result.timings_ms.get("cache"),
        }
        rows.append(row)
        emit(json.dumps(row))
    return rows


def summarise(rows: list[dict], questions: int, settings) -> dict:
    hits = [r for r in rows if r["cache"] in HIT]
    misses = [r for r in rows if r["cache"] not in HIT]
    repeats = len(rows) - questions
    return {
        "questions": questions,
        "asks": len(rows),
        "hits": len(hits),
        "exact_hits": sum(r["cache"] == "exact" for r in hits),
        "similar_hits": sum(r["cache"] == "similar" for r in hits),
        "hit_rate": round(len(hits) / len(rows), 3) if rows else 0.0,
        "hit_rate_of_repeats": round(len(hits) / repeats, 3) if repeats else 0.0,
        "wrong_hits": sum(r["wrong_hit"] for r in rows),
        "not_cached": dict(sorted({r["cache"]: sum(x["cache"] == r["cache"] for x in misses) for r in misses}.items())),
        "hit_turn_ms_p50": percentile([r["turn_ms"] for r in hits], 0.5),
        "hit_turn_ms_p95": percentile([r["turn_ms"] for r in hits], 0.95),
        "hit_lookup_ms_p50": percentile([r["cache_lookup_ms"] or 0.0 for r in hits], 0.5),
        "miss_turn_ms_p50": percentile([r["turn_ms"] for r in misses], 0.5),
        "miss_turn_ms_p95": percentile([r["turn_ms"] for r in misses], 0.95),
        "miss_first_text_ms_p50": percentile([r["first_text_ms"] for r in misses], 0.5),
        "provider": settings.llm_provider,
        "model": settings.local_model if settings.llm_provider == "local" else None,
    }
