"""Sign-in throttling and server-side sessions, both kept in Redis.

Throttling uses `limits` moving windows per account and per client address. The account limits are tiers
("5/minute;10/15 minutes;20/hour;50/day" by default), so continued guessing meets ever longer lockouts: after five
attempts a minute's wait, after ten a quarter of an hour, and so on. Every attempt counts, right or wrong, and the
count is taken before the password is checked, so parallel guesses cannot slip past it.

Sessions: each sign-in gets a random session id, stored in Redis for the token's lifetime and carried inside the
signed token. Logging out deletes it, after which the token is no longer accepted anywhere (chat/hardening.py strips
it from requests), even though its signature and expiry are still valid.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from dataclasses import dataclass
from typing import cast

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter
from redis import Redis, RedisError

logger = logging.getLogger("apfa.signin")

SESSION_KEY_PREFIX = "apfa:session:"
SESSION_CLAIM = "session"


@dataclass(frozen=True)
class Lockout:
    """Why a sign-in attempt was refused and when the next one may be made."""

    retry_after_s: int
    per_account: bool

    @property
    def message(self) -> str:
        who = "this account" if self.per_account else "your network address"
        return f"Too many sign-in attempts for {who}. Please wait {_duration(self.retry_after_s)} before trying again."


class SignInThrottle:
    def __init__(self, redis_url: str, account_limits: str, address_limits: str) -> None:
        self.account_limits: list[RateLimitItem] = parse_many(account_limits)
        self.address_limits: list[RateLimitItem] = parse_many(address_limits)
        self._limiter = MovingWindowRateLimiter(
            RedisStorage(redis_url, key_prefix="apfa-signin", socket_connect_timeout=2, socket_timeout=5)
        )
        self._fallback: MovingWindowRateLimiter | None = None

    def attempt(self, account: str, address: str) -> Lockout | None:
        """Count one sign-in attempt; a Lockout when the account or the address is over a limit."""
        account_key = (account or "").strip().lower()
        for items, key, per_account in (
            (self.account_limits, account_key, True),
            (self.address_limits, address or "unknown", False),
        ):
            waits = [self._wait(item, per_account, key) for item in items]
            if any(wait is not None for wait in waits):
                return Lockout(max(wait for wait in waits if wait is not None), per_account)
        return None

    def _wait(self, item: RateLimitItem, per_account: bool, key: str) -> int | None:
        scope = "account" if per_account else "address"
        limiter = self._fallback or self._limiter
        try:
            if limiter.hit(item, scope, key):
                return None
            reset_at = limiter.get_window_stats(item, scope, key).reset_time
        except (RedisError, ConnectionError, OSError) as error:
            logger.error("Sign-in throttle cannot reach Redis (%s); counting in this process instead", error)
            self._fallback = MovingWindowRateLimiter(MemoryStorage())
            return self._wait(item, per_account, key)
        return max(1, math.ceil(reset_at - time.time()))


class SessionStore:
    """Live session ids in Redis; a token whose session id is missing here has been revoked (or has expired)."""

    def __init__(self, connection: Redis, lifetime_s: int) -> None:
        self.connection = connection
        self.lifetime_s = lifetime_s

    def start(self, identifier: str) -> str:
        session_id = secrets.token_urlsafe(24)
        self.connection.set(SESSION_KEY_PREFIX + session_id, identifier, ex=self.lifetime_s)
        return session_id

    def end(self, session_id: str) -> None:
        self.connection.delete(SESSION_KEY_PREFIX + session_id)

    def is_live(self, session_id: str | None, identifier: str) -> bool:
        """Fails closed: without Redis no session can be confirmed, so none is accepted."""
        if not session_id:
            return False
        try:
            # redis-py types every command as "Awaitable | Any" (sync and async clients share the stubs);
            # this is the sync client, whose GET returns the stored bytes or None.
            owner = cast(bytes | None, self.connection.get(SESSION_KEY_PREFIX + session_id))
        except RedisError as error:
            logger.error("Cannot check a sign-in session in Redis: %s", error)
            return False
        return owner is not None and owner.decode() == identifier


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    return f"{math.ceil(minutes / 60)} hours"
