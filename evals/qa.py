"""`apfa eval qa`: are the chat's answers right, cited and supported, and how fast do they come?

Each line of the data set is a borrower's question with `must_contain` (a list of groups of acceptable phrasings:
the answer passes when every group has one phrasing in it), `sources` (the file names an answer may cite) and a
`split` (tune | report). Every question goes through the chat's own turn graph (without the answer cache, so the
model is measured, not the cache). With `docs`, the directory is first ingested into a fresh data directory, so the
figure does not depend on what else the knowledge base holds. With the local provider the packaged model is
started when none is serving, and stopped afterwards.

Matching is case-insensitive, with curly quotes straightened and numbers normalised ("three" = "3",
"3%" = "3 percent", "424,100" = "424100"); a phrasing must start and end at word boundaries (a plural "s" allowed).
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agents import prompts
from apfa.processes import stop_group
from apfa.settings import Settings
from evals.run import EvalRun
from tools import protected
from tools.grounding import (
    check_support,
    figure_periods,
    normalise_numbers,
    numbers_in,
    percentages_in,
    strip_citations,
)

if TYPE_CHECKING:
    from agents.configuration import TurnContext
    from agents.graph import TurnGraph
    from kb.store import IndexStore

QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
QUOTED_SENTENCE = re.compile(r'^\s*>?\s*(?:\*\*[^*]+\*\*\s*)?"')  # a quote, maybe under its heading
FIXED_NOTES = (
    prompts.NO_SOURCES_ANSWER,
    prompts.NO_SUPPORTED_ANSWER,
    prompts.QUOTES_MAY_NOT_ANSWER,
    prompts.WEAK_MATCH_LEAD,
    prompts.MODEL_UNAVAILABLE_AFTER_QUOTES,
    prompts.MODEL_UNAVAILABLE_ANSWER,
)
# Notes by which the answer tells the borrower it may not answer the question: a wrong answer under one of these
# is a pointer to the sources, a wrong answer without one reads as the answer.
UNSURE_NOTES = (
    prompts.NO_SOURCES_ANSWER,
    prompts.NO_SUPPORTED_ANSWER,
    prompts.QUOTES_MAY_NOT_ANSWER,
    prompts.WEAK_MATCH_LEAD,
)
# Stages that run before the model is asked; their sum plus the model's own first-token time is the TTFT.
PRE_MODEL_STAGES = ("pii", "guard", "protected", "loan_math", "retrieval", "sanitise", "cache")
SERVER_START_TIMEOUT_S = 600
EVAL_USER = "qa-eval"


@dataclass(frozen=True)
class QaItem:
    id: str
    question: str
    must_contain: list[list[str]]
    sources: list[str]
    split: str


def load_items(path: Path, split: str | None = None) -> list[QaItem]:
    items = [QaItem(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    return [item for item in items if split in (None, "all", item.split)]


def items_of(run: EvalRun) -> list[QaItem]:
    """The items a run asks: those of its split, the first `limit` of them."""
    return load_items(run.dataset, run.split)[: run.limit]


def normalise(text: str) -> str:
    text = text.translate(QUOTES).lower()
    return " ".join(normalise_numbers(text).split())


def contains_phrase(answer: str, phrase: str) -> bool:
    pattern = r"(?<![\w])(?<!\d\.)" + re.escape(normalise(phrase)) + r"(?:e?s)?(?![\w])(?!\.\d)"
    return re.search(pattern, normalise(answer)) is not None


def missing_groups(answer: str, must_contain: list[list[str]]) -> list[list[str]]:
    return [group for group in must_contain if not any(contains_phrase(answer, phrase) for phrase in group)]


def says_unsure(answer: str) -> bool:
    """Whether the answer says it may not answer the question (`UNSURE_NOTES`)."""
    return any(note in answer for note in UNSURE_NOTES)


def ttft_ms(timings: dict[str, float]) -> float:
    """Milliseconds from the question to the model's first token, from a turn's stage timings."""
    return round(sum(timings.get(stage, 0.0) for stage in PRE_MODEL_STAGES) + timings.get("first_token", 0.0), 1)


def percentile(values: list[float], share: float) -> float:
    return round(float(np.percentile(values, share * 100)), 1) if values else 0.0


def answer_sentences(answer: str) -> list[str]:
    """The sentences of an answer that the model wrote (quoted source sentences, the blank lines between them, the
    calculation and the product's own fixed notes, such as "these passages may not answer your exact question" or
    the line saying a protected characteristic was set aside, left out)."""
    for note in FIXED_NOTES:
        answer = answer.replace(note, "")
    sentences = []
    for line in answer.splitlines():
        if line.startswith("**Calculation:**") or protected.is_reassurance(line) or not line.strip(" >"):
            continue
        sentences += [s for s in re.split(r"(?<=[.!?])\s+|(?<=\])\s+(?=[A-Z“\"])", line) if s.strip()]
    return [s for s in sentences if not QUOTED_SENTENCE.match(s.translate(QUOTES))]


@contextmanager
def local_model_served(settings: Settings) -> Iterator[None]:
    """Make sure the local model answers: use a running server, else start one and stop it afterwards."""
    if settings.llm_provider != "local":
        yield
        return
    from agents.local_llm import LocalModelError, is_running, served_model, server_url, spawn_server, wait_until_ready

    url = server_url(settings)
    if is_running(url):
        serving = served_model(url)
        if serving != settings.local_model:
            raise LocalModelError(
                f"The local model server at {url} serves {serving or 'an unknown model'}, not {settings.local_model}: "
                "stop it, or set APFA_LOCAL_LLM_PORT to a free port, so the figures are the asked model's."
            )
        yield
        return
    process = spawn_server(settings, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_ready(url, SERVER_START_TIMEOUT_S, process)
        yield
    finally:
        stop_group(process, grace_s=60)


@contextmanager
def fresh_knowledge_base(docs: Path | None, settings: Settings) -> Iterator[Settings]:
    """With `docs`, `settings` pointed at a throw-away data directory holding only those documents (shared scope);
    else `settings` as they are."""
    if docs is None:
        yield settings
        return
    from evals.workspace import indexer, throwaway_data_dir

    with throwaway_data_dir("apfa-qa-", settings) as scratch:
        index = indexer(scratch)
        for path in sorted(p for p in docs.iterdir() if p.is_file()):
            index(path, scope="shared", owner=EVAL_USER)
        yield scratch


def _chunk_texts(store: IndexStore) -> dict[tuple[str, int], str]:
    _, chunks = store.chunks_at_current_version()
    return {(chunk.doc_id, chunk.start): chunk.text for chunk in chunks.values()}


def _file_names(store: IndexStore) -> dict[str, str]:
    return {record.doc_id: record.filename for record in store.documents(None)}


def unsupported_released(answer: str, citations, chunk_texts: dict[tuple[str, int], str], question: str) -> list[str]:
    """Model sentences that reached the borrower although no passage they cite supports them; the borrower's own
    figures may be restated, as the product's vetter allows ("with a score of about 615, watch for …")."""
    by_number = {c.n: chunk_texts.get((c.doc_id, c.start), "") for c in citations}
    supported_by = partial(
        check_support,
        allowed_numbers=numbers_in(question),
        allowed_periods=figure_periods(question),
        allowed_percentages=percentages_in(question),
    )
    found = []
    for sentence in answer_sentences(answer):
        numbers = [int(n) for group in CITATION.findall(sentence) for n in group.split(",")]
        passages = [by_number[n] for n in numbers if by_number.get(n)] or list(by_number.values())
        is_claim = len(strip_citations(sentence).split()) > 2
        if is_claim and not any(supported_by(sentence, p).supported for p in passages):
            found.append(sentence.strip())
    return found


async def _ask_all(graph: TurnGraph, context: TurnContext, store: IndexStore, items: list[QaItem], emit) -> list[dict]:
    from evals.workspace import timed_turn

    names, chunk_texts = _file_names(store), _chunk_texts(store)
    await timed_turn("What is a Loan Estimate?", EVAL_USER, graph, context)
    rows = []
    for item in items:
        result, first_text_ms, answer_ms = await timed_turn(item.question, EVAL_USER, graph, context)
        cited_files = sorted({names.get(c.doc_id, c.title) for c in result.citations})
        missing = missing_groups(result.answer, item.must_contain)
        row = {
            "id": item.id,
            "split": item.split,
            "question": item.question,
            "correct": not missing,
            "unsure": says_unsure(result.answer),
            "cited_right": bool(set(cited_files) & set(item.sources)),
            "missing": missing,
            "cited": cited_files,
            "unsupported_released": unsupported_released(result.answer, result.citations, chunk_texts, item.question),
            "withheld": [u["sentence"] for u in result.flags.get("unsupported", [])],
            "ttft_ms": ttft_ms(result.timings_ms),
            "first_text_ms": round(first_text_ms, 1),
            "answer_ms": round(answer_ms, 1),
            "answer": result.answer,
        }
        rows.append(row)
        emit(json.dumps(row))
    return rows


def evaluate_qa(run: EvalRun, settings: Settings, emit=print) -> dict:
    """Ask every item, `emit` one JSON line per item, and return the summary."""
    from evals.workspace import turn_graph_and_context
    from kb.store import get_store

    items = items_of(run)
    with local_model_served(settings), fresh_knowledge_base(run.docs, settings) as answering:
        graph, context = turn_graph_and_context(answering)
        # One event loop for the whole run: the model client's connection pool is bound to the loop it started in.
        rows = asyncio.run(_ask_all(graph, context, get_store(answering), items, emit))
    return summarise(rows, settings)


def summarise(rows: list[dict], settings: Settings) -> dict:
    count = len(rows)
    ttfts = [r["ttft_ms"] for r in rows]
    return {
        "items": count,
        "correct_share": round(sum(r["correct"] for r in rows) / count, 3) if count else 0.0,
        "cited_share": round(sum(r["cited_right"] for r in rows) / count, 3) if count else 0.0,
        # Wrong and not flagged as unsure: what misleads a borrower. Right but flagged: what a hedge costs.
        "confidently_wrong_share": round(sum(not r["correct"] and not r["unsure"] for r in rows) / count, 3)
        if count
        else 0.0,
        "unsure_right": sum(r["correct"] and r["unsure"] for r in rows),
        "unsupported_sentences": sum(len(r["unsupported_released"]) for r in rows),
        "withheld_sentences": sum(len(r["withheld"]) for r in rows),
        "ttft_ms_p50": percentile(ttfts, 0.5),
        "ttft_ms_p95": percentile(ttfts, 0.95),
        "first_text_ms_p50": percentile([r["first_text_ms"] for r in rows], 0.5),
        "answer_ms_p50": percentile([r["answer_ms"] for r in rows], 0.5),
        "answer_ms_p95": percentile([r["answer_ms"] for r in rows], 0.95),
        "provider": settings.llm_provider,
        "model": settings.local_model if settings.llm_provider == "local" else None,
        "split": sorted({r["split"] for r in rows}),
        "median_answer_chars": statistics.median([len(r["answer"]) for r in rows]) if rows else 0,
    }
