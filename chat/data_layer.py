"""Chainlit persistence for APFA: Chainlit's SQLAlchemy layer plus redaction, read access for staff and audit.

What this adds to `SQLAlchemyDataLayer`:
- Redaction: step input/output, thread names and citation text pass through `tools.pii.redact` before they
  are written, so the database only ever holds placeholders such as `<PERSON_1>`.
- Thread metadata is reduced to the keys Chainlit needs to resume a chat; Chainlit would otherwise persist the
  whole `cl.user_session` there. Dropping `is_shared` also closes Chainlit's share-link path, which does not
  check the `allow_thread_sharing` flag.
- Read access for staff: Chainlit only lets a thread's author open it (`is_thread_author` over HTTP, an
  identifier comparison on the websocket). Staff read borrowers' threads through `read_thread_as` and the
  read-only share view (`authorize_shared_view`), never through the author-only paths, and every such read
  writes an `audit_log` row first; if the audit row cannot be written the read is refused.
- Elements: only text elements (citations) are persisted, inline as `data:` URLs, so no blob store is needed;
  uploaded files are kept by the chat under `uploads_dir` instead.
- Write ownership: Chainlit writes steps and elements with an insert-or-update on ids the browser may choose.
  Every write made on behalf of a signed-in user is refused unless the row's thread is that user's own, a step id
  that already belongs to another thread is never taken over (the upsert only updates within the same thread),
  and advisors, who are read-only, write nothing at all. Refused cross-user writes are recorded in the audit log.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.data.storage_clients.base import BaseStorageClient
from chainlit.data.utils import queue_until_user_message
from chainlit.logger import logger
from sqlalchemy import text

from apfa.db import async_url
from chat.auth import STAFF_ROLES

if TYPE_CHECKING:
    from chainlit.element import Element
    from chainlit.step import StepDict
    from chainlit.types import ThreadDict

Redactor = Callable[[str], str]

PERSISTED_THREAD_METADATA = frozenset({"chat_profile", "chat_settings", "client_type", "env"})
MAX_INLINE_ELEMENT_BYTES = 512 * 1024
READABLE_AUTHOR_ROLES = frozenset({"borrower"})
READ_ONLY_ROLES = frozenset({"advisor"})
ROLE_CACHE_SECONDS = 30.0


def is_uuid(value: Any) -> bool:
    """Row ids are UUIDs; anything else a client sends cannot name a row (and would fail on PostgreSQL)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def acting_identifier() -> str | None:
    """The signed-in user on whose behalf Chainlit is writing, or None outside a user's request or socket."""
    from chainlit.context import ChainlitContextException, get_context

    try:
        user = get_context().session.user
    except ChainlitContextException:
        return None
    return user.identifier if user else None


def pii_redactor(text_to_redact: str) -> str:
    """The production redactor: Presidio through tools.pii (imported lazily to keep app import light)."""
    from tools.pii import redact

    return redact(text_to_redact).text


class ThreadAccessDenied(PermissionError):
    """The viewer may not read this thread (or it does not exist); the message is safe to show."""


@dataclass(frozen=True)
class ThreadSummary:
    id: str
    name: str | None
    author: str
    updated_at: str | None
    messages: int


class InlineTextStorage(BaseStorageClient):
    """Stores small text elements as `data:` URLs inside the element row itself.

    Chainlit's SQL layer drops every element when no storage client is configured. Citations are short text,
    and the browser fetches a `data:` URL like any other, so they survive a reload without a blob store.
    """

    async def upload_file(
        self,
        object_key: str,
        data: bytes | str,
        mime: str = "application/octet-stream",
        overwrite: bool = True,
        content_disposition: str | None = None,
    ) -> dict[str, Any]:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        if len(payload) > MAX_INLINE_ELEMENT_BYTES:
            return {}
        media_type = mime if mime.startswith("text/") else "text/plain"
        encoded = base64.b64encode(payload).decode("ascii")
        return {"object_key": None, "url": f"data:{media_type};charset=utf-8;base64,{encoded}"}

    async def delete_file(self, object_key: str) -> bool:
        return True

    async def get_read_url(self, object_key: str) -> str:
        return object_key

    async def close(self) -> None:
        return None


def _as_json(value: Any) -> Any:
    """Chainlit's raw SQL returns JSON columns as strings on SQLite (asyncpg decodes them); decode them."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


class ApfaDataLayer(SQLAlchemyDataLayer):
    def __init__(self, url: str, redactor: Redactor | None = None, user_thread_limit: int = 1000):
        self.database_url = url
        super().__init__(
            conninfo=async_url(self.database_url),
            storage_provider=InlineTextStorage(),
            user_thread_limit=user_thread_limit,
        )
        self._redactor = redactor or pii_redactor
        self._roles: dict[str, tuple[float, str | None]] = {}

    async def _redact_and_find(self, value: Any) -> tuple[Any, set[str]]:
        """The text to store and the PII types found in the original, from one pass of the guard when the layer
        uses the production redactor (a test's redactor still gets the guard's findings for classification)."""
        if not value or not isinstance(value, str):
            return value, set()
        from tools.pii import redact

        found = await asyncio.to_thread(redact, value)
        types = {entity.type for entity in found.entities}
        if self._redactor is pii_redactor:
            return found.text, types
        return await self.redact(value), types

    async def redact(self, value: str | None) -> str | None:
        if not value or not isinstance(value, str):
            return value
        return await asyncio.to_thread(self._redactor, value)

    async def _fetch(self, query: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        """Run a query and raise on failure (the inherited execute_sql swallows errors and returns None)."""
        async with self.async_session() as session, session.begin():
            result = await session.execute(text(query), parameters)
            if not result.returns_rows:
                return []
            return self.clean_result([dict(row._mapping) for row in result.fetchall()])

    async def _execute(self, query: str, parameters: dict[str, Any]) -> int:
        """Run a write and return how many rows it changed."""
        async with self.async_session() as session, session.begin():
            return (await session.execute(text(query), parameters)).rowcount

    # ----- write ownership -----

    async def _cached_role(self, identifier: str) -> str | None:
        cached = self._roles.get(identifier)
        if cached and time.monotonic() - cached[0] < ROLE_CACHE_SECONDS:
            return cached[1]
        role = await self.role_of(identifier)
        self._roles[identifier] = (time.monotonic(), role)
        return role

    async def _write_refused(self, thread_id: str | None, what: str) -> bool:
        """Whether the acting user must not write `what` into `thread_id` (refusals of others' rows are audited).

        Writes outside a user's request or socket (the CLI, migrations, tests of the layer itself) are allowed.
        """
        actor = acting_identifier()
        if actor is None:
            return False
        role = await self._cached_role(actor)
        author = await self.get_thread_author(thread_id) if thread_id else ""
        if author and author != actor:
            await self._refuse(actor, role, author, thread_id, what)
            return True
        if role in READ_ONLY_ROLES:
            logger.debug("Not storing %s for read-only %s", what, actor)
            return True
        return False

    async def _refuse(self, actor: str, role: str | None, author: str | None, thread_id: str | None, what: str):
        logger.warning("Refused %s by %s: it belongs to another user's conversation", what, actor)
        await self.record_audit(actor, role or "unknown", "write_refused", author or None, thread_id, what)

    async def _names_another_threads_row(self, table: str, row_id: str | None, thread_id: str | None, what: str):
        """Whether `row_id` already belongs to a row of another thread; such a write is refused and audited."""
        existing_thread = await self._thread_of(table, row_id)
        if not existing_thread or existing_thread == thread_id:
            return False
        actor = acting_identifier() or ""
        owner = await self.get_thread_author(existing_thread)
        await self._refuse(actor, await self._cached_role(actor), owner, thread_id, what)
        return True

    async def _thread_of(self, table: str, row_id: str | None) -> str | None:
        if not is_uuid(row_id):
            return None
        rows = await self._fetch(f'SELECT "threadId" FROM {table} WHERE "id" = :id', {"id": row_id})
        return rows[0]["threadId"] if rows else None

    # ----- writes: everything stored passes through the redactor -----

    @queue_until_user_message()
    async def create_step(self, step_dict: StepDict):
        thread_id = step_dict.get("threadId")
        what = f"step {step_dict.get('id')}"
        if await self._names_another_threads_row("steps", step_dict.get("id"), thread_id, what):
            return
        if await self._write_refused(thread_id, what):
            return
        stored: dict[str, Any] = dict(step_dict)
        from tools.pii import classify

        stored["input"], input_types = await self._redact_and_find(stored.get("input"))
        stored["output"], output_types = await self._redact_and_find(stored.get("output"))
        borrower_content = step_dict.get("type") == "user_message"
        stored["classification"] = classify(input_types | output_types, borrower_content=borrower_content).value
        stored["generation"] = None
        if thread_id is None:
            # Chainlit always stamps a step with its thread; the step upsert below needs it and fails without it
            raise ValueError(f"{what} names no thread; a step is only stored inside its conversation")
        await self.update_thread(thread_id)
        if not await self._upsert_step_in_thread(stored):
            await self._names_another_threads_row("steps", stored["id"], thread_id, what)

    async def _upsert_step_in_thread(self, stored: dict[str, Any]) -> bool:
        """Chainlit's step upsert, except that an existing id is only updated within its own thread.

        Returns False when the id already belongs to a step of another thread (nothing is written then).
        """
        stored["showInput"] = str(stored.get("showInput", "")).lower() if "showInput" in stored else None
        parameters = {
            key: value
            for key, value in stored.items()
            if value is not None and not (isinstance(value, dict) and not value)
        }
        parameters["metadata"] = json.dumps(stored.get("metadata") or {})
        parameters["generation"] = json.dumps(stored.get("generation") or {})
        columns = ", ".join(f'"{key}"' for key in parameters)
        values = ", ".join(f":{key}" for key in parameters)
        updates = ", ".join(f'"{key}" = :{key}' for key in parameters if key != "id")
        query = (
            f"INSERT INTO steps ({columns}) VALUES ({values}) "
            f'ON CONFLICT (id) DO UPDATE SET {updates} WHERE steps."threadId" = :threadId'
        )
        return await self._execute(query, parameters) > 0

    @queue_until_user_message()
    async def delete_step(self, step_id: str):
        if await self._write_refused(await self._thread_of("steps", step_id), f"deletion of step {step_id}"):
            return
        await super().delete_step(step_id)

    async def update_thread(
        self,
        thread_id: str,
        name: str | None = None,
        user_id: str | None = None,
        metadata: dict | None = None,
        tags: list[str] | None = None,
    ):
        if await self._write_refused(thread_id, f"thread {thread_id}"):
            return
        if metadata is not None:
            metadata = {key: value for key, value in metadata.items() if key in PERSISTED_THREAD_METADATA}
        await super().update_thread(
            thread_id, name=await self.redact(name), user_id=user_id, metadata=metadata, tags=tags
        )

    async def delete_thread(self, thread_id: str):
        if await self._write_refused(thread_id, f"deletion of thread {thread_id}"):
            return
        await super().delete_thread(thread_id)

    @queue_until_user_message()
    async def create_element(self, element: Element):
        if element.type != "text" or not element.for_id:
            return
        what = f"element {element.id}"
        if await self._names_another_threads_row("elements", element.id, element.thread_id, what):
            return
        if await self._write_refused(element.thread_id, what):
            return
        content = element.content
        if content is None and element.path:
            content = await asyncio.to_thread(_read_text, element.path)
        if not isinstance(content, str):
            return
        stored = copy.copy(element)
        stored.path = None
        stored.content = await self.redact(content)
        stored.mime = element.mime or "text/plain"
        await super().create_element(stored)

    @queue_until_user_message()
    async def delete_element(self, element_id: str, thread_id: str | None = None):
        """Chainlit deletes by id alone; here the element must be in the named thread and the user's own."""
        element_thread = await self._thread_of("elements", element_id)
        if element_thread is None or (thread_id and element_thread != thread_id):
            return
        if await self._write_refused(element_thread, f"deletion of element {element_id}"):
            return
        await super().delete_element(element_id, element_thread)

    async def upsert_feedback(self, feedback):
        thread_id = await self._thread_of("steps", feedback.forId) if feedback.forId else None
        if await self._write_refused(thread_id, f"rating of step {feedback.forId}"):
            raise ThreadAccessDenied("You can only rate answers in your own conversations.")
        return await super().upsert_feedback(feedback)

    # ----- reads -----

    async def get_thread_author(self, thread_id: str) -> str:
        """The author's identifier, or "" for an unknown thread (Chainlit answers 404 on a falsy author)."""
        if not is_uuid(thread_id):
            return ""
        rows = await self._fetch('SELECT "userIdentifier" FROM threads WHERE "id" = :id', {"id": thread_id})
        return (rows[0]["userIdentifier"] or "") if rows else ""

    async def get_all_user_threads(self, user_id: str | None = None, thread_id: str | None = None):
        threads = await super().get_all_user_threads(user_id=user_id, thread_id=thread_id)
        for thread in threads or []:
            thread["metadata"] = _as_json(thread.get("metadata")) or {}
            for step in thread.get("steps", []):
                step["metadata"] = _as_json(step.get("metadata")) or {}
                step["generation"] = _as_json(step.get("generation"))
        return threads

    async def feedback_denial(self, user: str, for_step: str | None, feedback_id: str | None) -> str | None:
        """Why `user` may not rate this message, or None when they may: only a thread's author rates its answers.

        Chainlit's feedback routes check sign-in only, and an upsert with an existing feedback id would
        overwrite that row, so both the message and the row being replaced must be in the user's own thread.
        """
        if not all(is_uuid(value) for value in (for_step, feedback_id) if value):
            return "That rating does not exist."
        steps = [for_step] if for_step else []
        if feedback_id:
            rows = await self._fetch('SELECT "forId" FROM feedbacks WHERE "id" = :id', {"id": feedback_id})
            steps += [row["forId"] for row in rows]
        if not steps:
            return "That rating does not exist."
        for step_id in steps:
            rows = await self._fetch(
                'SELECT t."userIdentifier" AS author FROM steps s JOIN threads t ON t."id" = s."threadId" '
                'WHERE s."id" = :id',
                {"id": step_id},
            )
            if not rows or rows[0]["author"] != user:
                return "You can only rate answers in your own conversations."
        return None

    async def role_of(self, identifier: str) -> str | None:
        rows = await self._fetch("SELECT role FROM credentials WHERE identifier = :name", {"name": identifier})
        return rows[0]["role"] if rows else None

    async def record_audit(
        self,
        actor: str,
        actor_role: str,
        action: str,
        target_user: str | None = None,
        target_thread: str | None = None,
        detail: str | None = None,
    ) -> None:
        from chat.models import utc_now

        await self._fetch(
            "INSERT INTO audit_log (at, actor, actor_role, action, target_user, target_thread, detail) "
            "VALUES (:at, :actor, :actor_role, :action, :target_user, :target_thread, :detail)",
            {
                "at": utc_now(),
                "actor": actor,
                "actor_role": actor_role,
                "action": action,
                "target_user": target_user,
                "target_thread": target_thread,
                "detail": detail,
            },
        )

    async def read_thread_as(self, thread_id: str, viewer: str, via: str = "transcript") -> ThreadDict:
        """The thread if `viewer` may read it: its author always; staff for borrowers' threads, audited.

        Raises ThreadAccessDenied otherwise, with the same message whether or not the thread exists.
        """
        denied = ThreadAccessDenied("That conversation does not exist or you are not allowed to read it.")
        author = await self.get_thread_author(thread_id)
        if not author:
            raise denied
        if author != viewer:
            viewer_role = await self.role_of(viewer)
            if viewer_role not in STAFF_ROLES or await self.role_of(author) not in READABLE_AUTHOR_ROLES:
                raise denied
            await self.record_audit(viewer, viewer_role, "read_thread", author, thread_id, f"via={via}")
        thread = await self.get_thread(thread_id)
        if thread is None:
            raise denied
        return thread

    async def authorize_shared_view(self, thread: ThreadDict, viewer_identifier: str | None) -> bool:
        """Chainlit's on_shared_thread_view hook: the read-only /share/<id> page, for staff only."""
        if not viewer_identifier or not thread.get("id"):
            return False
        try:
            await self.read_thread_as(thread["id"], viewer_identifier, via="share_view")
        except ThreadAccessDenied:
            return False
        return thread.get("userIdentifier") != viewer_identifier

    async def list_borrower_threads(self, viewer: str, limit: int = 20) -> list[ThreadSummary]:
        """Borrowers' most recently active threads, for staff; the listing itself is audited."""
        viewer_role = await self.role_of(viewer)
        if viewer_role not in STAFF_ROLES:
            raise ThreadAccessDenied("Only advisors and administrators can list borrowers' conversations.")
        await self.record_audit(viewer, viewer_role, "list_threads", detail=f"limit={limit}")
        rows = await self._fetch(
            """
            SELECT t."id" AS id, t."name" AS name, t."userIdentifier" AS author,
                   MAX(s."createdAt") AS updated_at,
                   SUM(CASE WHEN s."type" IN ('user_message', 'assistant_message') THEN 1 ELSE 0 END)
                       AS messages
            FROM threads t
            JOIN credentials c ON c.identifier = t."userIdentifier"
            LEFT JOIN steps s ON s."threadId" = t."id"
            WHERE c.role = 'borrower'
            GROUP BY t."id", t."name", t."userIdentifier", t."createdAt"
            ORDER BY MAX(s."createdAt") DESC NULLS LAST, t."createdAt" DESC
            LIMIT :limit
            """,
            {"limit": limit},
        )
        return [
            ThreadSummary(row["id"], row["name"], row["author"], row["updated_at"], int(row["messages"] or 0))
            for row in rows
        ]


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(MAX_INLINE_ELEMENT_BYTES + 1)
    except (OSError, UnicodeDecodeError) as error:
        logger.warning("Text element %s could not be read: %s", path, error)
        return None
