"""The real product path: `chainlit run chat/app.py` and an RQ worker as processes, driven like a browser.

Login over HTTP, conversation over socket.io, an upload through Chainlit's file endpoint into the real ingest
worker, then an advisor's read-only review. The LLM is the deterministic `fake` provider; everything else
(PostgreSQL, Redis, Presidio, the embedder, FAISS) is real.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import psycopg
import pytest
import redis
from liveproduct import (
    Tab,
    free_port,
    is_final_answer,
    password_of,
    product_env,
    sign_in,
    start_chat_server,
    start_worker,
    stored_steps,
)

from apfa.processes import stop_group
from chat import auth

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

REDIS_DB = 11
QUESTION = "My name is John Smith. What does an escrow account hold money for?"
SCHEDULE_QUESTION = "show me the amortization schedule for $200,000 at 6% over 30 years"
ESCROW_GUIDE = "# Escrow accounts\n\n" + "An escrow account holds money for property taxes and insurance. " * 5


@pytest.fixture
def live_app(pg_url, tmp_path, unique_name):
    """The chat server and an ingest worker on the session database, a private Redis db and a fresh data dir."""
    names = {"borrower": unique_name("alice"), "advisor": unique_name("carol")}
    for role, name in names.items():
        auth.create_user(name, password_of(name), role, url=pg_url)
    port = free_port()
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    env = product_env(pg_url, redis_url, f"apfa-test-{uuid.uuid4().hex[:8]}", tmp_path / "data")
    worker = start_worker(env, tmp_path / "worker.log")
    server = None
    try:
        server = start_chat_server(port, env, tmp_path / "server.log", timeout=240)
        yield {"base": f"http://127.0.0.1:{port}", "names": names, "pg_url": pg_url}
    finally:
        if server:
            stop_group(server)
        stop_group(worker)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter())
        if keys:
            client.delete(*keys)


async def stored_step_metadata(client, base: str, token: str, thread_id: str, step_id: str) -> dict:
    """The step's metadata once the data layer has stored it (Chainlit writes a sent reply's update in the
    background, so a reload right after the reply can come before it)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stored = await client.get(f"{base}/project/thread/{thread_id}", cookies={"access_token": token})
        steps = {step["id"]: step for step in stored.json()["steps"]}
        if metadata := (steps.get(step_id) or {}).get("metadata"):
            return metadata
        await asyncio.sleep(0.2)
    raise AssertionError(f"step {step_id} was not stored with its metadata")


async def test_borrower_chats_uploads_and_an_advisor_reviews_read_only(live_app):
    import socketio

    base, names = live_app["base"], live_app["names"]
    alice, carol = names["borrower"], names["advisor"]
    async with httpx.AsyncClient(timeout=60) as client:
        wrong = await client.post(f"{base}/login", data={"username": alice, "password": "not-her-password"})
        assert wrong.status_code == 401
        alice_token = await sign_in(client, base, alice)
        carol_token = await sign_in(client, base, carol)

        tab = await Tab(base, alice_token).connect()
        thread_id = tab.thread_id
        welcome = await tab.wait_for(lambda e, d: e == "new_message" and "APFA" in d.get("output", ""))
        assert "PDF" in welcome["output"]

        upload = await tab.upload(client, "escrow.md", ESCROW_GUIDE.encode(), "text/markdown")
        assert upload.status_code == 200
        await tab.say("", files=[upload.json()["id"]])
        done = await tab.wait_for(lambda e, d: d.get("output", "").startswith(("Done", "Could not")), 240)
        assert done["output"] == "Done: Escrow accounts is now searchable (1 chunk)."

        asked_at = len(tab.events)
        started = time.monotonic()
        await tab.say(QUESTION)
        answer = await tab.wait_for(is_final_answer, 120, start=asked_at)
        answer_seconds = time.monotonic() - started
        assert "property taxes and insurance" in answer["output"]
        await asyncio.sleep(1)
        citations = [data["name"] for event, data in tab.events[asked_at:] if event == "element"]
        assert citations == ["[1] Escrow accounts, p. 1"]
        await tab.close()
        await stored_steps(live_app["pg_url"], thread_id, answer["id"])

        stored = await client.get(f"{base}/project/thread/{thread_id}", cookies={"access_token": alice_token})
        assert stored.status_code == 200
        thread = stored.json()
        assert "John Smith" not in str(thread)
        assert any(step["output"].startswith("My name is <PERSON_1>.") for step in thread["steps"])
        assert [element["name"] for element in thread["elements"]] == ["[1] Escrow accounts, p. 1"]

        rating = {"feedback": {"forId": answer["id"], "value": 1}, "sessionId": tab.session_id}
        rated = await client.put(f"{base}/feedback", json=rating, cookies={"access_token": alice_token})
        assert rated.status_code == 200
        alice_rating = rated.json()["feedbackId"]

        resumed = await Tab(base, alice_token, thread_id).connect()
        await resumed.wait_for(lambda e, d: e == "resume_thread")
        schedule = await resumed.answer_to(SCHEDULE_QUESTION)
        assert "$1,199.10" in schedule["output"]
        await resumed.close()
        await stored_step_metadata(client, base, alice_token, thread_id, schedule["id"])  # written after the reply

        # a reload: the schedule answer gets its chart and CSV back, served from the new session
        reloaded = await Tab(base, alice_token, thread_id).connect()
        restored = await reloaded.wait_for(lambda e, d: e == "resume_thread")
        charts = {e["type"]: e for e in restored["elements"] if e.get("forId") == schedule["id"]}
        assert set(charts) == {"plotly", "file"}
        csv_file = await client.get(
            f"{base}/project/file/{charts['file']['chainlitKey']}",
            params={"session_id": reloaded.session_id},
            cookies={"access_token": alice_token},
        )
        assert csv_file.status_code == 200
        assert csv_file.text.splitlines()[:2] == [
            "payment_number,payment,interest,principal,balance",
            "1,1199.10,1000.00,199.10,199800.90",
        ]
        await reloaded.close()

        with pytest.raises(socketio.exceptions.ConnectionError):
            await Tab(base, carol_token, thread_id).connect()
        cookies = {"access_token": carol_token}
        assert (await client.get(f"{base}/project/thread/{thread_id}", cookies=cookies)).status_code == 401
        assert (await client.get(f"{base}/project/share/{thread_id}", cookies=cookies)).status_code == 200

        advisor = await Tab(base, carol_token).connect()
        welcome = await advisor.wait_for(lambda e, d: e == "new_message")
        for method, body in [
            ("PUT", {"feedback": {"forId": answer["id"], "value": 0}, "sessionId": advisor.session_id}),
            ("PUT", {"feedback": {"id": alice_rating, "forId": welcome["id"], "value": 0}, "sessionId": "x"}),
            ("DELETE", {"feedbackId": alice_rating}),
        ]:
            refused = await client.request(method, f"{base}/feedback", json=body, cookies=cookies)
            assert refused.status_code == 403, (method, body, refused.text)
        await advisor.say(f"/transcript {thread_id}")
        transcript = await advisor.wait_for(lambda e, d: "Transcript" in d.get("output", ""))
        assert "<PERSON_1>" in transcript["output"] and "John Smith" not in transcript["output"]
        await advisor.close()

        stored = await client.get(f"{base}/project/thread/{thread_id}", cookies={"access_token": alice_token})
        [rated_step] = [step for step in stored.json()["steps"] if step["id"] == answer["id"]]
        assert rated_step["feedback"]["value"] == 1, "the advisor changed nothing"
        cleared = await client.request(
            "DELETE", f"{base}/feedback", json={"feedbackId": alice_rating}, cookies={"access_token": alice_token}
        )
        assert cleared.status_code == 200

    with psycopg.connect(live_app["pg_url"]) as connection:
        audit = connection.execute(
            "SELECT actor, action, target_user, detail FROM audit_log WHERE target_thread = %s ORDER BY id",
            (thread_id,),
        ).fetchall()
    assert audit == [
        (carol, "read_thread", alice, "via=share_view"),
        (carol, "read_thread", alice, "via=/transcript"),
    ]
    print(f"answer with the fake LLM in {answer_seconds:.2f} s")
