"""`apfa bench turn`: where the time of a chat turn goes, measured warm, with the configured model.

By default five sample questions; with `--dataset` (an `apfa eval qa` file) the questions of one split, so the
speed figures come from the same questions as the accuracy figures. The answer cache is left out: this measures
the model. `ttft` is question → the model's first token; `first_visible_text` is what the borrower waits for
before anything shows (the quoted evidence).
"""

from __future__ import annotations

import asyncio
import statistics

from rich.console import Console
from rich.table import Table

from agents.configuration import TurnContext
from agents.graph import TurnGraph
from apfa.settings import Settings
from evals.qa import local_model_served, percentile, ttft_ms
from evals.workspace import timed_turn, turn_graph_and_context

QUESTIONS = (
    "When can I stop paying private mortgage insurance?",
    "What is the difference between the interest rate and the APR?",
    "How do lenders calculate my debt-to-income ratio?",
    "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?",
    "What does an FHA loan require for a down payment?",
)


async def _turn_timings(question: str, user: str, graph: TurnGraph, context: TurnContext) -> dict[str, float]:
    result, first_text_ms, wall_ms = await timed_turn(question, user, graph, context)
    timings = dict(result.timings_ms)
    timings["first_visible_text"] = round(first_text_ms, 1)
    timings["wall"] = round(wall_ms, 1)
    timings["answer_chars"] = len(result.answer)
    timings["ttft"] = ttft_ms(result.timings_ms)
    return timings


async def _timed_turns(
    questions: list[str], user: str, graph: TurnGraph, context: TurnContext
) -> list[dict[str, float]]:
    """All turns in one event loop (the model client's connection pool is bound to it), after a warm-up turn."""
    await _turn_timings("What is PMI?", user, graph, context)
    return [await _turn_timings(question, user, graph, context) for question in questions]


def bench_turn(
    settings: Settings,
    rounds: int = 1,
    user: str = "bench",
    console: Console | None = None,
    questions: list[str] | None = None,
) -> dict:
    """Run each question `rounds` times after one warm-up turn; report medians per stage in ms, p95 of the rest."""
    console = console or Console()
    questions = questions or list(QUESTIONS)
    with local_model_served(settings):
        graph, context = turn_graph_and_context(settings)
        runs = asyncio.run(_timed_turns(questions * rounds, user, graph, context))
    keys = [
        "pii",
        "loan_math",
        "retrieval",
        "ttft",
        "first_visible_text",
        "generation",
        "bias_check",
        "non_llm",
        "wall",
    ]
    medians = {k: round(statistics.median(r.get(k, 0.0) for r in runs), 1) for k in keys}
    table = Table(title=f"Chat turn, median of {len(runs)} warm turns (ms)")
    for key in keys:
        table.add_column(key)
    table.add_row(*(f"{medians[k]:.0f}" for k in keys))
    console.print(table)
    p95 = {f"{k}_ms_p95": percentile([r.get(k, 0.0) for r in runs], 0.95) for k in ("ttft", "wall")}
    return {"turns": len(runs), **{f"{k}_ms": v for k, v in medians.items()}, **p95}
