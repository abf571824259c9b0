"""PII never at rest, in prompts or in shared vectors.

A borrower uploads a document full of identifiers to the shared knowledge base (through the real RQ queue and an
in-process worker) and asks a question full of identifiers (through the chat's own graph); the turn is stored the
way the chat stores it (ApfaDataLayer on PostgreSQL, production redactor). Then one search looks for every original
value in every database row, every log line, every LLM prompt, every RQ job payload and every index file.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import zlib

import pytest
from docfactory import current_queue, index_file
from fakemodels import RecordingGroundedModel
from sqlalchemy import text
from turns import context_for

from agents.graph import build_graph
from agents.turn import run_turn
from apfa.db import session_scope
from apfa.settings import Settings
from ingest.jobs import enqueue_ingest, run_worker
from tools import pii

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

NAME, SSN, PHONE, EMAIL = "Maria Gonzalez", "512-44-8830", "(614) 555-0192", "maria.g.lopez@gmail.com"
LOAN, ACCOUNT, CARD = "7701234598", "000123456789", "4111 1111 1111 1111"
ORIGINALS = [NAME, SSN, PHONE, EMAIL, LOAN, ACCOUNT, CARD]
DOCUMENT = (
    "# Escrow accounts\n\n"
    f"Borrower file for {NAME}, SSN {SSN}, phone {PHONE}, e-mail {EMAIL}, loan number {LOAN}, checking "
    f"account {ACCOUNT}.\n\nAn escrow account holds money for property taxes and insurance. "
    "Your servicer pays those bills from the escrow account when they are due.\n"
)
QUESTION = (
    f"My name is {NAME}, my ssn is {SSN} and my loan number is {LOAN}; charge the fee to card {CARD}. "
    "What does an escrow account hold money for?"
)
TABLES = ("users", "threads", "steps", "elements", "feedbacks", "audit_log", "credentials")


@pytest.fixture
def redacting_process():
    """What every `apfa` process and the chat do at start: log redaction (the worker also gets the redactor)."""
    factory = logging.getLogRecordFactory()
    pii.install_log_redaction()
    yield
    logging.setLogRecordFactory(factory)


def _job_payloads(queue_name: str) -> list[bytes]:
    connection = current_queue().connection()
    payloads = []
    for key in connection.scan_iter("rq:job:*"):
        if connection.type(key) != b"hash":
            continue
        job = connection.hgetall(key)
        if queue_name.encode() not in job.get(b"origin", b""):
            continue
        for field, value in job.items():
            payloads.append(field + b"=" + (zlib.decompress(value) if field == b"data" else value))
    return payloads


def _database_rows(url: str) -> list[str]:
    with session_scope(url) as session:
        return [
            row[0]
            for table in TABLES
            for row in session.execute(text(f"SELECT row_to_json(t)::text FROM {table} t"))  # noqa: S608
        ]


async def _store_turn(url: str, owner_identifier: str, question: str, answer: str) -> str:
    """What the chat stores for one turn: the thread named after the question, the question and the answer."""
    import chainlit as cl
    from chainlit.context import init_http_context

    from chat.data_layer import ApfaDataLayer

    init_http_context()
    layer = ApfaDataLayer(url=url)
    try:
        user = await layer.create_user(cl.User(identifier=owner_identifier, metadata={"role": "borrower"}))
        thread_id = str(uuid.uuid4())
        await layer.update_thread(thread_id, name=question, user_id=user.id)
        for message in (
            cl.Message(content=question, type="user_message", author=owner_identifier),
            cl.Message(content=answer),
        ):
            message.thread_id = thread_id
            await layer.create_step(message.to_dict())
    finally:
        await layer.engine.dispose()
    return thread_id


def test_no_raw_value_in_database_logs_prompts_jobs_or_index(
    redacting_process, queue_env, data_dir, pg_url, unique_name, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    upload = tmp_path / "escrow-file.md"
    upload.write_text(DOCUMENT, encoding="utf-8")
    enqueue_ingest(current_queue(), upload, "escrow-file.md", "shared", "alice")
    payloads = _job_payloads(queue_env)
    assert payloads, "the job was queued"
    settings = Settings()
    run_worker(settings, burst=True, in_process=True, shared_redactor=pii.redact_text)

    model = RecordingGroundedModel()
    result = asyncio.run(run_turn(QUESTION, user="alice", graph=build_graph(model), context=context_for(settings)))
    assert "property taxes and insurance" in result.answer
    logging.getLogger("apfa.chat").warning("Slow answer for question %r", QUESTION)
    thread_id = asyncio.run(_store_turn(pg_url, unique_name("alice"), QUESTION, result.answer))

    index_files = [path for path in data_dir.rglob("*") if path.is_file()]
    chunk_texts = b"".join(path.read_bytes() for path in index_files)
    assert b"<US_SSN_1>" in chunk_texts, "the shared document was indexed, redacted"
    places = {
        "database rows": "\n".join(_database_rows(pg_url)),
        "log lines": caplog.text,
        "LLM prompts": "\n".join(model.prompts),
        "RQ job payloads": b"\n".join(payloads + _job_payloads(queue_env)).decode("utf-8", "replace"),
        "index files": chunk_texts.decode("utf-8", "replace"),
    }
    assert model.prompts and "Slow answer" in caplog.text
    leaks = [(where, value) for where, haystack in places.items() for value in ORIGINALS if value in haystack]
    assert leaks == []

    with session_scope(pg_url) as session:
        classes = dict(
            session.execute(
                text('SELECT type, classification FROM steps WHERE "threadId" = :t'), {"t": thread_id}
            ).all()
        )
    assert classes == {"user_message": "RESTRICTED", "assistant_message": "PUBLIC"}


def test_a_private_document_is_indexed_whole_but_only_for_its_owner(redacting_process, data_dir, tmp_path):
    from tools.retrieval import Retriever

    settings = Settings(APFA_DATA_DIR=str(data_dir))
    upload = tmp_path / "my-escrow.md"
    upload.write_text(DOCUMENT, encoding="utf-8")
    index_file(upload, scope="private", owner="alice", settings=settings)
    retrieve = Retriever.from_settings(settings)
    own = retrieve("escrow account property taxes", user="alice")
    assert own and any(SSN in chunk.text for chunk in own)
    assert not [chunk for chunk in retrieve("escrow account property taxes", user="bob") if SSN in chunk.text]


def test_redacting_a_log_record_keeps_amounts(redacting_process, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("apfa.test").info("borrower %s wants %s at %s", NAME, 350000, "6.5%")
    assert caplog.records[-1].getMessage() == "borrower <PERSON_1> wants 350000 at 6.5%"
