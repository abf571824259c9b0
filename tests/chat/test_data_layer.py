"""APFA's data layer on real PostgreSQL, driven through Chainlit's own HTTP routes and websocket handshake.

Borrower A writes a conversation; borrower B must not be able to open, list, resume or share it; an advisor
can read it (but not rename, delete or post to it) and every such read leaves an audit row; what is stored
holds placeholders instead of personal details.
"""

from __future__ import annotations

import base64
import uuid

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text

from apfa.db import session_scope
from chat import auth
from chat.data_layer import ThreadAccessDenied
from chat.history import history_from_steps

pytestmark = pytest.mark.integration

PASSWORD = "long enough pw"
FIRST_QUESTION = "My name is John Smith and my account 123456789 is overdue. What can I do?"


@pytest_asyncio.fixture
async def people(pg_layer, pg_url, unique_name):
    """Chainlit users (as created at login) with APFA accounts: two borrowers, an advisor, a super admin."""
    import chainlit as cl

    roles = {
        "alice": "borrower",
        "bob": "borrower",
        "carol": "advisor",
        "dave": "advisor",
        "root": "super_admin",
    }
    users = {}
    for key, role in roles.items():
        name = unique_name(key)
        auth.create_user(name, PASSWORD, role, url=pg_url)
        users[key] = await pg_layer.create_user(cl.User(identifier=name, metadata={"role": role}))
    return users


async def write_conversation(layer, owner, question: str = FIRST_QUESTION) -> dict[str, str]:
    """What Chainlit does on a first message: name the thread after it, then store the messages."""
    import chainlit as cl

    thread_id = str(uuid.uuid4())
    await layer.update_thread(thread_id, name=question, user_id=owner.id)
    welcome = cl.Message(content="Hello! I'm APFA.", metadata={"apfa_kind": "welcome"})
    asked = cl.Message(content=question, type="user_message", author=owner.identifier)
    answered = cl.Message(content="You can ask your lender for a hardship plan [1].")
    ids = {"thread": thread_id}
    for key, (message, created_at) in {
        "welcome": (welcome, "2026-01-01T10:00:00.000Z"),
        "question": (asked, "2026-01-01T10:00:05.000Z"),
        "answer": (answered, "2026-01-01T10:00:09.000Z"),
    }.items():
        message.thread_id = thread_id
        message.created_at = created_at
        await layer.create_step(message.to_dict())
        ids[key] = message.id
    return ids


def audit_rows(url: str, thread_id: str) -> list[dict]:
    with session_scope(url) as session:
        rows = session.execute(
            text(
                "SELECT actor, actor_role, action, target_user, detail FROM audit_log "
                "WHERE target_thread = :t ORDER BY id"
            ),
            {"t": thread_id},
        )
        return [dict(row._mapping) for row in rows]


@pytest.fixture
def chainlit_server(pg_layer, monkeypatch):
    """Chainlit's FastAPI app with login required, APFA's auth callback and the staff share-view hook."""
    import chainlit.server
    from chainlit.config import config

    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "test-secret-" + "x" * 40)
    monkeypatch.setattr(config.code, "password_auth_callback", auth.authenticate)

    async def allow_staff(thread, viewer):
        return await pg_layer.authorize_shared_view(thread, viewer.identifier if viewer else None)

    monkeypatch.setattr(config.code, "on_shared_thread_view", allow_staff)
    return chainlit.server.app


def signed_token(user) -> str:
    """A token as sign-in issues it: with a live server-side session once chat/app.py has installed the hardening."""
    from chainlit.auth import create_jwt

    from chat.hardening import installed_sessions
    from chat.signin import SESSION_CLAIM

    if sessions := installed_sessions():
        user.metadata[SESSION_CLAIM] = sessions.start(user.identifier)
    return create_jwt(user)


def client_for(app, user) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {signed_token(user)}"},
    )


async def listed_thread_ids(app, user) -> set[str]:
    async with client_for(app, user) as client:
        response = await client.post("/project/threads", json={"pagination": {"first": 50}, "filter": {}})
    assert response.status_code == 200
    return {thread["id"] for thread in response.json()["data"]}


async def websocket_connect(user, thread_id: str):
    """Chainlit's socket.io connect handler, as a browser resuming `thread_id` would call it."""
    from chainlit.session import WebsocketSession
    from chainlit.socket import connect

    session_id = str(uuid.uuid4())
    environ = {"HTTP_COOKIE": f"access_token={signed_token(user)}"}
    handshake = {"sessionId": session_id, "threadId": thread_id, "clientType": "webapp", "userEnv": "{}"}
    try:
        return await connect(f"sid-{session_id}", environ, handshake)
    finally:
        if session := WebsocketSession.get_by_id(session_id):
            await session.delete()


async def test_stored_messages_and_thread_name_hold_placeholders_not_personal_details(pg_layer, pg_url, people):
    ids = await write_conversation(pg_layer, people["alice"])
    with session_scope(pg_url) as session:
        stored_question = session.execute(
            text("SELECT output FROM steps WHERE id = :id"), {"id": ids["question"]}
        ).scalar_one()
        thread_name = session.execute(
            text("SELECT name FROM threads WHERE id = :id"), {"id": ids["thread"]}
        ).scalar_one()
        everything = " ".join(
            str(value)
            for row in session.execute(
                text(
                    "SELECT s.output, s.input, t.name, t.metadata::text FROM steps s JOIN threads t "
                    'ON t.id = s."threadId" WHERE t.id = :id'
                ),
                {"id": ids["thread"]},
            )
            for value in row
        )
    assert stored_question == ("My name is <PERSON_1> and my account <US_BANK_NUMBER_1> is overdue. What can I do?")
    assert thread_name.startswith("My name is <PERSON_1>")
    assert "John Smith" not in everything and "123456789" not in everything


async def test_thread_metadata_keeps_only_what_resuming_needs(pg_layer, people):
    ids = await write_conversation(pg_layer, people["alice"])
    await pg_layer.update_thread(
        ids["thread"],
        metadata={"client_type": "webapp", "history": [["user", FIRST_QUESTION]], "is_shared": True},
    )
    thread = await pg_layer.get_thread(ids["thread"])
    assert thread["metadata"] == {"client_type": "webapp"}


async def test_borrower_cannot_open_list_resume_or_share_another_borrowers_thread(pg_layer, people, chainlit_server):
    alice, bob = people["alice"], people["bob"]
    ids = await write_conversation(pg_layer, alice)
    thread_id = ids["thread"]

    async with client_for(chainlit_server, bob) as client:
        assert (await client.get(f"/project/thread/{thread_id}")).status_code == 401
        assert (await client.get(f"/project/share/{thread_id}")).status_code == 404
        rename = await client.put("/project/thread", json={"threadId": thread_id, "name": "mine now"})
        assert rename.status_code == 401
        delete = await client.request("DELETE", "/project/thread", json={"threadId": thread_id})
        assert delete.status_code == 401
    assert thread_id not in await listed_thread_ids(chainlit_server, bob)
    with pytest.raises(ConnectionRefusedError):
        await websocket_connect(bob, thread_id)
    with pytest.raises(ThreadAccessDenied):
        await pg_layer.read_thread_as(thread_id, bob.identifier)

    async with client_for(chainlit_server, alice) as client:
        own = await client.get(f"/project/thread/{thread_id}")
    assert own.status_code == 200
    assert [step["id"] for step in own.json()["steps"]] == [ids["welcome"], ids["question"], ids["answer"]]
    assert thread_id in await listed_thread_ids(chainlit_server, alice)
    assert await websocket_connect(alice, thread_id) is True
    assert audit_rows(pg_layer.database_url, thread_id) == []


async def test_unknown_and_forbidden_threads_are_refused_alike(pg_layer, people, chainlit_server):
    ids = await write_conversation(pg_layer, people["alice"])
    messages = set()
    for thread_id in (ids["thread"], str(uuid.uuid4())):
        with pytest.raises(ThreadAccessDenied) as refusal:
            await pg_layer.read_thread_as(thread_id, people["bob"].identifier)
        messages.add(str(refusal.value))
    assert len(messages) == 1
    async with client_for(chainlit_server, people["bob"]) as client:
        assert (await client.get(f"/project/thread/{uuid.uuid4()}")).status_code == 404


async def test_advisor_reads_a_borrowers_thread_read_only_and_each_read_is_audited(pg_layer, people, chainlit_server):
    alice, carol = people["alice"], people["carol"]
    ids = await write_conversation(pg_layer, alice)
    thread_id = ids["thread"]

    thread = await pg_layer.read_thread_as(thread_id, carol.identifier, via="/transcript")
    assert [step["id"] for step in thread["steps"]] == [ids["welcome"], ids["question"], ids["answer"]]
    async with client_for(chainlit_server, carol) as client:
        shared_view = await client.get(f"/project/share/{thread_id}")
        assert shared_view.status_code == 200
        assert shared_view.json()["userIdentifier"] == alice.identifier
        assert (await client.get(f"/project/thread/{thread_id}")).status_code == 401
        rename = await client.put("/project/thread", json={"threadId": thread_id, "name": "reviewed"})
        assert rename.status_code == 401
    with pytest.raises(ConnectionRefusedError):
        await websocket_connect(carol, thread_id)

    rows = audit_rows(pg_layer.database_url, thread_id)
    assert rows == [
        {
            "actor": carol.identifier,
            "actor_role": "advisor",
            "action": "read_thread",
            "target_user": alice.identifier,
            "detail": "via=/transcript",
        },
        {
            "actor": carol.identifier,
            "actor_role": "advisor",
            "action": "read_thread",
            "target_user": alice.identifier,
            "detail": "via=share_view",
        },
    ]


async def test_staff_cannot_read_other_staff_threads(pg_layer, people):
    advisors_thread = await write_conversation(pg_layer, people["dave"], "A note to myself about rates.")
    for reader in ("carol", "root", "alice"):
        with pytest.raises(ThreadAccessDenied):
            await pg_layer.read_thread_as(advisors_thread["thread"], people[reader].identifier)
    assert audit_rows(pg_layer.database_url, advisors_thread["thread"]) == []


async def test_only_staff_list_borrowers_threads_and_the_listing_is_audited(pg_layer, pg_url, people):
    alices = await write_conversation(pg_layer, people["alice"])
    daves = await write_conversation(pg_layer, people["dave"], "Advisor's own question.")
    summaries = await pg_layer.list_borrower_threads(people["root"].identifier, limit=100)
    listed = {summary.id: summary for summary in summaries}
    assert alices["thread"] in listed and daves["thread"] not in listed
    assert listed[alices["thread"]].author == people["alice"].identifier
    assert listed[alices["thread"]].messages == 3
    with pytest.raises(ThreadAccessDenied):
        await pg_layer.list_borrower_threads(people["bob"].identifier)
    with session_scope(pg_url) as session:
        actions = session.execute(
            text("SELECT actor_role, action FROM audit_log WHERE actor = :a"),
            {"a": people["root"].identifier},
        ).all()
    assert [tuple(row) for row in actions] == [("super_admin", "list_threads")]


async def test_history_is_rebuilt_from_the_stored_steps(pg_layer, people):
    ids = await write_conversation(pg_layer, people["alice"])
    thread = await pg_layer.get_thread(ids["thread"])
    assert history_from_steps(thread["steps"]) == [
        ("user", "My name is <PERSON_1> and my account <US_BANK_NUMBER_1> is overdue. What can I do?"),
        ("assistant", "You can ask your lender for a hardship plan [1]."),
    ]


async def test_citations_persist_as_redacted_inline_text_and_files_are_not_stored(pg_layer, people, tmp_path):
    import chainlit as cl

    ids = await write_conversation(pg_layer, people["alice"])
    citation = cl.Text(
        name="[1] Hardship guide, p. 3",
        content="Call John Smith at the servicer.",
        display="inline",
        thread_id=ids["thread"],
        for_id=ids["answer"],
    )
    upload_path = tmp_path / "statement.pdf"
    upload_path.write_bytes(b"%PDF-1.4 John Smith 123456789")
    upload = cl.File(name="statement.pdf", path=str(upload_path), thread_id=ids["thread"], for_id=ids["question"])
    await pg_layer.create_element(citation)
    await pg_layer.create_element(upload)

    thread = await pg_layer.get_thread(ids["thread"])
    assert [element["name"] for element in thread["elements"]] == ["[1] Hardship guide, p. 3"]
    url = thread["elements"][0]["url"]
    assert url.startswith("data:text/plain;charset=utf-8;base64,")
    assert base64.b64decode(url.split(",", 1)[1]).decode() == "Call <PERSON_1> at the servicer."
    assert citation.content == "Call John Smith at the servicer."


async def test_feedback_is_stored_with_the_answer(pg_layer, people):
    from chainlit.types import Feedback

    ids = await write_conversation(pg_layer, people["alice"])
    await pg_layer.upsert_feedback(Feedback(forId=ids["answer"], value=1, threadId=ids["thread"]))
    thread = await pg_layer.get_thread(ids["thread"])
    answer = next(step for step in thread["steps"] if step["id"] == ids["answer"])
    assert answer["feedback"]["value"] == 1


async def test_with_presidio_the_database_never_sees_the_borrowers_details(pg_url, pg_layer, people):
    """The production redactor (tools.pii, Presidio) on the same write path."""
    from chat.data_layer import ApfaDataLayer

    layer = ApfaDataLayer(url=pg_url)
    try:
        question = "My name is John Smith, account number 123456789, phone 415-555-0132. Can I refinance?"
        ids = await write_conversation(layer, people["alice"], question)
        thread = await layer.get_thread(ids["thread"])
    finally:
        await layer.engine.dispose()
    stored = next(step["output"] for step in thread["steps"] if step["id"] == ids["question"])
    assert stored == (
        "My name is <PERSON_1>, account number <US_BANK_NUMBER_1>, phone <PHONE_NUMBER_1>. Can I refinance?"
    )
    assert "John Smith" not in thread["name"] and "123456789" not in thread["name"]


async def test_writes_on_behalf_of_a_user_never_touch_another_users_rows(pg_layer, pg_url, people):
    """Chainlit addresses steps and elements by ids a browser can name; the layer checks whose thread they are in."""
    import chainlit as cl
    from chainlit.context import init_http_context

    ids = await write_conversation(pg_layer, people["alice"])
    citation = cl.Text(name="[1] Guide", content="Escrow holds taxes.", thread_id=ids["thread"], for_id=ids["answer"])
    await pg_layer.create_element(citation)
    before = await pg_layer.get_thread(ids["thread"])

    init_http_context(user=people["bob"])
    bobs_thread = str(uuid.uuid4())
    await pg_layer.update_thread(bobs_thread, name="mine", user_id=people["bob"].id)
    takeover = cl.Message(content="taken over", type="user_message")
    takeover.id, takeover.thread_id = ids["answer"], bobs_thread
    await pg_layer.create_step(takeover.to_dict())
    await pg_layer.delete_step(ids["question"])
    await pg_layer.delete_element(citation.id, ids["thread"])
    await pg_layer.delete_element(citation.id)
    await pg_layer.update_thread(ids["thread"], name="renamed by bob")

    init_http_context(user=people["carol"])
    await pg_layer.delete_element(citation.id)
    advisor_thread = str(uuid.uuid4())
    await pg_layer.create_step({**takeover.to_dict(), "id": str(uuid.uuid4()), "threadId": advisor_thread})

    init_http_context()
    assert await pg_layer.get_thread(ids["thread"]) == before
    assert await pg_layer.get_thread(advisor_thread) is None, "advisors store nothing"
    refused = audit_rows(pg_url, ids["thread"]) + audit_rows(pg_url, bobs_thread)
    actors = {(row["actor"], row["action"]) for row in refused}
    assert actors == {(people["bob"].identifier, "write_refused"), (people["carol"].identifier, "write_refused")}
