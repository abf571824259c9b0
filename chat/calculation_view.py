"""How a loan calculation is shown in the chat beyond its text: the amortization chart and the schedule as CSV.

The text of the work (inputs as read, formula, figures to the cent) is part of the answer itself
(`Calculation.markdown`); this module adds Chainlit elements when a schedule is involved, and carries the
calculation's inputs in the reply's metadata so a resumed thread can answer follow-ups ("what about 15 years?").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import chainlit as cl
from chainlit.step import StepDict
from plotly import graph_objects as go

from tools.loan_math import AmortizationRow, yearly_summary
from tools.loan_questions import Calculation

SCENARIO_KEY = "apfa_scenario"


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


def scenario_metadata(scenario: dict[str, Any] | None) -> dict[str, Any]:
    return {SCENARIO_KEY: scenario} if scenario else {}


def scenario_from_steps(steps: list[StepDict]) -> dict[str, Any] | None:
    """The inputs of the thread's last calculation, from the newest assistant message that carries them."""
    for step in sorted(steps, key=lambda step: step.get("createdAt") or "", reverse=True):
        stored_metadata = step.get("metadata")
        metadata = stored_metadata if isinstance(stored_metadata, dict) else {}
        scenario = metadata.get(SCENARIO_KEY)
        if step.get("type") == "assistant_message" and isinstance(scenario, dict):
            return scenario
    return None
