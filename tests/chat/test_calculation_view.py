"""The chat shows a schedule as a chart and a CSV, and a resumed thread keeps the last calculation's inputs."""

import csv
import io
import json
import uuid

import pytest

from chat.calculation_view import (
    CHART_KEY,
    amortization_figure,
    calculation_elements,
    restore_calculation_elements,
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


def test_a_reply_that_showed_a_schedule_stores_the_inputs_to_rebuild_it():
    calculation = schedule_answer()
    metadata = scenario_metadata(calculation.scenario.to_json(), calculation)
    assert metadata[CHART_KEY] == calculation.scenario.to_json()
    ltv = answer_question("LTV for a $280,000 loan on a $350,000 house")
    assert CHART_KEY not in scenario_metadata(ltv.scenario.to_json(), ltv)
    assert scenario_metadata(None, None) == {}


@pytest.mark.integration
async def test_a_resumed_thread_gets_its_chart_and_csv_back_under_the_reply_that_showed_them(
    pg_layer, people_for_charts, monkeypatch, tmp_path
):
    """Stored through APFA's data layer on PostgreSQL and read back as Chainlit resumes a thread: the chart and
    the CSV are rebuilt from the stored inputs, served from the new session and attached to the same reply."""
    import chainlit as cl
    import chainlit.config
    from chainlit.context import context, init_http_context

    monkeypatch.setattr(chainlit.config, "FILES_DIRECTORY", tmp_path / "files")
    (tmp_path / "files").mkdir()
    thread_id = str(uuid.uuid4())
    await pg_layer.update_thread(thread_id, name="schedule", user_id=people_for_charts.id)
    calculation = schedule_answer()
    replies = {
        "schedule": scenario_metadata(calculation.scenario.to_json(), calculation),
        # a later reply that only kept those inputs for follow-ups showed no chart and gets none
        "explanation": scenario_metadata(calculation.scenario.to_json()),
    }
    ids = {}
    for n, (key, metadata) in enumerate(replies.items()):
        message = cl.Message(content=f"{key} reply", metadata=metadata)
        message.thread_id, message.created_at = thread_id, f"2026-01-01T10:00:0{n}.000Z"
        await pg_layer.create_step(message.to_dict())
        ids[key] = message.id

    thread = await pg_layer.get_thread(thread_id)
    assert thread["elements"] == [], "only text elements are stored"
    init_http_context(thread_id=thread_id)
    assert await restore_calculation_elements(thread) == 2
    restored = {element["type"]: element for element in thread["elements"]}
    assert set(restored) == {"plotly", "file"}
    assert {element["forId"] for element in restored.values()} == {ids["schedule"]}
    csv_file = context.session.files[restored["file"]["chainlitKey"]]
    rows = list(csv.reader(io.StringIO(csv_file["path"].read_text())))
    assert rows == list(csv.reader(io.StringIO(schedule_csv(calculation.schedule).decode())))
    figure = json.loads(context.session.files[restored["plotly"]["chainlitKey"]]["path"].read_text())
    assert [trace["name"] for trace in figure["data"]][0] == "Balance"
    assert (await pg_layer.get_thread(thread_id))["elements"] == [], "rebuilt, never stored"


@pytest.fixture
async def people_for_charts(pg_layer, pg_url, unique_name):
    import chainlit as cl

    from chat import auth

    name = unique_name("alice")
    auth.create_user(name, "long enough pw", "borrower", url=pg_url)
    return await pg_layer.create_user(cl.User(identifier=name, metadata={"role": "borrower"}))
