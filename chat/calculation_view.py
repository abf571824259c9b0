"""How a loan calculation is shown in the chat beyond its text: the amortization chart and the schedule as CSV.

The text of the work (inputs as read, formula, figures to the cent) is part of the answer itself
(`Calculation.markdown`); this module adds Chainlit elements when a schedule is involved, and carries the
calculation's inputs in the reply's metadata so a resumed thread can answer follow-ups ("what about 15 years?").

On resume the chart and the CSV are rebuilt from those inputs rather than stored: they are derived data (the
same calculators give the same schedule), the data layer keeps only text elements, and Chainlit serves element
content from the live session's files, so a stored copy would not load in a new session anyway.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import chainlit as cl
from chainlit.step import StepDict
from chainlit.types import ThreadDict
from plotly import graph_objects as go

from tools.loan_math import AmortizationRow, yearly_summary
from tools.loan_questions import Calculation, Scenario, calculate

SCENARIO_KEY = "apfa_scenario"
# the inputs of a calculation whose reply showed the chart and the CSV: rebuilt from them when the thread resumes
CHART_KEY = "apfa_chart_scenario"


def schedule_csv(schedule: Sequence[AmortizationRow]) -> bytes:
    """Every payment in cents, as a borrower's spreadsheet would want it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["payment_number", "payment", "interest", "principal", "balance"])
    for row in schedule:
        writer.writerow(
            [row.number, f"{row.payment:.2f}", f"{row.interest:.2f}", f"{row.principal:.2f}", f"{row.balance:.2f}"]
        )
    return out.getvalue().encode()


def amortization_figure(schedule: Sequence[AmortizationRow]) -> go.Figure:
    """Balance, cumulative interest and cumulative principal at the end of each year."""
    years = yearly_summary(schedule)
    x = [year.year for year in years]
    figure = go.Figure()
    for name, values in (
        ("Balance", [float(year.balance) for year in years]),
        ("Interest paid (cumulative)", [float(year.cumulative_interest) for year in years]),
        ("Principal paid (cumulative)", [float(year.cumulative_principal) for year in years]),
    ):
        figure.add_trace(go.Scatter(x=x, y=values, mode="lines", name=name))
    figure.update_layout(
        title="Amortization by year",
        xaxis_title="Year",
        yaxis_title="US dollars",
        yaxis_tickformat="$,.0f",
        legend={"orientation": "h"},
        margin={"l": 40, "r": 10, "t": 40, "b": 40},
    )
    return figure


def calculation_elements(calculation: Any) -> list[cl.Element]:
    """A chart and a CSV download when the calculation has an amortization schedule; nothing otherwise."""
    if not isinstance(calculation, Calculation) or not calculation.schedule:
        return []
    return [
        cl.Plotly(name="Amortization chart", figure=amortization_figure(calculation.schedule), display="inline"),
        cl.File(
            name="amortization-schedule.csv",
            content=schedule_csv(calculation.schedule),
            mime="text/csv",
            display="inline",
        ),
    ]


def scenario_metadata(scenario: dict[str, Any] | None, calculation: Any = None) -> dict[str, Any]:
    """What a reply stores for later turns: the inputs to keep for follow-ups and, when the reply showed a
    schedule, the inputs of that calculation so the chart and the CSV can be rebuilt on resume."""
    metadata: dict[str, Any] = {SCENARIO_KEY: scenario} if scenario else {}
    if isinstance(calculation, Calculation) and calculation.schedule:
        metadata[CHART_KEY] = calculation.scenario.to_json()
    return metadata


def charted_calculations(steps: list[StepDict]) -> list[tuple[str, Calculation]]:
    """The assistant messages that showed a schedule, each with its calculation computed again from its inputs."""
    charted = []
    for step in sorted(steps, key=lambda step: step.get("createdAt") or ""):
        stored_metadata = step.get("metadata")
        metadata = stored_metadata if isinstance(stored_metadata, dict) else {}
        scenario = Scenario.from_json(metadata.get(CHART_KEY)) if step.get("type") == "assistant_message" else None
        calculation = calculate(scenario) if scenario else None
        if isinstance(calculation, Calculation) and calculation.schedule and step.get("id"):
            charted.append((step["id"], calculation))
    return charted


async def restore_calculation_elements(thread: ThreadDict) -> int:
    """Put the chart and the CSV back under the replies that showed them; returns how many elements.

    Called from `on_chat_resume`, which runs before Chainlit sends the thread to the browser and the browser then
    replaces its elements with the thread's: the rebuilt ones are sent (so their content is served from this
    session) and added to the thread's list, where they arrive together with the stored messages.
    """
    restored = []
    for step_id, calculation in charted_calculations(thread.get("steps") or []):
        for element in calculation_elements(calculation):
            await element.send(for_id=step_id, persist=False)
            restored.append(element.to_dict())
    if restored:
        thread["elements"] = [*(thread.get("elements") or []), *restored]
    return len(restored)


def scenario_from_steps(steps: list[StepDict]) -> dict[str, Any] | None:
    """The inputs of the thread's last calculation, from the newest assistant message that carries them."""
    for step in sorted(steps, key=lambda step: step.get("createdAt") or "", reverse=True):
        stored_metadata = step.get("metadata")
        metadata = stored_metadata if isinstance(stored_metadata, dict) else {}
        scenario = metadata.get(SCENARIO_KEY)
        if step.get("type") == "assistant_message" and isinstance(scenario, dict):
            return scenario
    return None
