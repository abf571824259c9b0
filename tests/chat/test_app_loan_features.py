"""The chat handlers with loan math and Loan Estimates: chart and CSV, follow-up memory, side-by-side offers."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

from test_app import open_session

from agents.state import TurnResult
from evals.loan_estimate_forms import render_loan_estimate
from tools.loan_questions import answer_question

DATASET = Path(__file__).resolve().parents[1] / "data/loan_estimates.jsonl"


def fake_turn(monkeypatch, result: TurnResult) -> list:
    seen = []
    module = types.ModuleType("agents.turn")
    module.TurnResult = TurnResult

    async def stream_turn(question, user, history, *, graph, context, scenario=None):
        seen.append((question, scenario))
        yield result.answer
        yield result

    module.stream_turn = stream_turn
    monkeypatch.setitem(sys.modules, "agents.turn", module)
    return seen


def turn_result(question: str) -> TurnResult:
    calculation = answer_question(question)
    return TurnResult(
        answer=calculation.markdown(),
        citations=[],
        flags={},
        timings_ms={},
        redacted_question=question,
        calculation=calculation.markdown(),
        calculation_result=calculation,
        scenario=calculation.scenario.to_json(),
    )


async def test_a_schedule_answer_brings_a_chart_and_a_csv_and_the_next_turn_gets_its_inputs(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    seen = fake_turn(monkeypatch, turn_result("amortization schedule for $200,000 at 6% over 30 years"))
    await chat.app.handle_message(cl.Message(content="amortization schedule for $200,000 at 6% over 30 years"))
    assert sorted(element["type"] for element in recorder.elements) == ["file", "plotly"]
    kept = cl.user_session.get("scenario")
    assert kept["loan"] == "200000" and kept["term_months"] == 360

    await chat.app.handle_message(cl.Message(content="what about 15 years?"))
    assert seen[-1] == ("what about 15 years?", kept)


async def test_resuming_the_thread_brings_the_chart_and_the_csv_back_under_the_same_reply(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    sent: list[dict] = []
    send = cl.Message.send

    async def keep_what_is_stored(message):
        sent.append(message.to_dict())  # the step as the data layer stores it, metadata included
        return await send(message)

    monkeypatch.setattr(cl.Message, "send", keep_what_is_stored)
    fake_turn(monkeypatch, turn_result("amortization schedule for $200,000 at 6% over 30 years"))
    await chat.app.handle_message(cl.Message(content="amortization schedule for $200,000 at 6% over 30 years"))
    [reply] = [step for step in sent if step["type"] == "assistant_message"]

    thread = {"id": reply["threadId"], "steps": [reply], "elements": []}
    await chat.app.resume_chat(thread)
    assert sorted(element["type"] for element in thread["elements"]) == ["file", "plotly"]
    assert {element["forId"] for element in thread["elements"]} == {reply["id"]}
    assert all(element["chainlitKey"] for element in thread["elements"]), "served from the resumed session"
    assert [element["type"] for element in recorder.elements[2:]] == ["plotly", "file"]
    assert cl.user_session.get("scenario")["loan"] == "200000"


async def test_two_attached_loan_estimates_are_compared_with_cited_advice(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    queued = []

    async def start_ingest(filename, path):
        queued.append(filename)

    monkeypatch.setattr(chat.app, "start_ingest", start_ingest)

    class Chunk:
        doc_id, title, page = "kb-10", "Closing Costs, the Loan Estimate and the Closing Disclosure", None
        text = "Request Loan Estimates from several lenders on the same day so rate moves don't distort the comparison."

    monkeypatch.setattr(chat.app, "knowledge_base", lambda: lambda query, user, k=None: [Chunk()])
    rows = [json.loads(line) for line in DATASET.read_text().splitlines()][1:3]
    files = [
        cl.File(name=f"offer{i}.pdf", path=str(render_loan_estimate(row["fields"], tmp_path / f"offer{i}.pdf")))
        for i, row in enumerate(rows)
    ]
    await chat.app.handle_message(cl.Message(content="", elements=[files[0]]))
    assert "Attach another one to compare them" in recorder.messages()[-1]
    await chat.app.handle_message(cl.Message(content="", elements=[files[1]]))
    comparison = recorder.messages()[-1]
    assert "| Field | Ficus Bank | Maple Street Credit Union |" in comparison
    assert "5-year cost (In 5 Years):" in comparison
    assert "so rate moves don't distort the comparison. [1]" in comparison
    assert any(element["name"].startswith("[1] Closing Costs") for element in recorder.elements)
    assert queued == ["offer0.pdf", "offer1.pdf"]


async def test_resuming_a_thread_restores_the_last_calculations_inputs(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    open_session(monkeypatch, tmp_path)
    scenario = answer_question("payment on $300,000 at 6.5% for 30 years").scenario.to_json()
    thread = {
        "steps": [
            {"type": "user_message", "createdAt": "2026-01-01T10:00:00Z", "output": "payment?", "metadata": {}},
            {
                "type": "assistant_message",
                "createdAt": "2026-01-01T10:00:01Z",
                "output": "…",
                "metadata": {"apfa_scenario": scenario},
            },
        ]
    }
    await chat.app.resume_chat(thread)
    assert cl.user_session.get("scenario") == scenario
