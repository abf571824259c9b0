"""The chat handlers, run inside a Chainlit context whose emitter records what the browser would receive.

The answer pipeline and the ingest queue are replaced by fakes that follow their contracts
(`agents.turn.stream_turn`, `ingest.jobs`), so these tests are about what the chat does with them.
"""

from __future__ import annotations

import asyncio
import sys
import types
import uuid
from pathlib import Path

import pytest

from agents.state import Citation, TurnResult
from apfa.settings import Settings
from ingest.progress import JobProgress, JobState, Stage


class RecordingEmitter:
    """Collects the steps, tokens, elements and actions Chainlit would send to the browser."""

    def __init__(self):
        self.outputs: dict[str, list[str]] = {}
        self.tokens: list[str] = []
        self.elements: list[dict] = []
        self.actions: list[tuple[str, dict]] = []

    def latest(self, step_id: str) -> str:
        return self.outputs[step_id][-1]

    def messages(self) -> list[str]:
        return [versions[-1] for versions in self.outputs.values()]


def open_session(monkeypatch, tmp_path, role: str = "borrower", identifier: str = "alice"):
    """A Chainlit HTTP session for `identifier` whose emitter records; persistence off, fast progress."""
    import chainlit as cl
    import chainlit.config
    import chainlit.data
    from chainlit.context import ChainlitContext, context_var
    from chainlit.emitter import BaseChainlitEmitter
    from chainlit.session import HTTPSession

    import chat.app

    recorder = RecordingEmitter()

    class Emitter(BaseChainlitEmitter):
        async def send_step(self, step_dict):
            recorder.outputs.setdefault(step_dict["id"], []).append(step_dict["output"])

        update_step = send_step

        async def stream_start(self, step_dict):
            recorder.tokens.append(step_dict["output"])

        async def send_token(self, id, token, is_sequence=False, is_input=False):
            recorder.tokens.append(token)

        async def send_element(self, element_dict):
            recorder.elements.append(element_dict)

        async def emit(self, event, data):
            recorder.actions.append((event, data))

    monkeypatch.setattr(chainlit.data, "_data_layer", None)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    monkeypatch.setattr(chainlit.config, "FILES_DIRECTORY", tmp_path / "chainlit-files")
    (tmp_path / "chainlit-files").mkdir(exist_ok=True)
    monkeypatch.setattr(chat.app, "settings", Settings(APFA_DATA_DIR=str(tmp_path), APFA_MAX_UPLOAD_MB=1))
    monkeypatch.setattr(chat.app, "PROGRESS_INTERVAL_S", 0.01)
    session = HTTPSession(
        id=str(uuid.uuid4()),
        thread_id=str(uuid.uuid4()),
        user=cl.User(identifier=identifier, metadata={"role": role}),
        client_type="webapp",
    )
    context_var.set(ChainlitContext(session, Emitter(session)))
    cl.user_session.set("role", role)
    cl.user_session.set("history", [])
    cl.user_session.set("ingest_jobs", {})
    return recorder


class QueueUnavailableError(RuntimeError):
    pass


def fake_jobs_module(monkeypatch, stages: list[dict], queue_down: bool = False) -> types.SimpleNamespace:
    """An `ingest.jobs` stand-in that replays `stages` from job_progress and records what was queued."""
    calls = types.SimpleNamespace(enqueued=[], cancelled=[])
    remaining = list(stages)
    module = types.ModuleType("ingest.jobs")
    module.QueueUnavailableError = QueueUnavailableError

    def enqueue_ingest(config, path, filename, scope, owner):
        if queue_down:
            raise QueueUnavailableError("The background queue (Redis) is not reachable.")
        calls.enqueued.append((path, filename, scope, owner))
        return "job-1"

    def job_progress(config, job_id):
        fields = dict(remaining.pop(0) if len(remaining) > 1 else remaining[0])
        state, stage = JobState(fields.pop("state")), Stage(fields.pop("stage"))
        return JobProgress(job_id=job_id, state=state, stage=stage, **fields)

    module.enqueue_ingest = enqueue_ingest
    module.job_progress = job_progress
    module.cancel_job = lambda config, job_id: calls.cancelled.append(job_id)
    monkeypatch.setitem(sys.modules, "ingest.jobs", module)
    return calls


def fake_turn_module(monkeypatch, pieces: list[str], result: TurnResult) -> list:
    seen = []
    module = types.ModuleType("agents.turn")
    module.TurnResult = TurnResult

    async def stream_turn(question, user, history, *, graph, context, scenario=None):
        seen.append((question, user, list(history)))
        for piece in pieces:
            yield piece
        yield result

    module.stream_turn = stream_turn
    monkeypatch.setitem(sys.modules, "agents.turn", module)
    return seen


async def wait_for_background_work():
    import chat.app

    await asyncio.wait_for(asyncio.gather(*chat.app._background_tasks), timeout=10)


async def test_welcome_names_what_the_assistant_does_and_the_file_types(monkeypatch, tmp_path):
    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    await chat.app.start_chat()
    welcome = recorder.messages()[0]
    assert "cit" in welcome and "payments" in welcome
    assert "DOCX, HTML, MD, PDF, TXT" in welcome
    assert "/threads" not in welcome

    recorder = open_session(monkeypatch, tmp_path, role="advisor", identifier="carol")
    await chat.app.start_chat()
    assert "/threads" in recorder.messages()[0] and "/transcript" in recorder.messages()[0]


async def test_answer_is_streamed_with_one_citation_element_each_and_remembered(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    cl.user_session.set("history", [("user", "earlier question"), ("assistant", "earlier answer")])
    result = TurnResult(
        answer="A hardship plan can pause payments [1]. Ask early [2].",
        citations=[
            Citation(1, "doc-a", "Hardship Guide", 3, "Servicers may offer forbearance."),
            Citation(2, "doc-b", "Borrower FAQ", None, "Contact your servicer early."),
        ],
        flags={"pii": ["PERSON"], "bias": []},
        timings_ms={},
        redacted_question="I am <PERSON_1>; can I pause payments?",
    )
    pieces = ["A hardship plan can pause payments [1]. ", "Ask early [2]."]
    seen = fake_turn_module(monkeypatch, pieces, result)

    await chat.app.handle_message(cl.Message(content="I am John Smith; can I pause payments?"))

    assert seen == [
        (
            "I am John Smith; can I pause payments?",
            "alice",
            [("user", "earlier question"), ("assistant", "earlier answer")],
        )
    ]
    assert recorder.tokens[-1] == "Ask early [2]."
    assert recorder.messages()[-1] == result.answer
    assert sorted((element["name"], element["display"]) for element in recorder.elements) == [
        ("[1] Hardship Guide, p. 3", "inline"),
        ("[2] Borrower FAQ", "inline"),
    ]
    assert cl.user_session.get("history")[-2:] == [
        ("user", "I am <PERSON_1>; can I pause payments?"),
        ("assistant", result.answer),
    ]


async def test_attached_document_is_kept_queued_and_its_progress_followed(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    calls = fake_jobs_module(
        monkeypatch,
        [
            {"state": "started", "stage": "parsing"},
            {"state": "started", "stage": "embedding", "done": 12, "total": 40},
            {"state": "started", "stage": "indexing", "done": 40, "total": 40},
            {"state": "finished", "stage": "done", "title": "Loan Offer", "done": 40, "total": 40},
        ],
    )
    attachment = tmp_path / "offer.pdf"
    attachment.write_bytes(b"%PDF-1.4 a loan offer")
    message = cl.Message(content="")
    message.elements = [cl.File(name="offer.pdf", path=str(attachment))]

    await chat.app.handle_message(message)
    await wait_for_background_work()

    [(stored_path, filename, scope, owner)] = calls.enqueued
    assert (filename, scope, owner) == ("offer.pdf", "private", "alice")
    assert stored_path.startswith(str(tmp_path / "uploads"))
    assert Path(stored_path).read_bytes() == b"%PDF-1.4 a loan offer"
    [progress_versions] = recorder.outputs.values()
    assert progress_versions[0] == "Received “offer.pdf”, queuing it for indexing…"
    assert progress_versions[-4:] == [
        "Parsing “offer.pdf”…",
        "Embedding 12/40",
        "Indexing…",
        "Done: Loan Offer is now searchable (40 chunks).",
    ]
    events = [event for event, _ in recorder.actions]
    assert events == ["action", "remove_action"]
    assert recorder.actions[0][1]["label"] == "Cancel"


async def test_cancel_action_cancels_only_this_sessions_jobs(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    open_session(monkeypatch, tmp_path)
    calls = fake_jobs_module(monkeypatch, [{"state": "started", "stage": "parsing"}])
    cl.user_session.set("ingest_jobs", {"job-1": "offer.pdf"})
    await chat.app.cancel_ingest(cl.Action(name="cancel_ingest", payload={"job_id": "job-9"}))
    await chat.app.cancel_ingest(cl.Action(name="cancel_ingest", payload={"job_id": "job-1"}))
    assert calls.cancelled == ["job-1"]


async def test_dead_queue_is_explained_and_the_file_is_kept(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    fake_jobs_module(monkeypatch, [], queue_down=True)
    attachment = tmp_path / "notes.txt"
    attachment.write_text("Fixed rates stay the same.")
    message = cl.Message(content="")
    message.elements = [cl.File(name="notes.txt", path=str(attachment))]

    await chat.app.handle_message(message)

    assert recorder.messages()[-1] == (
        "The background queue (Redis) is not reachable. “notes.txt” is saved; attach it again once the "
        "background worker is running."
    )
    assert [path.name for path in (tmp_path / "uploads").rglob("*.txt")] == ["notes.txt"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("virus.exe", b"MZ", "“virus.exe” is not a file type I can read"),
        ("empty.txt", b"", "“empty.txt” is empty"),
        ("huge.txt", b"x" * (1024 * 1024 + 1), "over the upload limit of 1"),
    ],
)
async def test_rejected_uploads_are_explained_and_not_queued(monkeypatch, tmp_path, name, content, expected):
    import chainlit as cl

    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    calls = fake_jobs_module(monkeypatch, [])
    attachment = tmp_path / name
    attachment.write_bytes(content)
    message = cl.Message(content="")
    message.elements = [cl.File(name=name, path=str(attachment))]

    await chat.app.handle_message(message)

    assert expected in recorder.messages()[-1]
    assert calls.enqueued == []
    assert not (tmp_path / "uploads").exists()


async def test_staff_commands_are_refused_to_borrowers(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    recorder = open_session(monkeypatch, tmp_path)
    for command in ("/threads", f"/transcript {uuid.uuid4()}"):
        await chat.app.handle_message(cl.Message(content=command))
        assert recorder.messages()[-1] == f"`{command.split()[0]}` is available to advisors only."


async def test_resumed_chat_continues_with_the_stored_conversation_as_memory(monkeypatch, tmp_path):
    import chainlit as cl

    import chat.app

    open_session(monkeypatch, tmp_path)
    steps = [
        {
            "type": "assistant_message",
            "output": "Hello! I'm APFA.",
            "metadata": {"apfa_kind": "welcome"},
            "createdAt": "2026-01-01T10:00:00Z",
        },
        {"type": "user_message", "output": "I am <PERSON_1>. Can I refinance?", "createdAt": "2026-01-01T10:00:05Z"},
        {"type": "run", "output": "retrieval", "createdAt": "2026-01-01T10:00:06Z"},
        {"type": "assistant_message", "output": "Possibly [1].", "createdAt": "2026-01-01T10:00:08Z"},
        {"type": "user_message", "output": "", "createdAt": "2026-01-01T10:00:09Z"},
        {
            "type": "assistant_message",
            "output": "Done: Guide is now searchable (3 chunks).",
            "metadata": {"apfa_kind": "upload"},
            "createdAt": "2026-01-01T10:00:10Z",
        },
        {"type": "user_message", "output": "/threads", "createdAt": "2026-01-01T10:00:11Z"},
        {
            "type": "assistant_message",
            "output": "`/threads` is available to advisors only.",
            "metadata": {"apfa_kind": "command"},
            "createdAt": "2026-01-01T10:00:12Z",
        },
    ]
    await chat.app.resume_chat({"id": str(uuid.uuid4()), "steps": steps})
    assert cl.user_session.get("history") == [
        ("user", "I am <PERSON_1>. Can I refinance?"),
        ("assistant", "Possibly [1]."),
    ]


def test_transcript_and_thread_list_render_for_advisors():
    from chat.app import threads_table, transcript_text
    from chat.data_layer import ThreadSummary

    summary = ThreadSummary("t-1", "I am <PERSON_1> | help", "alice", "2026-01-01T10:00:08.000Z", 2)
    table = threads_table([summary])
    assert "| 2026-01-01 10:00 UTC | alice | I am <PERSON_1> \\| help | 2 | [view](/share/t-1)" in table
    transcript = transcript_text(
        {
            "id": "t-1",
            "name": "I am <PERSON_1>",
            "userIdentifier": "alice",
            "steps": [
                {"type": "user_message", "output": "I am <PERSON_1>.", "createdAt": "2026-01-01T10:00:05Z"},
                {"type": "assistant_message", "output": "Hello.", "createdAt": "2026-01-01T10:00:06Z"},
            ],
        }
    )
    assert "borrower `alice`" in transcript
    assert "**Borrower** (2026-01-01 10:00 UTC):\n> I am <PERSON_1>." in transcript
    assert "**APFA** (2026-01-01 10:00 UTC):\n> Hello." in transcript
