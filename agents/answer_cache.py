"""Answer cache: a popular question about the shared knowledge base is answered in milliseconds from Redis.

An answer is reused for the same normalised question, or for a near-identical one (cosine >= the configured
threshold on the question embedding) that mentions the same numbers and the same negations, so "$300,000 at 6%"
never gets the answer for "$300,000 at 7%" and "can I" never gets the answer for "can't I".

Entries live under a namespace of index version, model and prompt version: a new index version, another model or
a changed prompt finds none of the old entries (they expire after the TTL). The graph never stores a turn whose
question contained personal data or that retrieved a private document, and never looks one up for it either.

Redis being down never breaks a turn: the cache is skipped, one warning is logged, and it is retried after a pause.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import KW_ONLY, asdict, dataclass, field, replace
from typing import Any, cast

import numpy as np
from redis import Redis
from redis.exceptions import RedisError

from agents.state import TurnState
from apfa.settings import Settings

logger = logging.getLogger("apfa.answer_cache")

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
KEY_PREFIX = "apfa:answers"
CONNECT_TIMEOUT_S = 0.25
COMMAND_TIMEOUT_S = 0.5
RETRY_AFTER_S = 30.0

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
NEGATION = re.compile(r"\b(?:not|no|never|without|cannot|can't|won't|don't|doesn't|isn't|aren't|shouldn't)\b")
QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
NOT_WORD = re.compile(r"[^\w$%.,' ]+")
CONTRACTIONS = re.compile(r"n't\b")
PLEASANTRIES = re.compile(
    r"^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|quick question|question)\b[\s,.!:-]*)+|"
    r"[\s,.!?-]*\b(?:thanks|thank you|thx|please|pls|cheers)\b[\s,.!?]*$"
)


def normalise(question: str) -> str:
    """Case, curly quotes, spacing, end punctuation and a greeting or a thanks do not make a different question."""
    text = unicodedata.normalize("NFKC", question).translate(QUOTES).lower()
    text = " ".join(NOT_WORD.sub(" ", text).split())
    return PLEASANTRIES.sub("", text).strip(" .,?!")


def _numbers(text: str) -> tuple[str, ...]:
    return tuple(sorted(n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)))


def _negations(text: str) -> tuple[str, ...]:
    return tuple(sorted(NEGATION.findall(CONTRACTIONS.sub(" not", text))))


def same_meaning_markers(left: str, right: str) -> bool:
    """Near-identical embeddings are not enough when a figure or a "not" differs."""
    return _numbers(left) == _numbers(right) and _negations(left) == _negations(right)


@dataclass(frozen=True)
class CacheNamespace:
    """What an answer depends on besides the question: entries under another namespace are never read.

    `index_version` names the index as well as its version ("<index dir digest>.v<n>"), so two data directories
    sharing one Redis (or one test after another, each starting at version 1) never read each other's entries."""

    index_version: str
    model: str
    prompt_version: str

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}:{self.index_version}:{self.model}:{self.prompt_version}"


@dataclass(frozen=True)
class CachedAnswer:
    question: str
    answer: str
    calculation: str | None
    chunks: list[dict[str, Any]] = field(default_factory=list)
    stored_at: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> CachedAnswer:
        return cls(**json.loads(raw))


@dataclass(frozen=True)
class Lookup:
    """A cache hit (how it matched and how similar the stored question was), or a miss with `answer` None."""

    answer: CachedAnswer | None
    match: str  # "exact", "similar", "miss" or "unavailable"
    similarity: float = 0.0


class AnswerCache:
    """Redis-backed store of vetted answers, keyed by namespace and normalised question."""

    def __init__(
        self,
        client: Redis,
        *,
        similarity: float = 0.97,
        ttl_s: int = 7 * 24 * 3600,
        max_entries: int = 5000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self.similarity = similarity
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._down_until = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> AnswerCache | None:
        """The configured cache, or None when `APFA_ANSWER_CACHE` is off."""
        if not settings.answer_cache:
            return None
        client = Redis.from_url(
            settings.redis_url or DEFAULT_REDIS_URL,
            socket_connect_timeout=CONNECT_TIMEOUT_S,
            socket_timeout=COMMAND_TIMEOUT_S,
        )
        return cls(client, similarity=settings.answer_cache_similarity, ttl_s=settings.answer_cache_ttl_s)

    def lookup(self, namespace: CacheNamespace, question: str, vector: np.ndarray | None) -> Lookup:
        if not self._available():
            return Lookup(None, "unavailable")
        normalised = normalise(question)
        try:
            raw = self._get(self._entry_key(namespace, normalised))
            if raw is not None:
                return Lookup(CachedAnswer.from_json(raw), "exact", 1.0)
            if vector is None:
                return Lookup(None, "miss")
            return self._similar(namespace, normalised, vector)
        except RedisError as error:
            self._mark_down(error)
            return Lookup(None, "unavailable")

    def store(self, namespace: CacheNamespace, question: str, vector: np.ndarray | None, answer: CachedAnswer) -> bool:
        """Keep a vetted answer; False when Redis is down or the namespace is full."""
        if not self._available():
            return False
        normalised = normalise(question)
        digest = _digest(normalised)
        answer = replace(answer, question=normalised, stored_at=time.time())
        vectors_key = f"{namespace.key}:vectors"
        try:
            if cast(int, self._client.hlen(vectors_key)) >= self.max_entries:
                return False
            pipe = self._client.pipeline()
            pipe.set(self._entry_key(namespace, normalised), answer.to_json(), ex=self.ttl_s)
            if vector is not None:
                pipe.hset(vectors_key, mapping={digest: np.asarray(vector, dtype=np.float32).tobytes()})
                pipe.expire(vectors_key, self.ttl_s)
            pipe.execute()
            return True
        except RedisError as error:
            self._mark_down(error)
            return False

    def clear(self, namespace: CacheNamespace) -> int:
        """Drop every entry of one namespace (benchmarks start from an empty cache); returns the keys removed."""
        keys = list(self._client.scan_iter(f"{namespace.key}:*"))
        return cast(int, self._client.delete(*keys)) if keys else 0

    def _similar(self, namespace: CacheNamespace, normalised: str, vector: np.ndarray) -> Lookup:
        stored = cast(dict[bytes, bytes], self._client.hgetall(f"{namespace.key}:vectors"))
        if not stored:
            return Lookup(None, "miss")
        digests = list(stored)
        matrix = np.stack([np.frombuffer(stored[d], dtype=np.float32) for d in digests])
        query = np.asarray(vector, dtype=np.float32)
        scores = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query) + 1e-12)
        for index in np.argsort(-scores):
            score = float(scores[index])
            if score < self.similarity:
                break
            raw = self._get(f"{namespace.key}:q:{_text(digests[index])}")
            if raw is None:
                self._client.hdel(f"{namespace.key}:vectors", digests[index])
                continue
            candidate = CachedAnswer.from_json(raw)
            if same_meaning_markers(candidate.question, normalised):
                # the next ask worded like this one is an exact hit
                self._client.set(self._entry_key(namespace, normalised), raw, ex=self.ttl_s)
                return Lookup(candidate, "similar", score)
        return Lookup(None, "miss")

    def _get(self, key: str) -> bytes | None:
        """redis-py types each command for the sync and the async client alike; this client is the sync one."""
        return cast(bytes | None, self._client.get(key))

    def _entry_key(self, namespace: CacheNamespace, normalised: str) -> str:
        return f"{namespace.key}:q:{_digest(normalised)}"

    def _available(self) -> bool:
        return self._clock() >= self._down_until

    def _mark_down(self, error: RedisError) -> None:
        self._down_until = self._clock() + RETRY_AFTER_S
        logger.warning(
            "Answer cache skipped: Redis is unreachable (%s: %s); answering without it, retrying in %.0f s",
            error.__class__.__name__,
            error,
            RETRY_AFTER_S,
        )


def _digest(normalised: str) -> str:
    return hashlib.sha256(normalised.encode()).hexdigest()[:32]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class CacheSteps:
    """The two graph steps around generation: look an answer up after retrieval, store the vetted one at the end.

    Both are skipped for questions with personal data, turns that retrieved a private document and follow-ups
    that lean on the conversation; only answers written without history are stored. Before the tool-calling agent
    has searched, a user who owns private documents is never served from the cache.
    """

    cache: AnswerCache
    _: KW_ONLY
    model: str
    prompt_version: str
    index_version: Callable[[], str]
    embed: Callable[[str], np.ndarray]
    is_follow_up: Callable[[TurnState], bool]
    chunk_type: Callable[..., Any]
    owns_private_documents: Callable[[str | None], bool] = lambda user: True

    def skip_reason(self, state: TurnState) -> str | None:
        if state.get("pii_types"):
            return "pii"
        if any(chunk.scope != "shared" for chunk in state.get("chunks", [])):
            return "private"
        if "chunks" not in state and self.owns_private_documents(state.get("user")):
            return "private"  # the tool-calling agent has not searched yet: it might find the user's own files
        if state.get("injections"):
            return "private"
        if self.is_follow_up(state):
            return "follow_up"
        return None

    def namespace(self) -> CacheNamespace:
        return CacheNamespace(self.index_version(), self.model, self.prompt_version)

    async def look_up(self, state: TurnState) -> dict:
        reason = self.skip_reason(state)
        if reason:
            return {"cache": f"skipped:{reason}"}
        question = state["redacted_question"]
        vector = await asyncio.to_thread(self.embed, normalise(question))
        found = await asyncio.to_thread(self.cache.lookup, self.namespace(), question, vector)
        if found.answer is None:
            return {"cache": found.match, "cache_vector": vector}
        from langgraph.config import get_stream_writer

        get_stream_writer()({"text": found.answer.answer})
        return {
            "cache": found.match,
            "answer": found.answer.answer,
            "calculation": found.answer.calculation,
            "chunks": [self.chunk_type(**chunk) for chunk in found.answer.chunks],
        }

    def route(self, on_hit: str, on_miss: str) -> Callable[[TurnState], str]:
        def choose(state: TurnState) -> str:
            return on_hit if state.get("cache") in ("exact", "similar") else on_miss

        return choose

    async def keep(self, state: TurnState) -> dict:
        if state.get("cache") != "miss" or state.get("history") or not state.get("citations"):
            return {}
        if state.get("bias_flags") or state.get("model_unreachable") or self.skip_reason(state):
            return {}
        if state.get("messages") and state.get("calculation_result") is not None:
            # the tool-calling route looks answers up before any tool has run, so a stored calculation would come
            # back without its chart and without the inputs a follow-up ("what about 15 years?") needs
            return {}
        entry = CachedAnswer(
            question=state["redacted_question"],
            answer=state["answer"],
            calculation=state.get("calculation"),
            chunks=[asdict(chunk) for chunk in state.get("chunks", [])],
        )
        stored = await asyncio.to_thread(
            self.cache.store, self.namespace(), state["redacted_question"], state.get("cache_vector"), entry
        )
        return {"cache": "stored" if stored else "miss"}
