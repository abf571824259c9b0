"""Finding 1: a client-chosen message id must never move or overwrite another user's message; advisors write nothing."""

from __future__ import annotations

import asyncio

import httpx
import psycopg
import pytest
from liveproduct import Tab, sign_in, stored_steps, thread_steps

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


async def test_other_users_step_ids_cannot_be_taken_over_and_advisors_write_nothing(product):
    base, accounts, pg_url = product["base"], product["accounts"], product["pg_url"]
    async with httpx.AsyncClient(timeout=60) as client:
        bob = await Tab(base, await sign_in(client, base, accounts["bob"])).connect()
        answer = await bob.answer_to("What does an escrow account hold money for?")
        await bob.close()
        victim_steps = await stored_steps(pg_url, bob.thread_id, answer["id"])
        targets = [step_id for step_id, kind, _ in victim_steps if kind in {"user_message", "assistant_message"}]
        assert len(targets) >= 2, victim_steps

        eve = await Tab(base, await sign_in(client, base, accounts["eve"])).connect()
        for target in targets:
            await eve.say("taken over", message_id=target)
        await eve.answer_to("What is PMI?")

        ada_token = await sign_in(client, base, accounts["ada"])
        shared = await client.get(f"{base}/project/share/{bob.thread_id}", cookies={"access_token": ada_token})
        assert shared.status_code == 200
        shown_ids = [step["id"] for step in shared.json()["steps"]]
        assert set(targets) <= set(shown_ids)
        ada = await Tab(base, ada_token).connect()
        await ada.wait_for(lambda event, data: event == "new_message")
        for target in targets:
            await ada.say("advisor overwrite", message_id=target)
        await ada.answer_to("What is an escrow account?")
        await eve.close()
        await ada.close()
        await asyncio.sleep(1.5)

    assert thread_steps(pg_url, bob.thread_id) == victim_steps, "the borrower's conversation is untouched"
    with psycopg.connect(pg_url) as connection:
        refused = connection.execute(
            "SELECT actor, target_user, target_thread FROM audit_log WHERE action = 'write_refused'"
        ).fetchall()
        advisor_threads = connection.execute(
            'SELECT count(*) FROM threads WHERE "userIdentifier" = %s', (accounts["ada"],)
        ).fetchone()[0]
    attempts = {actor for actor, target_user, _ in refused if target_user == accounts["bob"]}
    assert attempts == {accounts["eve"], accounts["ada"]}, refused
    assert advisor_threads == 0, "an advisor's session stores nothing"
    assert thread_steps(pg_url, eve.thread_id), "the attacker's own ordinary messages are still stored"
