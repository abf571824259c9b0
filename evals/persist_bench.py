"""`apfa bench persist`: what storing one chat turn costs, the part of a turn that `apfa bench turn` leaves out.

After an answer, Chainlit writes the borrower's message, the answer and one inline element per citation, and
names the thread after the first question; every text passes through the PII redactor first. This replays
those writes through APFA's data layer on the configured database (SQLite or PostgreSQL), as a throw-away
user whose threads are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime

import chainlit as cl
from chainlit.context import init_http_context
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from chat.data_layer import ApfaDataLayer, pii_redactor
from chat.migrate import upgrade

QUESTION = "I'm Maria Lopez, maria.lopez@example.com. When can I stop paying private mortgage insurance?"
ANSWER = (
    "You can ask your servicer to cancel PMI once your principal balance is scheduled to reach 80 percent of "
    "the home's original value [1]. PMI must end automatically at 78 percent [1], and at the latest at the "
    "midpoint of the loan's amortization schedule if you are current on payments [2]. Lender-paid mortgage "
    "insurance cannot be cancelled this way, because it is built into the interest rate [3]. "
) * 2
EXCERPT = (
    "Under the Homeowners Protection Act, you have the right to request that your servicer cancel PMI when "
    "you have reached the date when the principal balance of your mortgage is scheduled to fall to 80 "
    "percent of the original value of your home."
)
CITATIONS = 3


async def _store_turn(layer: ApfaDataLayer, user, thread_id: str, redaction_ms: list[float]) -> tuple[float, float]:
    """Milliseconds to store one turn, and how many of them the redactor took."""
    redacted_before = sum(redaction_ms)
    started = time.perf_counter()
    await layer.update_thread(thread_id, name=QUESTION, user_id=user.id)
    asked = cl.Message(content=QUESTION, type="user_message", author=user.identifier)
    answered = cl.Message(content=ANSWER)
    for message in (asked, answered):
        message.thread_id = thread_id
        message.created_at = datetime.now(UTC).isoformat()
        await layer.create_step(message.to_dict())
    for n in range(1, CITATIONS + 1):
        citation = cl.Text(
            name=f"[{n}] Mortgage insurance guide, p. {n}",
            content=EXCERPT,
            display="inline",
            thread_id=thread_id,
            for_id=answered.id,
        )
        await layer.create_element(citation)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, sum(redaction_ms) - redacted_before


async def _run(url: str, turns: int) -> list[tuple[float, float]]:
    redaction_ms: list[float] = []

    def timed_redactor(text: str) -> str:
        started = time.perf_counter()
        try:
            return pii_redactor(text)
        finally:
            redaction_ms.append((time.perf_counter() - started) * 1000)

    upgrade(url)
    layer = ApfaDataLayer(url, redactor=timed_redactor)
    init_http_context()
    benchmark_user = cl.User(identifier=f"bench-persist-{uuid.uuid4().hex[:8]}", metadata={"role": "borrower"})
    user = await layer.create_user(benchmark_user)
    if user is None:
        raise RuntimeError(f"the benchmark user could not be created in {url}")
    threads = [str(uuid.uuid4()) for _ in range(turns + 1)]
    try:
        await _store_turn(layer, user, threads[0], redaction_ms)
        return [await _store_turn(layer, user, thread_id, redaction_ms) for thread_id in threads[1:]]
    finally:
        for thread_id in threads:
            await layer.delete_thread(thread_id)
        async with layer.engine.begin() as connection:
            await connection.execute(text('DELETE FROM users WHERE "id" = :id'), {"id": user.id})
        await layer.engine.dispose()


def bench_persist(database_url: str, turns: int = 30, console: Console | None = None) -> dict:
    """Median and p95 ms to store one turn (2 steps, 3 citations, thread name), after one warm-up turn."""
    console = console or Console()
    runs = asyncio.run(_run(database_url, turns))
    totals = sorted(total for total, _ in runs)
    redaction = [redacted for _, redacted in runs]
    report = {
        "turns": len(runs),
        "median_ms": round(statistics.median(totals), 1),
        "p95_ms": round(totals[min(len(totals) - 1, round(0.95 * (len(totals) - 1)))], 1),
        "redaction_median_ms": round(statistics.median(redaction), 1),
    }
    table = Table(title=f"Storing one chat turn, {len(runs)} turns (ms)")
    for column in ("median", "p95", "of which PII redaction (median)"):
        table.add_column(column, justify="right")
    table.add_row(f"{report['median_ms']:.0f}", f"{report['p95_ms']:.0f}", f"{report['redaction_median_ms']:.0f}")
    console.print(table)
    return report
