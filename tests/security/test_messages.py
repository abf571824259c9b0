"""Finding 7: overlong messages are refused unstored, malformed ones never show internal error names, answers show
words instead of redaction placeholders."""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx
import psycopg
import pytest
from liveproduct import MAX_MESSAGE_CHARS, Tab, is_final_answer, sign_in

from chat.display import readable_placeholders

INTERNAL_NAMES = re.compile(r"Error\b|Exception|Traceback|KeyError|TypeError|'createdAt'|NoneType")


@pytest.mark.integration
@pytest.mark.timeout(600)
async def test_overlong_and_malformed_messages_get_plain_refusals_and_store_nothing(product, unique_account):
    base, pg_url = product["base"], product["pg_url"]
    long_text = "Please read this. " * (MAX_MESSAGE_CHARS // 18) + "x" * 40
    async with httpx.AsyncClient(timeout=60) as client:
        tab = await Tab(base, await sign_in(client, base, unique_account)).connect()
        await tab.wait_for(lambda event, data: event == "new_message")
        start = len(tab.events)
        await tab.say(long_text)
        refusal = await tab.wait_for(lambda event, data: "limit" in data.get("output", ""), start=start)
        assert f"{len(long_text):,} characters long; the limit is {MAX_MESSAGE_CHARS:,}" in refusal["output"]

        malformed = [
            {"message": {"id": str(uuid.uuid4()), "output": "What is escrow?", "type": "user_message"}},
            {"message": {"id": "not-a-uuid", "output": "hello", "createdAt": "2026-01-01T00:00:00Z"}},
            {"message": "just a string"},
            {"message": {"id": str(uuid.uuid4()), "output": "hi", "createdAt": "x"}, "fileReferences": ["abc"]},
            {"message": {"id": str(uuid.uuid4()), "output": 42, "createdAt": "2026-01-01T00:00:00Z"}},
        ]
        for payload in malformed:
            await tab.sio.emit("client_message", payload)
        await tab.sio.emit("edit_message", {"message": {"id": str(uuid.uuid4()), "output": "edited"}})
        await tab.wait_for(is_final_answer, start=start)
        await asyncio.sleep(2)
        await tab.close()
    shown = [data.get("output", "") for event, data in tab.events[start:] if isinstance(data, dict)]
    assert shown and not [text for text in shown if INTERNAL_NAMES.search(text)], shown
    assert sum("could not be read" in text for text in shown) == 4, shown
    await asyncio.sleep(1)
    with psycopg.connect(pg_url) as connection:
        stored = connection.execute(
            "SELECT count(*) FROM steps WHERE length(output) > %s OR length(input) > %s",
            (MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS),
        ).fetchone()[0]
        titles = connection.execute("SELECT count(*) FROM threads WHERE length(name) > %s", (MAX_MESSAGE_CHARS,))
        assert stored == 0 and titles.fetchone()[0] == 0


def test_answers_show_words_instead_of_redaction_placeholders():
    answer = "Thanks <PERSON_1>, we will write to <EMAIL_ADDRESS_1> and to <PERSON_2> about loan <LOAN_NUMBER_1>."
    assert readable_placeholders(answer) == (
        "Thanks [your name], we will write to [your email address] and to [name 2] about loan [your loan number]."
    )
    assert readable_placeholders("Ask <SOMETHING_NEW_1>.") == "Ask [your personal detail]."
    assert readable_placeholders("Rates <5% and a<b>c") == "Rates <5% and a<b>c"
