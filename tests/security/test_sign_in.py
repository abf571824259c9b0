"""Finding 3: sign-in is throttled per account and per address, logout revokes the token, tokens live shortly."""

from __future__ import annotations

import asyncio

import httpx
import jwt
import pytest
import socketio
from liveproduct import SESSION_HOURS, Tab, address, password_of, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


async def attempt(client: httpx.AsyncClient, base: str, name: str, password: str, client_address: str):
    return await client.post(
        f"{base}/login", data={"username": name, "password": password}, headers={"X-Forwarded-For": client_address}
    )


async def test_repeated_wrong_passwords_lock_the_account_with_a_clear_429(product, unique_account):
    base, name = product["base"], unique_account
    async with httpx.AsyncClient(timeout=60) as client:
        answers = [await attempt(client, base, name, "wrong-password", address()) for _ in range(6)]
        assert [answer.status_code for answer in answers] == [401] * 5 + [429]
        locked = answers[-1]
        assert "Too many sign-in attempts for this account" in locked.json()["detail"]
        assert 0 < int(locked.headers["Retry-After"]) <= 60
        right = await attempt(client, base, name, password_of(name), address())
        assert right.status_code == 429, "the right password does not skip the lockout"


async def test_parallel_guesses_do_not_slip_past_the_limit(product, unique_account):
    base = product["base"]
    async with httpx.AsyncClient(timeout=120) as client:
        answers = await asyncio.gather(
            *[attempt(client, base, unique_account, "wrong-password", address()) for _ in range(30)]
        )
    codes = [answer.status_code for answer in answers]
    assert codes.count(401) == 5 and codes.count(429) == 25, codes


async def test_one_address_trying_many_accounts_is_throttled(product):
    base, client_address = product["base"], address()
    async with httpx.AsyncClient(timeout=120) as client:
        codes = [
            (await attempt(client, base, f"nobody-{n}", "wrong-password", client_address)).status_code
            for n in range(21)
        ]
        locked = await attempt(client, base, "nobody-else", "wrong-password", client_address)
    assert codes == [401] * 20 + [429]
    assert "your network address" in locked.json()["detail"]


async def test_logout_revokes_the_token_everywhere_and_tokens_expire_by_setting(product, unique_account):
    base, name = product["base"], unique_account
    async with httpx.AsyncClient(timeout=60) as client:
        token = await sign_in(client, base, name)
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == SESSION_HOURS * 3600
        cookies = {"access_token": token}
        assert (await client.get(f"{base}/user", cookies=cookies)).status_code == 200
        tab = await Tab(base, token).connect()
        assert (await client.post(f"{base}/logout", cookies=cookies)).status_code == 200
        for _ in range(50):
            if not tab.sio.connected:
                break
            await asyncio.sleep(0.1)
        assert not tab.sio.connected, "the open chat socket was closed at logout"
        assert (await client.get(f"{base}/user", cookies=cookies)).status_code == 401
        bearer = await client.get(f"{base}/user", headers={"Authorization": f"Bearer {token}"})
        assert bearer.status_code == 401
        with pytest.raises(socketio.exceptions.ConnectionError):
            await Tab(base, token).connect()
        other = await sign_in(client, base, name)
        assert (await client.get(f"{base}/user", cookies={"access_token": other})).status_code == 200
