"""The real product path: `chainlit run chat/app.py` and an RQ worker as processes, driven like a browser.

Login over HTTP, conversation over socket.io, an upload through Chainlit's file endpoint into the real ingest
worker, then an advisor's read-only review. The LLM is the deterministic `fake` provider; everything else
(PostgreSQL, Redis, Presidio, the embedder, FAISS) is real.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import pytest
import redis

from chat import auth

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 11
QUESTION = "My name is John Smith. What does an escrow account hold money for?"
ESCROW_GUIDE = "# Escrow accounts\n\n" + "An escrow account holds money for property taxes and insurance. " * 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def live_app(pg_url, tmp_path, unique_name):
    """The chat server and an ingest worker on the session database, a private Redis db and a fresh data dir."""
    names = {"borrower": unique_name("alice"), "advisor": unique_name("carol")}
    for role, name in names.items():
        auth.create_user(name, f"{name}-password", role, url=pg_url)
    port = free_port()
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    env = dict(
        os.environ,
        DATABASE_URL=pg_url,
        REDIS_URL=redis_url,
        APFA_QUEUE=f"apfa-test-{uuid.uuid4().hex[:8]}",
        APFA_DATA_DIR=str(tmp_path / "data"),
        APFA_LLM_PROVIDER="fake",
        CHAINLIT_AUTH_SECRET="test-" + uuid.uuid4().hex * 2,
        CHAINLIT_APP_ROOT=str(ROOT),
    )
    server_log, worker_log = tmp_path / "server.log", tmp_path / "worker.log"
    python = sys.executable
    server = start(
        [python, "-m", "chainlit", "run", "chat/app.py", "--headless", "--host", "127.0.0.1", "--port", str(port)],
        env,
        server_log,
    )
    worker = start([python, "-m", "cli.main", "worker"], env, worker_log)
    try:
        deadline = time.monotonic() + 240
        while "Models warmed up" not in server_log.read_text():
            assert server.poll() is None, server_log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the chat server did not warm up in time"
            time.sleep(0.5)
        yield {"base": f"http://127.0.0.1:{port}", "names": names, "pg_url": pg_url}
    finally:
        stop(server)
        stop(worker)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter())
        if keys:
            client.delete(*keys)


class Browser:
    """A signed-in tab: cookie auth for HTTP and socket.io, and a log of everything the server pushed."""

    def __init__(self, base: str, token: str):
        self.base, self.token, self.events = base, token, []
        self.session_id = str(uuid.uuid4())

    async def connect(self, thread_id: str):
        import socketio

        self.sio = socketio.AsyncClient(reconnection=False)
        for event in ("new_message", "update_message", "stream_start", "element", "action", "resume_thread"):
            self.sio.on(event, self._recorder(event))
        await self.sio.connect(
            self.base,
            socketio_path="/ws/socket.io",
            transports=["websocket"],
            headers={"Cookie": f"access_token={self.token}"},
            auth={"sessionId": self.session_id, "clientType": "webapp", "userEnv": "{}", "threadId": thread_id},
        )
        await self.sio.emit("connection_successful")

    def _recorder(self, event):
        async def record(data):
            self.events.append((event, data))

        return record

    async def say(self, thread_id: str, text: str, files: list[str] | None = None):
        step = {
            "id": str(uuid.uuid4()),
            "threadId": thread_id,
            "type": "user_message",
            "output": text,
            "name": "user",
            "createdAt": datetime.now(UTC).isoformat(),
        }
        await self.sio.emit("client_message", {"message": step, "fileReferences": [{"id": f} for f in files or []]})

    async def wait_for(self, predicate, timeout: float = 120, start: int = 0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, data in self.events[start:]:
                if isinstance(data, dict) and predicate(event, data):
                    return data
            await asyncio.sleep(0.1)
        raise AssertionError(f"nothing matched; last events: {[e for e, _ in self.events[-10:]]}")


async def login(client: httpx.AsyncClient, base: str, name: str, password: str) -> str:
    response = await client.post(f"{base}/login", data={"username": name, "password": password})
    assert response.status_code == 200
    return response.cookies["access_token"]


def is_final_answer(event, data) -> bool:
    return event == "new_message" and data.get("type") == "assistant_message" and not data.get("streaming")


async def test_borrower_chats_uploads_and_an_advisor_reviews_read_only(live_app):
    import socketio

    base, names = live_app["base"], live_app["names"]
    alice, carol = names["borrower"], names["advisor"]
    async with httpx.AsyncClient(timeout=60) as client:
        wrong = await client.post(f"{base}/login", data={"username": alice, "password": "not-her-password"})
        assert wrong.status_code == 401
        alice_token = await login(client, base, alice, f"{alice}-password")
        carol_token = await login(client, base, carol, f"{carol}-password")

        thread_id = str(uuid.uuid4())
        tab = Browser(base, alice_token)
        await tab.connect(thread_id)
        welcome = await tab.wait_for(lambda e, d: e == "new_message" and "APFA" in d.get("output", ""))
        assert "PDF" in welcome["output"]

        upload = await client.post(
            f"{base}/project/file",
            params={"session_id": tab.session_id},
            files={"file": ("escrow.md", ESCROW_GUIDE.encode(), "text/markdown")},
            cookies={"access_token": alice_token},
        )
        assert upload.status_code == 200
        await tab.say(thread_id, "", files=[upload.json()["id"]])
        done = await tab.wait_for(lambda e, d: d.get("output", "").startswith(("Done", "Could not")), 240)
        assert done["output"] == "Done: Escrow accounts is now searchable (1 chunk)."

        asked_at = len(tab.events)
        started = time.monotonic()
        await tab.say(thread_id, QUESTION)
        answer = await tab.wait_for(is_final_answer, 120, start=asked_at)
        answer_seconds = time.monotonic() - started
        assert "property taxes and insurance" in answer["output"]
        await asyncio.sleep(1)
        citations = [data["name"] for event, data in tab.events[asked_at:] if event == "element"]
        assert citations == ["[1] Escrow accounts, p. 1"]
        await tab.sio.disconnect()

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

        resumed = Browser(base, alice_token)
        await resumed.connect(thread_id)
        await resumed.wait_for(lambda e, d: e == "resume_thread")
        await resumed.sio.disconnect()

        advisor = Browser(base, carol_token)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await advisor.connect(thread_id)
        cookies = {"access_token": carol_token}
        assert (await client.get(f"{base}/project/thread/{thread_id}", cookies=cookies)).status_code == 401
        assert (await client.get(f"{base}/project/share/{thread_id}", cookies=cookies)).status_code == 200

        own_thread = str(uuid.uuid4())
        advisor = Browser(base, carol_token)
        await advisor.connect(own_thread)
        welcome = await advisor.wait_for(lambda e, d: e == "new_message")
        for method, body in [
            ("PUT", {"feedback": {"forId": answer["id"], "value": 0}, "sessionId": advisor.session_id}),
            ("PUT", {"feedback": {"id": alice_rating, "forId": welcome["id"], "value": 0}, "sessionId": "x"}),
            ("DELETE", {"feedbackId": alice_rating}),
        ]:
            refused = await client.request(method, f"{base}/feedback", json=body, cookies=cookies)
            assert refused.status_code == 403, (method, body, refused.text)
        await advisor.say(own_thread, f"/transcript {thread_id}")
        transcript = await advisor.wait_for(lambda e, d: "Transcript" in d.get("output", ""))
        assert "<PERSON_1>" in transcript["output"] and "John Smith" not in transcript["output"]
        await advisor.sio.disconnect()

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
