"""The chat shows a schedule as a chart and a CSV, and a resumed thread keeps the last calculation's inputs."""

import csv
import io

from chat.calculation_view import (
    amortization_figure,
    calculation_elements,
    scenario_from_steps,
    scenario_metadata,
    schedule_csv,
)
from tools.loan_questions import Scenario, answer_question


def schedule_answer():
    return answer_question("show me the amortization schedule for $200,000 at 6% over 30 years")


def test_csv_lists_every_payment_in_cents():
    rows = list(csv.reader(io.StringIO(schedule_csv(schedule_answer().schedule).decode())))
    assert rows[0] == ["payment_number", "payment", "interest", "principal", "balance"]
    assert len(rows) == 361
    assert rows[1] == ["1", "1199.10", "1000.00", "199.10", "199800.90"]
    assert rows[-1][-1] == "0.00"


def test_chart_has_balance_and_cumulative_interest_and_principal_per_year():
    figure = amortization_figure(schedule_answer().schedule)
    names = [trace.name for trace in figure.data]
    assert names == ["Balance", "Interest paid (cumulative)", "Principal paid (cumulative)"]
    assert list(figure.data[0].x) == list(range(1, 31))
    assert figure.data[0].y[-1] == 0
    assert round(figure.data[2].y[-1], 2) == 200_000


async def test_elements_only_when_there_is_a_schedule():
    from chainlit.context import init_http_context

    init_http_context()
    elements = calculation_elements(schedule_answer())
    assert [type(element).__name__ for element in elements] == ["Plotly", "File"]
    assert elements[1].name.endswith(".csv")
    assert calculation_elements(answer_question("LTV for a $280,000 loan on a $350,000 house")) == []
    assert calculation_elements(None) == []


def test_scenario_round_trips_through_step_metadata():
    scenario = schedule_answer().scenario.to_json()
    steps = [
        {"type": "user_message", "createdAt": "2026-01-01T10:00:00Z", "metadata": {}},
        {"type": "assistant_message", "createdAt": "2026-01-01T10:00:01Z", "metadata": scenario_metadata(scenario)},
        {"type": "assistant_message", "createdAt": "2026-01-01T10:00:05Z", "metadata": {}},
    ]
    restored = scenario_from_steps(steps)
    assert Scenario.from_json(restored).loan == 200_000
    follow_up = answer_question("what about 15 years?", Scenario.from_json(restored))
    assert follow_up.scenario.term_months == 180
    assert scenario_from_steps([]) is None
