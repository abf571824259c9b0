"""Clients for the running product: sign-in over HTTP and a browser tab speaking Chainlit's socket.io protocol."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import httpx
import psycopg

MAX_UPLOAD_MB = 2
MAX_MESSAGE_CHARS = 4000
SESSION_HOURS = 2
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
        for event in ("new_message", "update_message", "element", "resume_thread"):
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

    async def answer_to(self, text: str, timeout: float = 120) -> dict:
        start = len(self.events)
        await self.say(text)
        return await self.wait_for(is_final_answer, timeout, start=start)

    async def close(self) -> None:
        await self.sio.disconnect()


def is_final_answer(event: str, data: dict) -> bool:
    return event == "new_message" and data.get("type") == "assistant_message" and not data.get("streaming")


def thread_steps(pg_url: str, thread_id: str) -> list[tuple]:
    with psycopg.connect(pg_url) as connection:
        return connection.execute(
            'SELECT id::text, type, output FROM steps WHERE "threadId" = %s ORDER BY "createdAt"', (thread_id,)
        ).fetchall()
