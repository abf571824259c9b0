"""The Chainlit app: sign-in, cited answers, document uploads and advisors' read-only review.

Run with `apfa run`, or `chainlit run chat/app.py` from the project root (where `.chainlit/config.toml` is).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import chainlit as cl
from chainlit import server as chainlit_routes
from chainlit.config import config as chainlit_config
from chainlit.data import get_data_layer
from chainlit.server import UserParam
from chainlit.types import DeleteFeedbackRequest, ThreadDict, UpdateFeedbackRequest
from fastapi import HTTPException, Request

from apfa.settings import get_settings
from chat import auth, hardening
from chat.calculation_view import (
    calculation_elements,
    restore_calculation_elements,
    scenario_from_steps,
    scenario_metadata,
)
from chat.data_layer import ApfaDataLayer, ThreadAccessDenied, ThreadSummary
from chat.display import readable_placeholders
from chat.history import history_from_steps, is_command
from chat.loan_estimates_view import (
    ADVICE_QUERY,
    UploadedEstimate,
    comparison_text,
    read_if_loan_estimate,
    shopping_advice,
)
from chat.uploads import (
    UploadRejected,
    describe_progress,
    scope_for_role,
    store_upload,
    validate_upload,
)
from ingest.jobs import QueueConfig
from ingest.progress import JobProgress
from tools.loan_estimate import comparison_table
from tools.retrieval import Retriever

if TYPE_CHECKING:
    from agents.configuration import TurnContext
    from agents.graph import TurnGraph

logger = logging.getLogger("apfa.chat")
settings = get_settings()
ingest_queue = QueueConfig.from_settings(settings)

PROGRESS_INTERVAL_S = 0.5
MAX_HISTORY_MESSAGES = 20
CANCEL_INGEST_ACTION = "cancel_ingest"
BORROWER_LABEL = {"user": "Borrower", "assistant": "APFA"}

# Chainlit signs its login tokens with CHAINLIT_AUTH_SECRET and will not start without it; take it from the
# settings (which refuse the development placeholder in production).
os.environ.setdefault("CHAINLIT_AUTH_SECRET", settings.session_secret())
if chainlit_config.features.spontaneous_file_upload is not None:
    chainlit_config.features.spontaneous_file_upload.max_size_mb = settings.max_upload_mb

hardening.install(settings)

_background_tasks: set[asyncio.Task] = set()


def warm_up_models() -> None:
    """Load the PII engine and the embedder once, off the event loop, before the first question needs them.

    Loading them inside a turn would stall every open websocket for tens of seconds on a small machine.
    """
    from kb.embedding import get_embedder
    from tools.pii import warm_up

    started = time.monotonic()
    try:
        warm_up()
        get_embedder(settings.embed_precision).embed_query("How do I cancel private mortgage insurance?")
    except Exception:
        logger.exception("Model warm-up failed; the first question will load the models instead")
        return
    logger.info("Models warmed up in %.1f s", time.monotonic() - started)


@cl.on_app_startup
async def start_warm_up() -> None:
    from tools.pii import install_log_redaction

    install_log_redaction()
    task = asyncio.create_task(asyncio.to_thread(warm_up_models))
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)


@cl.data_layer
def make_data_layer() -> ApfaDataLayer:
    return ApfaDataLayer(settings.effective_database_url)


def data_layer() -> ApfaDataLayer:
    layer = get_data_layer()
    if not isinstance(layer, ApfaDataLayer):
        raise RuntimeError("chat/app.py must run with APFA's data layer (start it with `apfa run`)")
    return layer


def identifier_of(user) -> str:
    return user.identifier if user else ""


async def rate_as_author(request: Request, update: UpdateFeedbackRequest, current_user: UserParam):
    """Chainlit's PUT /feedback checks sign-in only; a rating is the thread author's alone to set."""
    denial = await data_layer().feedback_denial(identifier_of(current_user), update.feedback.forId, update.feedback.id)
    if denial:
        raise HTTPException(status_code=403, detail=denial)
    return await chainlit_routes.update_feedback(request, update, current_user)


async def clear_rating_as_author(request: Request, payload: DeleteFeedbackRequest, current_user: UserParam):
    """Chainlit's DELETE /feedback checks sign-in only; a rating is the thread author's alone to clear."""
    denial = await data_layer().feedback_denial(identifier_of(current_user), None, payload.feedbackId)
    if denial:
        raise HTTPException(status_code=403, detail=denial)
    return await chainlit_routes.delete_feedback(request, payload, current_user)


def guard_feedback_routes() -> None:
    """Serve /feedback through the author checks above: routes match in order, so ours go first."""
    path = f"{chainlit_config.run.root_path}/feedback"
    routes = chainlit_routes.app.router.routes
    if any(getattr(route, "endpoint", None) is rate_as_author for route in routes):
        return
    chainlit_routes.app.add_api_route(path, rate_as_author, methods=["PUT"])
    chainlit_routes.app.add_api_route(path, clear_rating_as_author, methods=["DELETE"])
    routes[:0] = [routes.pop(), routes.pop()]


guard_feedback_routes()


@cl.on_shared_thread_view
async def allow_staff_to_read(thread: ThreadDict, viewer: cl.User | None) -> bool:
    """Chainlit's read-only /share/<thread_id> page: staff may open borrowers' threads (audited)."""
    return await data_layer().authorize_shared_view(thread, viewer.identifier if viewer else None)


def current_identifier() -> str:
    user = cl.user_session.get("user")
    return user.identifier if user else ""


async def current_role() -> str:
    """The role from the credentials table (authoritative), cached for the session."""
    role = cl.user_session.get("role")
    if role is None:
        account = await asyncio.to_thread(auth.get_account, current_identifier(), url=settings.effective_database_url)
        role = account.role if account else "borrower"
        cl.user_session.set("role", role)
    return role


def welcome_text(role: str) -> str:
    from ingest.parsing import supported_types_text

    visibility = "visible only to you" if role == "borrower" else "shared with every user"
    lines = [
        "Hello! I'm **APFA**, a loan-advice assistant. I can:",
        "- answer questions about mortgages, auto and personal loans, refinancing, rates, fees and "
        "borrowers' rights, citing the documents I used as **[1] Title, p. 3**;",
        "- work out loan figures exactly and show the work: payments (fixed, interest-only, ARM resets), total "
        "interest and schedules, balances, DTI, how much you can borrow, LTV, when PMI ends, extra payments, "
        "points and refinance break-even, APR and cash to close; follow-ups such as “what about 15 years?” work;",
        "- compare Loan Estimates: attach two or more of the lenders' forms (PDF) and I'll put them side by side;",
        f"- read documents you attach (**{supported_types_text()}**, up to {settings.max_upload_mb} MB "
        f"each) and answer from them once they are indexed ({visibility}).",
        "",
        "Personal details such as names, account or phone numbers are removed before your question "
        "reaches the model, and saved conversations keep placeholders such as `<PERSON_1>` instead.",
    ]
    if role in auth.STAFF_ROLES:
        lines += [
            "",
            "**Advisor commands:** `/threads` lists borrowers' recent conversations; "
            "`/transcript <thread id>` shows one read-only. Every view is recorded in the audit log.",
        ]
    return "\n".join(lines)


@cl.on_chat_start
async def start_chat() -> None:
    cl.user_session.set("history", [])
    cl.user_session.set("ingest_jobs", {})
    role = await current_role()
    await cl.Message(content=welcome_text(role), metadata={"apfa_kind": "welcome"}).send()


@cl.on_chat_resume
async def resume_chat(thread: ThreadDict) -> None:
    """Chainlit has already checked that this user wrote the thread; restore its memory from the steps."""
    cl.user_session.set("history", history_from_steps(thread.get("steps") or [])[-MAX_HISTORY_MESSAGES:])
    cl.user_session.set("scenario", scenario_from_steps(thread.get("steps") or []))
    await restore_calculation_elements(thread)  # the amortization chart and CSV under the replies that showed them
    cl.user_session.set("ingest_jobs", {})
    await current_role()


@cl.on_message
async def handle_message(message: cl.Message) -> None:
    """Any failure is logged in full and shown to the user as a plain apology, never as an exception name."""
    try:
        await respond(message)
    except Exception:
        logger.exception("Handling a message failed")
        await cl.Message(content="Sorry, something went wrong on our side. Please try again.").send()


async def respond(message: cl.Message) -> None:
    read_estimate = False
    for element in message.elements or []:
        path = getattr(element, "path", None)
        if path:
            read_estimate |= await keep_loan_estimate(element.name, Path(path))
            await start_ingest(element.name, Path(path))
    if read_estimate:
        await show_loan_estimates()
    question = (message.content or "").strip()
    if not question:
        return
    if is_command(question):
        await run_command(question)
        return
    await answer(question)


@functools.cache
def knowledge_base() -> Retriever:
    """The process's knowledge-base search, from the settings read at start (the embedder loads in warm-up)."""
    return Retriever.from_settings(settings)


@functools.cache
def turn_graph() -> TurnGraph:
    from agents.graph import build_turn_graph

    return build_turn_graph(settings)


@functools.cache
def turn_context() -> TurnContext:
    from agents.configuration import TurnContext

    return TurnContext.over(knowledge_base(), min_score=settings.retrieval_min_score)


async def answer(question: str) -> None:
    from agents.turn import TurnResult, stream_turn

    history: list[tuple[str, str]] = cl.user_session.get("history") or []
    reply = cl.Message(content="")
    result: TurnResult | None = None
    try:
        scenario = cl.user_session.get("scenario")
        async for piece in stream_turn(
            question,
            current_identifier(),
            list(history),
            graph=turn_graph(),
            context=turn_context(),
            scenario=scenario,
        ):
            if isinstance(piece, str):
                await reply.stream_token(readable_placeholders(piece))
            else:
                result = piece
    except Exception:
        logger.exception("Answering failed")
        reply.content += "\n\nSorry, I could not finish this answer. Please try again."
        await reply.send()
        return
    if result is None:
        await reply.send()
        return
    reply.content = readable_placeholders(result.answer)
    reply.elements = citation_elements(result.citations) + calculation_elements(result.calculation_result)
    reply.metadata = {**(reply.metadata or {}), **scenario_metadata(result.scenario, result.calculation_result)}
    cl.user_session.set("scenario", result.scenario)
    await reply.send()
    redacted_question = result.redacted_question or await redacted(question)
    history.extend([("user", redacted_question), ("assistant", result.answer)])
    cl.user_session.set("history", history[-MAX_HISTORY_MESSAGES:])


async def redacted(text: str) -> str:
    from tools.pii import redact

    return (await asyncio.to_thread(redact, text)).text


def citation_name(citation: Any) -> str:
    name = f"[{citation.n}] {citation.title}"
    return f"{name}, p. {citation.page}" if citation.page else name


def citation_elements(citations: list[Any]) -> list[cl.Text]:
    return [
        cl.Text(name=citation_name(citation), content=citation.excerpt or citation.title, display="inline")
        for citation in citations
    ]


# ----- Loan Estimates -----

MAX_COMPARED_ESTIMATES = 4


async def keep_loan_estimate(filename: str, path: Path) -> bool:
    """Read an attached Loan Estimate (before it is queued for indexing) and keep it for this session."""
    estimate = await asyncio.to_thread(read_if_loan_estimate, path, filename, settings.max_upload_bytes)
    if estimate is None:
        return False
    kept: list[UploadedEstimate] = cl.user_session.get("loan_estimates") or []
    kept.append(UploadedEstimate(filename, estimate))
    cl.user_session.set("loan_estimates", kept[-MAX_COMPARED_ESTIMATES:])
    return True


async def show_loan_estimates() -> None:
    """One Loan Estimate: its fields; two or more: side by side with the differences and cited CFPB advice."""
    from agents.state import Citation

    kept: list[UploadedEstimate] = cl.user_session.get("loan_estimates") or []
    if len(kept) == 1:
        await cl.Message(
            content=f"I read your Loan Estimate from **{kept[0].name}**. Attach another one to compare them.\n\n"
            + comparison_table([kept[0].estimate], [kept[0].name]),
            metadata={"apfa_kind": "loan_estimates"},
        ).send()
        return
    chunks = await asyncio.to_thread(knowledge_base(), ADVICE_QUERY, current_identifier())
    cited = sorted({number for number, _ in shopping_advice(chunks)})
    citations = [
        Citation(n, chunks[n - 1].doc_id, chunks[n - 1].title, chunks[n - 1].page, chunks[n - 1].text[:320])
        for n in cited
    ]
    await cl.Message(
        content=comparison_text(kept, chunks),
        elements=citation_elements(citations),
        metadata={"apfa_kind": "loan_estimates"},
    ).send()


# ----- uploads -----


async def start_ingest(filename: str, path: Path) -> None:
    """Validate, keep and queue one attached file, then follow the job in a progress message."""
    from ingest.parsing import ArchiveLimits

    upload_kind = {"apfa_kind": "upload"}
    try:
        limits = ArchiveLimits.from_settings(settings)
        await asyncio.to_thread(validate_upload, path, filename, settings.max_upload_bytes, limits)
        stored = await asyncio.to_thread(store_upload, path, filename, settings.uploads_dir)
    except UploadRejected as rejection:
        await cl.Message(content=str(rejection), metadata=upload_kind).send()
        return
    progress = cl.Message(content=f"Received “{filename}”, queuing it for indexing…", metadata=upload_kind)
    await progress.send()
    from ingest.jobs import QueueUnavailableError, enqueue_ingest

    role = await current_role()
    try:
        job_id = await asyncio.to_thread(
            enqueue_ingest, ingest_queue, str(stored.path), filename, scope_for_role(role), current_identifier()
        )
    except QueueUnavailableError as error:
        progress.content = f"{error} “{filename}” is saved; attach it again once the background worker is running."
        await progress.update()
        return
    jobs: dict[str, str] = cl.user_session.get("ingest_jobs") or {}
    jobs[job_id] = filename
    cl.user_session.set("ingest_jobs", jobs)
    progress.actions = [cl.Action(name=CANCEL_INGEST_ACTION, payload={"job_id": job_id}, label="Cancel")]
    await progress.update()
    task = asyncio.create_task(follow_ingest(job_id, filename, progress))
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)


async def follow_ingest(job_id: str, filename: str, progress: cl.Message) -> None:
    """Refresh the progress message every 0.5 s until the job finishes (the user can keep chatting)."""
    from ingest.jobs import QueueUnavailableError, job_progress

    deadline = asyncio.get_running_loop().time() + settings.job_timeout_s + 60
    shown = progress.content
    while asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(PROGRESS_INTERVAL_S)
        try:
            state = await asyncio.to_thread(job_progress, ingest_queue, job_id)
        except QueueUnavailableError as error:
            state = JobProgress.failure(job_id, str(error))
        text = describe_progress(state, filename)
        finished = state.finished
        if text != shown or finished:
            progress.content = shown = text
            if finished:
                await progress.remove_actions()
                progress.actions = []
            await progress.update()
        if finished:
            return


@cl.action_callback(CANCEL_INGEST_ACTION)
async def cancel_ingest(action: cl.Action) -> None:
    job_id = action.payload.get("job_id")
    jobs: dict[str, str] = cl.user_session.get("ingest_jobs") or {}
    if job_id not in jobs:
        return
    from ingest.jobs import QueueUnavailableError, cancel_job

    try:
        await asyncio.to_thread(cancel_job, ingest_queue, job_id)
    except QueueUnavailableError as error:
        await cl.Message(content=str(error), metadata={"apfa_kind": "upload"}).send()
        return
    await action.remove()


# ----- commands -----


async def run_command(text: str) -> None:
    command, _, argument = text.strip().partition(" ")
    role = await current_role()
    reply_kind = {"apfa_kind": "command"}
    if command == "/help":
        await cl.Message(content=welcome_text(role), metadata=reply_kind).send()
        return
    if role not in auth.STAFF_ROLES:
        await cl.Message(content=f"`{command}` is available to advisors only.", metadata=reply_kind).send()
        return
    try:
        if command == "/threads":
            limit = int(argument) if argument.strip().isdigit() else 20
            summaries = await data_layer().list_borrower_threads(current_identifier(), limit=min(limit, 100))
            content = threads_table(summaries)
        else:
            thread_id = argument.strip()
            if not thread_id:
                content = "Usage: `/transcript <thread id>` (find ids with `/threads`)."
            else:
                thread = await data_layer().read_thread_as(thread_id, current_identifier(), via="/transcript")
                content = transcript_text(thread)
    except ThreadAccessDenied as denial:
        content = str(denial)
    await cl.Message(content=content, metadata=reply_kind).send()


def _timestamp(value: str | None) -> str:
    """`2026-01-01T10:00:08.000Z` as `2026-01-01 10:00 UTC` (Chainlit stores UTC ISO strings)."""
    return f"{value[:16].replace('T', ' ')} UTC" if value else "–"


def _cell(value: str | None, limit: int = 60) -> str:
    value = " ".join((value or "").split()).replace("|", "\\|")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def threads_table(summaries: list[ThreadSummary]) -> str:
    if not summaries:
        return "No borrower conversations yet."
    rows = [
        "Borrowers' recent conversations (read-only; opening one is recorded in the audit log):",
        "",
        "| Last activity | Borrower | Conversation | Messages | Open |",
        "| --- | --- | --- | --- | --- |",
    ]
    for summary in summaries:
        rows.append(
            f"| {_timestamp(summary.updated_at)} | {_cell(summary.author)} | {_cell(summary.name)} "
            f"| {summary.messages} | [view](/share/{summary.id}) · `/transcript {summary.id}` |"
        )
    return "\n".join(rows)


def transcript_text(thread: ThreadDict) -> str:
    title = _cell(thread.get("name"), 80) or "untitled"
    lines = [
        f"**Transcript: {title}**, borrower `{thread.get('userIdentifier')}`, "
        f"thread `{thread.get('id')}` (read-only; personal details appear as placeholders).",
        "",
    ]
    steps = sorted(thread.get("steps") or [], key=lambda step: step.get("createdAt") or "")
    for step in steps:
        speaker = {"user_message": "user", "assistant_message": "assistant"}.get(step.get("type") or "")
        stored_metadata = step.get("metadata")
        metadata = stored_metadata if isinstance(stored_metadata, dict) else {}
        text = (step.get("output") or "").strip()
        if speaker is None or metadata.get("apfa_kind") == "welcome" or not text:
            continue
        lines.append(f"**{BORROWER_LABEL[speaker]}** ({_timestamp(step.get('createdAt'))}):")
        lines.append("> " + text.replace("\n", "\n> "))
        lines.append("")
    if len(lines) == 2:
        lines.append("_This conversation has no messages yet._")
    return "\n".join(lines)
