"""`apfa eval calc`: are the figures the chat shows for loan questions right?

Each line of the data set is `{"question", "expected", "tolerance", "history": [earlier user messages], ...}` with
optional `figure` (the label of the figure that must match), `calculator` and `split`. Every case runs through the
turn graph the chat uses (PII guard → loan math → retrieval → answer), with the configured model; the figures come
from the exact calculation, so `APFA_LLM_PROVIDER=fake` gives the same result. A case is correct when the named
figure (or, without `figure`, any figure of the calculation) is within `tolerance` of `expected`.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rich.console import Console

from agents.configuration import TurnContext
from agents.graph import TurnGraph, build_graph
from agents.llm import make_chat_model
from agents.turn import TurnResult, stream_turn
from apfa.settings import Settings
from evals.run import EvalRun
from tools.loan_questions import Calculation, Clarification

EVAL_USER = "apfa-eval-calc"


@dataclass(frozen=True)
class CalcCase:
    question: str
    expected: Decimal
    tolerance: Decimal
    history: list[str] = field(default_factory=list)
    figure: str | None = None
    calculator: str = "unlabelled"
    split: str = "all"


@dataclass(frozen=True)
class CaseOutcome:
    case: CalcCase
    correct: bool
    shown: str
    calculation_ms: float
    turn_ms: float


def load_cases(path: Path, split: str | None = None) -> list[CalcCase]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            case = CalcCase(
                question=row["question"],
                expected=Decimal(str(row["expected"])),
                tolerance=Decimal(str(row.get("tolerance", "0.01"))),
                history=list(row.get("history") or []),
                figure=row.get("figure"),
                calculator=row.get("calculator", "unlabelled"),
                split=row.get("split", "all"),
            )
        except (KeyError, ArithmeticError) as error:
            raise ValueError(f"{path}:{number}: {error!r}") from error
        if split in (None, "all") or case.split == split:
            cases.append(case)
    return cases


def judge(case: CalcCase, result: object) -> tuple[bool, str]:
    """Correct when the expected figure is among the calculation's figures, within the tolerance."""
    if isinstance(result, Clarification):
        return False, f"asked instead: {result.text()}"
    if not isinstance(result, Calculation):
        return False, "no calculation"
    figures = [f for f in result.figures if case.figure is None or f.label == case.figure]
    shown = "; ".join(f"{f.label} {f.shown()}" for f in result.figures)
    if not figures:
        return False, f"{result.kind}: no figure '{case.figure}' ({shown})"
    return any(abs(f.value - case.expected) <= case.tolerance for f in figures), f"{result.kind}: {shown}"


async def run_case(case: CalcCase, graph: TurnGraph, context: TurnContext) -> CaseOutcome:
    history: list[tuple[str, str]] = []
    for earlier in case.history:
        history += [("user", earlier), ("assistant", "")]
    started = time.perf_counter()
    result: TurnResult | None = None
    async for item in stream_turn(case.question, user=EVAL_USER, history=history, graph=graph, context=context):
        if isinstance(item, TurnResult):
            result = item
    turn_ms = (time.perf_counter() - started) * 1000
    correct, shown = judge(case, result.calculation_result if result else None)
    calculation_ms = result.timings_ms.get("loan_math", 0.0) if result else 0.0
    return CaseOutcome(case, correct, shown, calculation_ms, turn_ms)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def evaluate_calc(run: EvalRun, settings: Settings, console: Console | None = None) -> dict:
    console = console or Console()
    cases = load_cases(run.dataset, run.split)
    graph, context = build_graph(make_chat_model(settings)), TurnContext.from_settings(settings)

    async def run_all() -> list[CaseOutcome]:
        return [await run_case(case, graph, context) for case in cases]

    outcomes = asyncio.run(run_all())
    by_calculator: dict[str, list[bool]] = {}
    for outcome in outcomes:
        by_calculator.setdefault(outcome.case.calculator, []).append(outcome.correct)
        if not outcome.correct:
            console.print(
                f"[red]FAIL[/red] [{outcome.case.calculator}] {outcome.case.question!r}: expected "
                f"{outcome.case.figure or 'a figure'} {outcome.case.expected} ± {outcome.case.tolerance}; "
                f"got {outcome.shown}",
                highlight=False,
            )
    for name, marks in sorted(by_calculator.items()):
        console.print(f"{name:16} {sum(marks):3}/{len(marks):<3} {sum(marks) / len(marks):.0%}", highlight=False)
    correct = sum(outcome.correct for outcome in outcomes)
    calculation_times = [outcome.calculation_ms for outcome in outcomes]
    return {
        "items": len(outcomes),
        "correct": correct,
        "accuracy": round(correct / len(outcomes), 4) if outcomes else 0.0,
        "split": run.split or "all",
        "by_calculator": {name: f"{sum(m)}/{len(m)}" for name, m in sorted(by_calculator.items())},
        "calculation_p95_ms": round(percentile(calculation_times, 0.95), 2),
        "calculation_median_ms": round(statistics.median(calculation_times), 2) if outcomes else 0.0,
        "turn_p95_ms": round(percentile([outcome.turn_ms for outcome in outcomes], 0.95), 1),
    }
