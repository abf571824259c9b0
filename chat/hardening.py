"""Everything APFA adds to or puts in front of Chainlit's own server to make it safe to expose.

Chainlit's settings and hooks are used where they exist (the token lifetime, `on_logout`, the password callback,
the CORS middleware's origins, the socket.io server's allowed origins). Where Chainlit has no hook, its routes are
served through checked versions registered ahead of its own (routes match in order), and two socket.io events are
validated before Chainlit sees them. All of that lives here, installed once by `install()` from chat/app.py:

- sign-in throttled per account and address (429 with the wait), a server-side session per sign-in that logout
  ends, and a token lifetime from APFA_SESSION_HOURS;
- uploads streamed to disk and refused with 413 as soon as the body passes the limit; empty files refused (400);
- malformed element requests answered 400/404 instead of Chainlit's 500;
- CORS and the websocket limited to the configured origins; a Content-Security-Policy and the usual security
  headers on every response; files served back as attachments;
- chat messages over APFA_MAX_MESSAGE_CHARS, or without a valid id, refused before anything is stored;
- Chainlit's copies of uploaded files kept under the data directory (owner-only) instead of `<app root>/.files`,
  which every Chainlit server started from the same checkout shares and deletes whole when it stops.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import re
import shutil
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import chainlit as cl
import chainlit.config
import jwt
from chainlit import server as chainlit_routes
from chainlit.auth import get_token_from_cookies
from chainlit.auth.cookie import _auth_cookie_name
from chainlit.auth.jwt import get_jwt_secret
from chainlit.config import config as chainlit_config
from chainlit.server import UserParam
from chainlit.session import WebsocketSession, ws_sessions_id
from chainlit.types import ElementRequest
from fastapi import Depends, HTTPException, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apfa.private_files import keep_files_private
from apfa.settings import Settings
from chat import auth
from chat.signin import SESSION_CLAIM, SessionStore, SignInThrottle

logger = logging.getLogger("apfa.hardening")

UPLOAD_COPY_CHUNK = 1024 * 1024
MULTIPART_OVERHEAD_BYTES = 64 * 1024
FILES_DIRECTORY_MODE = 0o700
CHAT_FILES_DIRECTORY = "chat-files"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_sessions: SessionStore | None = None


# ----- the one entry point -----


def install(settings: Settings) -> None:
    """Configure Chainlit and put APFA's checks in front of it; call once, before the server starts."""
    from ingest.jobs import QueueConfig

    lifetime_s = int(settings.session_hours * 3600)
    chainlit_config.project.user_session_timeout = lifetime_s
    global _sessions
    redis = QueueConfig.from_settings(settings)
    sessions = _sessions = SessionStore(redis.connection(), lifetime_s)
    throttle = SignInThrottle(redis.redis_url, settings.signin_limits_per_account, settings.signin_limits_per_address)
    _register_auth_callbacks(sessions, settings.effective_database_url)
    _limit_origins(settings.cors_origins)
    _serve_first(
        ("/login", _throttled_login(throttle), ["POST"]),
        ("/project/file", _streamed_upload(settings.max_upload_bytes), ["POST"]),
        ("/project/element", _checked_element_route(chainlit_routes.delete_thread_element), ["DELETE"]),
        ("/project/element", _checked_element_route(chainlit_routes.update_thread_element), ["PUT"]),
    )
    app = chainlit_routes.app
    # Starlette builds the middleware stack on the first request; a process that served requests before this
    # module was installed (a test session) gets it rebuilt with APFA's layers on the next one.
    app.middleware_stack = None
    app.add_middleware(RevokedTokenMiddleware, sessions=sessions)
    app.add_middleware(UploadLimitMiddleware, path=_path("/project/file"), max_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeadersMiddleware, content_security_policy=content_security_policy())
    _guard_socket_messages(settings.max_message_chars)
    keep_files_private(settings.data_dir)
    _keep_chainlit_files_in(settings.data_dir / CHAT_FILES_DIRECTORY)


def _keep_chainlit_files_in(directory: Path) -> None:
    """Chainlit has no setting for where it keeps uploaded files; both modules that use the path read it from
    a module constant (sessions at each use, the server when it stops and deletes the directory), so set both."""
    directory.mkdir(mode=FILES_DIRECTORY_MODE, parents=True, exist_ok=True)
    chainlit.config.FILES_DIRECTORY = directory
    chainlit_routes.FILES_DIRECTORY = directory


def installed_sessions() -> SessionStore | None:
    """The server-side session store once `install()` has run (tokens are only accepted with a live session)."""
    return _sessions


def _path(route: str) -> str:
    return f"{chainlit_config.run.root_path}{route}"


def _serve_first(*routes: tuple[str, Callable, list[str]]) -> None:
    """Register routes ahead of Chainlit's own for the same paths (Starlette matches routes in order)."""
    app = chainlit_routes.app
    for path, endpoint, methods in routes:
        app.add_api_route(_path(path), endpoint, methods=methods)
    added = [app.router.routes.pop() for _ in routes]
    app.router.routes[:0] = reversed(added)


# ----- sign-in, sessions, logout -----


def _register_auth_callbacks(sessions: SessionStore, database_url: str) -> None:
    @cl.password_auth_callback
    async def sign_in(username: str, password: str) -> cl.User | None:
        user = await auth.authenticate(username, password, url=database_url)
        if user is not None:
            user.metadata[SESSION_CLAIM] = await asyncio.to_thread(sessions.start, user.identifier)
        return user

    @cl.on_logout
    async def end_session(request: Request, response: Response) -> dict:
        claims = _claims(_request_token(request.headers.get("cookie"), request.headers.get("authorization")))
        session_id = (claims or {}).get("metadata", {}).get(SESSION_CLAIM)
        if session_id:
            await asyncio.to_thread(sessions.end, session_id)
            await _disconnect_sockets_of(session_id)
        return {"success": True}


async def _disconnect_sockets_of(session_id: str) -> None:
    """Close the open chat sockets signed in with the ended session, so logout also ends live conversations."""
    for session in list(ws_sessions_id.values()):
        claims = _claims(session.token)
        if claims and claims.get("metadata", {}).get(SESSION_CLAIM) == session_id:
            await chainlit_routes.sio.disconnect(session.socket_id)


def _throttled_login(throttle: SignInThrottle):
    async def throttled_login(
        request: Request, response: Response, form_data: Annotated[OAuth2PasswordRequestForm, Depends()]
    ):
        """Chainlit's POST /login, after counting the attempt against the account's and the address's limits."""
        address = request.client.host if request.client else "unknown"
        lockout = await asyncio.to_thread(throttle.attempt, form_data.username, address)
        if lockout is not None:
            logger.warning("Sign-in throttled for account %r from %s", form_data.username, address)
            return JSONResponse(
                {"detail": lockout.message}, status_code=429, headers={"Retry-After": str(lockout.retry_after_s)}
            )
        return await chainlit_routes.login(request, response, form_data)

    return throttled_login


def _claims(token: str | None) -> dict | None:
    if not token:
        return None
    try:
        return jwt.decode(token, get_jwt_secret() or "", algorithms=["HS256"])
    except jwt.PyJWTError:
        return None


def _request_token(cookie_header: str | None, authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    if cookie_header:
        return get_token_from_cookies(cookie_parser(cookie_header))
    return None


class RevokedTokenMiddleware:
    """Removes the sign-in token from requests whose server-side session has ended (logout) or never existed.

    Such a request then reaches Chainlit unauthenticated: API calls get 401, the socket is refused, pages still
    load (and show the sign-in form).
    """

    def __init__(self, app: ASGIApp, sessions: SessionStore) -> None:
        self.app, self.sessions = app, sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            headers = {name: value for name, value in scope["headers"]}
            cookie = headers.get(b"cookie", b"").decode("latin-1")
            authorization = headers.get(b"authorization", b"").decode("latin-1")
            claims = _claims(_request_token(cookie, authorization))
            if claims is not None and not await asyncio.to_thread(
                self.sessions.is_live, claims.get("metadata", {}).get(SESSION_CLAIM), claims.get("identifier", "")
            ):
                scope = dict(scope, headers=_without_tokens(scope["headers"]))
        await self.app(scope, receive, send)


def _without_tokens(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers minus Authorization and the token cookie (Chainlit splits long tokens into numbered cookies)."""
    kept = []
    for name, value in headers:
        if name == b"authorization":
            continue
        if name == b"cookie":
            parts = [part.strip() for part in value.decode("latin-1").split(";")]
            parts = [part for part in parts if not re.match(rf"{_auth_cookie_name}(_\d+)?=", part)]
            value = "; ".join(parts).encode("latin-1")
        kept.append((name, value))
    return kept


# ----- uploads -----


class UploadLimitMiddleware:
    """Refuses an upload with 413 as soon as its body passes the limit, before Chainlit or Starlette store it."""

    def __init__(self, app: ASGIApp, path: str, max_bytes: int) -> None:
        self.app, self.path, self.max_bytes = app, path, max_bytes
        self.budget = max_bytes + MULTIPART_OVERHEAD_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.budget:
            await self._refuse(send)
            return
        received, over = 0, False

        async def counting_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.budget:
                    over = True
                    raise UploadTooLarge
            return message

        async def send_unless_over(message: Message) -> None:
            if not over:
                await send(message)

        with contextlib.suppress(UploadTooLarge):
            await self.app(scope, counting_receive, send_unless_over)
        if over:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse({"detail": upload_limit_message(self.max_bytes)}, status_code=413)
        await response({"type": "http"}, _no_body, send)


class UploadTooLarge(Exception):
    """The request body passed the upload limit."""


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def upload_limit_message(max_bytes: int) -> str:
    return f"The file is larger than the upload limit of {max_bytes // (1024 * 1024)} MB."


def _streamed_upload(max_bytes: int):
    async def streamed_upload(
        current_user: UserParam, session_id: str, file: UploadFile, ask_parent_id: str | None = None
    ):
        """Chainlit's POST /project/file, copying the upload to disk in pieces instead of reading it whole."""
        try:
            session = WebsocketSession.get_by_id(session_id)
            if not session:
                raise HTTPException(404, "That chat session does not exist; reload the page and attach again.")
            if current_user and (not session.user or session.user.identifier != current_user.identifier):
                raise HTTPException(401, "You are not authorized to upload files for this session.")
            spec = session.files_spec.get(ask_parent_id, None)
            if not spec and ask_parent_id:
                raise HTTPException(404, "The message asking for this file no longer exists.")
            name = file.filename or ""
            if not name:
                raise HTTPException(400, "The upload has no file name.")
            try:
                chainlit_routes.validate_file_upload(file, spec=spec)
            except ValueError as error:
                raise HTTPException(400, f"“{name}” was refused: {error}.") from error
            size = file.size if file.size is not None else _stream_size(file)
            if size == 0:
                raise HTTPException(400, f"“{name}” is empty, so there is nothing to upload.")
            if size > max_bytes:
                raise HTTPException(413, upload_limit_message(max_bytes))
            return JSONResponse(await asyncio.to_thread(_keep_in_session, session, file, name))
        finally:
            await file.close()

    return streamed_upload


def _stream_size(file: UploadFile) -> int:
    file.file.seek(0, 2)
    size = file.file.tell()
    file.file.seek(0)
    return size


def _keep_in_session(session: WebsocketSession, file: UploadFile, name: str) -> dict[str, str]:
    """What Chainlit's `persist_file` does, but copied in pieces from Starlette's spooled temporary file."""
    session.files_dir.mkdir(mode=FILES_DIRECTORY_MODE, parents=True, exist_ok=True)
    file_id = str(uuid.uuid4())
    path = session.files_dir / file_id
    file.file.seek(0)
    with open(path, "wb") as destination:
        shutil.copyfileobj(file.file, destination, UPLOAD_COPY_CHUNK)
    mime = file.content_type or "application/octet-stream"
    session.files[file_id] = {"id": file_id, "path": path, "name": name, "type": mime, "size": path.stat().st_size}
    return {"id": file_id}


# ----- element routes -----


def _checked_element_route(chainlit_route: Callable[..., Awaitable[Any]]):
    async def checked_element_route(payload: ElementRequest, current_user: UserParam):
        """Chainlit's element route, after the checks it skips (it answers 500 to a missing session or type)."""
        element = payload.element
        if not isinstance(element.get("type"), str) or not isinstance(element.get("id"), str):
            raise HTTPException(400, "The element needs a string `id` and `type`.")
        session = WebsocketSession.get_by_id(payload.sessionId)
        if session is None:
            raise HTTPException(404, "That chat session does not exist.")
        if not current_user or not session.user or session.user.identifier != current_user.identifier:
            raise HTTPException(401, "You are not authorized to change elements of this session.")
        if element["type"] != "custom":
            raise HTTPException(400, "Only custom elements can be changed or removed.")
        return await chainlit_route(payload, current_user)

    return checked_element_route


# ----- origins and headers -----


def _limit_origins(origins: list[str]) -> None:
    """Chainlit's CORS middleware and its socket.io server take their origins from APFA's settings."""
    cors = [entry for entry in chainlit_routes.app.user_middleware if entry.cls is CORSMiddleware]
    if len(cors) != 1:
        raise RuntimeError("Chainlit's CORS middleware was not found; chat/hardening.py needs updating")
    cors[0].kwargs["allow_origins"] = list(origins)
    chainlit_config.project.allow_origins = list(origins)
    chainlit_routes.sio.eio.cors_allowed_origins = list(origins)


def content_security_policy() -> str:
    """Same-origin scripts plus Chainlit's two inline scripts by hash; styles may be inline (the UI sets them)."""
    template = chainlit_routes.get_html_template(chainlit_config.run.root_path)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(template)
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}",
            "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com https://cdn.jsdelivr.net",
            "font-src 'self' data: https://fonts.gstatic.com https://cdn.jsdelivr.net",
            "img-src 'self' data: blob:",
            "media-src 'self' data: blob:",
            "connect-src 'self' data: blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Security headers on every HTTP response; files from /project/file are served as attachments."""

    def __init__(self, app: ASGIApp, content_security_policy: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", content_security_policy.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        self.files_prefix = _path("/project/file/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_file = scope["path"].startswith(self.files_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(name, value) for name, value in self.headers if name not in present]
                if is_file:
                    added.append((b"content-disposition", b"attachment"))
                    message = dict(message, headers=[h for h in message["headers"] if h[0] != b"content-disposition"])
                message = dict(message, headers=list(message.get("headers", [])) + added)
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ----- socket.io messages -----


def _guard_socket_messages(max_chars: int) -> None:
    """Validate `client_message` and `edit_message` before Chainlit's handlers store anything."""
    handlers = chainlit_routes.sio.handlers["/"]
    for event in ("client_message", "edit_message"):
        handlers[event] = _checked_message_handler(handlers[event], max_chars)


def _checked_message_handler(chainlit_handler: Callable[..., Awaitable[Any]], max_chars: int):
    async def checked_message(sid: str, payload: Any):
        refusal = message_refusal(payload, max_chars)
        if refusal is None:
            # The browser only ever sends the user's own words: it does not choose the step type or metadata.
            payload["message"].update(type="user_message", metadata={})
            payload["message"].setdefault("createdAt", datetime.now(UTC).isoformat())
            return await chainlit_handler(sid, payload)
        session = WebsocketSession.get(sid)
        if session is None:
            return None
        from chainlit.context import init_ws_context

        init_ws_context(session)
        await cl.Message(content=refusal, metadata={"apfa_kind": "refusal"}).send()
        return None

    return checked_message


def message_refusal(payload: Any, max_chars: int) -> str | None:
    """Why a chat message from the browser cannot be accepted, or None. The message is shown to the user."""
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("output", ""), str):
        return "That message could not be read; please send it again."
    try:
        valid_id = uuid.UUID(str(message.get("id"))).version == 4
    except ValueError:
        valid_id = False
    references = payload.get("fileReferences") or []
    if not valid_id or not isinstance(references, list):
        return "That message could not be read; please send it again."
    if not all(isinstance(reference, dict) and isinstance(reference.get("id"), str) for reference in references):
        return "The attached files could not be read; please attach them again."
    length = len(message.get("output") or "")
    if length > max_chars:
        return (
            f"Your message is {length:,} characters long; the limit is {max_chars:,}. "
            "Please shorten it, or attach long text as a document instead."
        )
    return None
