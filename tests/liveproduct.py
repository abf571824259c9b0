"""The running product for the live tests (tests/chat, tests/security): starting and stopping `chainlit run
chat/app.py` and its worker, sign-in over HTTP, and a browser tab speaking Chainlit's socket.io protocol."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from apfa.processes import stop_group

ROOT = Path(__file__).resolve().parents[1]

MAX_UPLOAD_MB = 2
MAX_MESSAGE_CHARS = 4000
SESSION_HOURS = 2
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def product_env(database_url: str, redis_url: str, queue: str, data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a product of its own: database, Redis db, queue and data directory, the fake model (every
    other part real), a fresh auth secret, plus any `APFA_…` settings the test needs."""
    return dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        APFA_QUEUE=queue,
        APFA_DATA_DIR=str(data_dir),
        APFA_LLM_PROVIDER="fake",
        CHAINLIT_AUTH_SECRET="test-" + uuid.uuid4().hex * 2,
        CHAINLIT_APP_ROOT=str(ROOT),
        **settings,
    )


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A child in its own process group (so `stop_group` ends everything it started), its output in `log`."""
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def start_chat_server(port: int, env: dict, log: Path, timeout: float = 300) -> subprocess.Popen:
    """`chainlit run chat/app.py` as a user runs it, returned once its models are warm."""
    command = [sys.executable, "-m", "chainlit", "run", "chat/app.py", "--headless", "--host", "127.0.0.1"]
    server = start([*command, "--port", str(port)], env, log)
    deadline = time.monotonic() + timeout
    while "Models warmed up" not in log.read_text():
        if server.poll() is not None or time.monotonic() > deadline:
            stop_group(server)
            raise AssertionError(f"the chat server did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    return server


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return start([sys.executable, "-m", "cli.main", "worker"], env, log)


def password_of(name: str) -> str:
    return f"{name}-correct-horse"


def address() -> str:
    """A client address of its own, so per-address sign-in counters of different tests never meet."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


async def sign_in(client: httpx.AsyncClient, base: str, name: str, password: str | None = None) -> str:
    response = await client.post(
        f"{base}/login",
        data={"username": name, "password": password or password_of(name)},
        headers={"X-Forwarded-For": address()},
    )
    assert response.status_code == 200, response.text
    return response.cookies["access_token"]


class Tab:
    """A signed-in browser tab: the cookie for HTTP and socket.io, and every event the server pushed."""

    def __init__(self, base: str, token: str, thread_id: str | None = None):
        self.base, self.token, self.events = base, token, []
        self.session_id = str(uuid.uuid4())
        self.thread_id = thread_id or str(uuid.uuid4())

    async def connect(self, origin: str | None = None) -> Tab:
        import socketio

        self.sio = socketio.AsyncClient(reconnection=False)
        for event in ("new_message", "update_message", "stream_start", "element", "action", "resume_thread"):
            self.sio.on(event, self._recorder(event))
        headers = {"Cookie": f"access_token={self.token}"}
        if origin:
            headers["Origin"] = origin
        await self.sio.connect(
            self.base,
            socketio_path="/ws/socket.io",
            transports=["websocket"],
            headers=headers,
            auth={"sessionId": self.session_id, "clientType": "webapp", "userEnv": "{}", "threadId": self.thread_id},
        )
        await self.sio.emit("connection_successful")
        return self

    def _recorder(self, event):
        async def record(data):
            self.events.append((event, data))

        return record

    async def say(self, text: str, message_id: str | None = None, files: list[str] | None = None) -> str:
        message_id = message_id or str(uuid.uuid4())
        step = {
            "id": message_id, "threadId": self.thread_id, "type": "user_message", "output": text, "name": "user",
            "createdAt": datetime.now(UTC).isoformat(),
        }  # fmt: skip
        await self.sio.emit("client_message", {"message": step, "fileReferences": [{"id": f} for f in files or []]})
        return message_id

    async def wait_for(self, predicate, timeout: float = 60, start: int = 0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, data in self.events[start:]:
                if isinstance(data, dict) and predicate(event, data):
                    return data
            await asyncio.sleep(0.1)
        raise AssertionError(f"nothing matched; events: {[(e, d.get('output', '')[:80]) for e, d in self.events]}")

    async def upload(self, client: httpx.AsyncClient, name: str, content: bytes, mime: str) -> httpx.Response:
        """Attach a file as the browser does: POST it to Chainlit's file endpoint for this tab's session."""
        return await client.post(
            f"{self.base}/project/file",
            params={"session_id": self.session_id},
            files={"file": (name, content, mime)},
            headers={"Cookie": f"access_token={self.token}"},
        )

    async def answer_to(self, text: str, timeout: float = 120) -> dict:
        start = len(self.events)
        await self.say(text)
        return await self.wait_for(is_final_answer, timeout, start=start)

    async def close(self) -> None:
        await self.sio.disconnect()


@asynccontextmanager
async def signed_in_tab(base: str, name: str, timeout: float = 60) -> AsyncIterator[tuple[httpx.AsyncClient, Tab]]:
    """An HTTP client holding `name`'s session cookie and a connected tab of that session, as a browser has both
    (uploads go over HTTP, messages over the socket); the tab is closed on the way out."""
    async with httpx.AsyncClient(timeout=timeout) as client:
        token = await sign_in(client, base, name)
        client.cookies.set("access_token", token)
        tab = await Tab(base, token).connect()
        try:
            yield client, tab
        finally:
            await tab.close()


def is_final_answer(event: str, data: dict) -> bool:
    """A finished assistant reply. The welcome is not one: on a busy machine it can reach the socket after the
    first question has been sent, and taking it for the answer would read the thread before the answer is stored."""
    return (
        event == "new_message"
        and data.get("type") == "assistant_message"
        and not data.get("streaming")
        and (data.get("metadata") or {}).get("apfa_kind") != "welcome"
    )


def thread_steps(pg_url: str, thread_id: str) -> list[tuple]:
    with psycopg.connect(pg_url) as connection:
        return connection.execute(
            'SELECT id::text, type, output FROM steps WHERE "threadId" = %s ORDER BY "createdAt"', (thread_id,)
        ).fetchall()


async def stored_steps(pg_url: str, thread_id: str, step_id: str, timeout: float = 60) -> list[tuple]:
    """The thread's stored steps once `step_id` is among them. Chainlit stores a reply in the background (after
    the PII guard has redacted it), so on a busy machine it lands a moment after the socket has shown it."""
    deadline = time.monotonic() + timeout
    while True:
        steps = thread_steps(pg_url, thread_id)
        if any(stored_id == step_id for stored_id, _, _ in steps):
            return steps
        assert time.monotonic() < deadline, f"step {step_id} was never stored; stored: {steps}"
        await asyncio.sleep(0.2)
