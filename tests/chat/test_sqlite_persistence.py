"""SQLite is the laptop default: Chainlit's hand-written SQL must work on the migrated SQLite schema too."""

from __future__ import annotations

import uuid

from chat import auth
from chat.history import history_from_steps


async def test_conversation_round_trip_and_audited_advisor_read_on_sqlite(sqlite_layer, sqlite_url):
    import chainlit as cl
    from chainlit.types import Feedback, Pagination, ThreadFilter

    auth.create_user("alice", "long enough pw", "borrower", url=sqlite_url)
    auth.create_user("carol", "long enough pw", "advisor", url=sqlite_url)
    alice = await sqlite_layer.create_user(cl.User(identifier="alice", metadata={"role": "borrower"}))
    assert alice.metadata == {"role": "borrower"}

    thread_id = str(uuid.uuid4())
    await sqlite_layer.update_thread(thread_id, name="I am John Smith", user_id=alice.id)
    question = cl.Message(content="I am John Smith, can I refinance?", type="user_message", author="alice")
    answer = cl.Message(content="Possibly; compare the new rate with your current one [1].")
    for message, created_at in ((question, "2026-01-01T10:00:00Z"), (answer, "2026-01-01T10:00:03Z")):
        message.thread_id, message.created_at = thread_id, created_at
        await sqlite_layer.create_step(message.to_dict())
    await sqlite_layer.create_element(
        cl.Text(name="[1] Refinancing, p. 2", content="Rates...", thread_id=thread_id, for_id=answer.id)
    )
    await sqlite_layer.upsert_feedback(Feedback(forId=answer.id, value=0, threadId=thread_id))

    page = await sqlite_layer.list_threads(Pagination(first=10), ThreadFilter(userId=alice.id))
    assert [thread["id"] for thread in page.data] == [thread_id]
    assert await sqlite_layer.get_thread_author(thread_id) == "alice"

    thread = await sqlite_layer.read_thread_as(thread_id, "carol")
    assert thread["name"] == "I am <PERSON_1>"
    assert history_from_steps(thread["steps"]) == [
        ("user", "I am <PERSON_1>, can I refinance?"),
        ("assistant", "Possibly; compare the new rate with your current one [1]."),
    ]
    assert thread["steps"][1]["feedback"]["value"] == 0
    assert [element["name"] for element in thread["elements"]] == ["[1] Refinancing, p. 2"]
    summaries = await sqlite_layer.list_borrower_threads("carol")
    assert [(summary.id, summary.messages) for summary in summaries] == [(thread_id, 2)]
