"""The answer cache against the real Redis on 127.0.0.1:6379, alone and inside the turn graph."""

from __future__ import annotations

import logging
import socket
import uuid

import numpy as np
import pytest
from fakemodels import unreachable_model
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from redis import Redis
from turns import context_for, context_with, fixed_cache_steps

from agents import answer_cache, prompts
from agents.answer_cache import AnswerCache, CachedAnswer, CacheNamespace, normalise
from agents.graph import build_graph
from agents.turn import TurnContext, TurnResult, stream_turn
from tools import retrieval

REDIS_URL = "redis://127.0.0.1:6379/0"


def real_redis() -> Redis:
    """The real Redis that `.ci/run` starts; a missing one fails the test instead of skipping it."""
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    client.ping()
    return client


@pytest.fixture
def client():
    client = real_redis()
    model = f"test-{uuid.uuid4().hex[:8]}"
    yield client, model
    for key in client.scan_iter(f"{answer_cache.KEY_PREFIX}:*:{model}:*"):
        client.delete(key)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def entry(text: str) -> CachedAnswer:
    return CachedAnswer(question="", answer=text, calculation=None, chunks=[])


def test_normalised_text_ignores_case_quotes_spacing_end_punctuation_and_pleasantries():
    assert normalise("  What’s   PMI?? ") == normalise("what's pmi") == "what's pmi"
    assert normalise("Hi, what's PMI? thanks!") == "what's pmi"
    assert normalise("Can't I cancel PMI?") != normalise("Can I cancel PMI?")


def test_a_similar_hit_makes_the_same_wording_an_exact_hit_next_time(client):
    redis, model = client
    cache = AnswerCache(redis)
    space = CacheNamespace("v3", model, "p1")
    cache.store(space, "What is PMI?", unit(1, 0, 0), entry("PMI is mortgage insurance [1]."))
    assert cache.lookup(space, "What exactly is PMI?", unit(1, 0.05, 0)).match == "similar"
    assert cache.lookup(space, "what exactly is pmi", None).match == "exact"


def test_exact_and_near_identical_questions_hit_but_other_figures_or_a_not_do_not(client):
    redis, model = client
    cache = AnswerCache(redis)
    space = CacheNamespace("v3", model, "p1")
    assert cache.store(space, "What is PMI?", unit(1, 0, 0), entry("PMI is mortgage insurance [1]."))
    assert cache.lookup(space, "what is pmi", None).match == "exact"
    similar = cache.lookup(space, "What's PMI exactly?", unit(1, 0.05, 0))
    assert similar.match == "similar" and similar.answer.answer == "PMI is mortgage insurance [1]."
    assert cache.lookup(space, "Tell me about escrow", unit(0, 1, 0)).match == "miss"

    cache.store(space, "payment on $300,000 at 6% for 30 years", unit(0, 0, 1), entry("$1,798.65 [1]."))
    assert cache.lookup(space, "payment on $300,000 at 7% for 30 years", unit(0, 0.01, 1)).match == "miss"
    cache.store(space, "Can I cancel PMI early?", unit(1, 1, 0), entry("Yes [1]."))
    assert cache.lookup(space, "Can't I cancel PMI early?", unit(1, 1, 0.01)).match == "miss"


def test_a_new_index_version_model_or_prompt_finds_nothing(client):
    redis, model = client
    cache = AnswerCache(redis)
    cache.store(CacheNamespace("v3", model, "p1"), "What is PMI?", unit(1, 0), entry("old"))
    for other in (
        CacheNamespace("v4", model, "p1"),
        CacheNamespace("v3", model + "x", "p1"),
        CacheNamespace("v3", model, "p2"),
    ):
        assert cache.lookup(other, "What is PMI?", unit(1, 0)).match == "miss"


def dead_redis() -> Redis:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return Redis(port=port, socket_connect_timeout=0.25, socket_timeout=0.25)


def test_dead_redis_is_skipped_with_one_clear_warning_then_retried_later(caplog):
    now = [0.0]
    cache = AnswerCache(dead_redis(), clock=lambda: now[0])
    space = CacheNamespace("v1", "m", "p")
    with caplog.at_level(logging.WARNING, logger="apfa.answer_cache"):
        assert cache.lookup(space, "What is PMI?", unit(1, 0)).match == "unavailable"
        assert cache.store(space, "What is PMI?", unit(1, 0), entry("x")) is False
        assert cache.lookup(space, "What is PMI?", unit(1, 0)).match == "unavailable"
    assert [r.getMessage() for r in caplog.records if "Redis is unreachable" in r.getMessage()] != []
    assert len(caplog.records) == 1
    now[0] += answer_cache.RETRY_AFTER_S + 1
    with caplog.at_level(logging.WARNING, logger="apfa.answer_cache"):
        cache.lookup(space, "What is PMI?", unit(1, 0))
    assert len(caplog.records) == 2


# --- inside the turn graph ------------------------------------------------------------------------------


Chunk = retrieval.RetrievedChunk


SHARED = Chunk("pmi", "Mortgage insurance", 1, 0, 90, "PMI protects the lender if you stop making payments.", 0.8)
PRIVATE = Chunk("mine", "my-note.txt", 1, 0, 40, "PMI protects the lender on my loan.", 0.8, scope="private")


class CountingModel(GenericFakeChatModel):
    calls: int = 0

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.calls += 1
        yield from super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)


def counting_model() -> CountingModel:
    reply = "PMI protects the lender if you stop making payments [1]."
    return CountingModel(messages=iter([AIMessage(reply) for _ in range(10)]))


def passages(*chunks: retrieval.RetrievedChunk) -> TurnContext:
    return context_with(lambda query, user, k=None: list(chunks))


async def ask(graph, question: str, context: TurnContext) -> TurnResult:
    async for item in stream_turn(question, user="alice", graph=graph, context=context):
        if isinstance(item, TurnResult):
            return item
    raise AssertionError("no result")


@pytest.fixture
def graph_cache(client, monkeypatch):
    redis, model_name = client
    fixed_cache_steps(
        monkeypatch,
        model=model_name,
        index_version="v7",
        embed=lambda text: unit(1.0, 0.0) if "pmi" in text.lower() else unit(0.0, 1.0),
    )
    return redis


async def test_a_repeated_question_is_answered_from_the_cache_without_the_model(graph_cache):
    llm = counting_model()
    graph = build_graph(llm, answer_cache=AnswerCache(graph_cache))
    first = await ask(graph, "Who does PMI protect?", passages(SHARED))
    second = await ask(graph, "who does PMI protect", passages(SHARED))
    assert llm.calls == 1
    assert first.flags["cache"] == ["stored"] and second.flags["cache"] == ["exact"]
    assert second.answer == first.answer
    assert [(c.n, c.doc_id) for c in second.citations] == [(1, "pmi")]
    assert second.timings_ms.get("generation") is None


async def test_an_answer_cut_short_by_an_unreachable_model_is_not_cached(graph_cache):
    graph = build_graph(unreachable_model(), answer_cache=AnswerCache(graph_cache))
    result = await ask(graph, "Who does PMI protect?", passages(SHARED))
    assert result.answer.endswith(prompts.MODEL_UNAVAILABLE_AFTER_QUOTES)
    llm = counting_model()
    again = await ask(
        build_graph(llm, answer_cache=AnswerCache(graph_cache)), "Who does PMI protect?", passages(SHARED)
    )
    assert llm.calls == 1 and again.flags["cache"] == ["stored"]


async def test_questions_with_personal_data_or_private_documents_are_never_cached(graph_cache):
    llm = counting_model()
    graph = build_graph(llm, answer_cache=AnswerCache(graph_cache))
    for _ in range(2):
        result = await ask(graph, "I am Maria Lopez, my SSN is 521-44-7810. Who does PMI protect?", passages(SHARED))
        assert result.flags["cache"] == ["skipped:pii"]
    for _ in range(2):
        result = await ask(graph, "Who does PMI protect on my loan?", passages(PRIVATE))
        assert result.flags["cache"] == ["skipped:private"]
    assert llm.calls == 4


async def test_a_turn_still_answers_when_redis_is_down(monkeypatch):
    fixed_cache_steps(monkeypatch, model="m", index_version="v1", embed=lambda text: unit(1, 0))
    llm = counting_model()
    result = await ask(
        build_graph(llm, answer_cache=AnswerCache(dead_redis())), "Who does PMI protect?", passages(SHARED)
    )
    assert "protects the lender" in result.answer
    assert result.flags["cache"] == ["unavailable"]


# --- against a real knowledge base: a new index version invalidates, a private upload is never cached --------------


@pytest.fixture
def real_knowledge_base(tmp_path):
    from docfactory import index_file

    from apfa.settings import Settings

    settings = Settings(APFA_DATA_DIR=str(tmp_path / "data"), APFA_RETRIEVAL_MIN_SCORE=0)

    def add(name: str, text: str, scope: str = "shared", owner: str = "system") -> None:
        (tmp_path / name).write_text(text, encoding="utf-8")
        index_file(tmp_path / name, name, scope, owner, settings)

    add("pmi.md", "# Mortgage insurance\n\nPrivate mortgage insurance protects the lender if you stop paying.")
    return add, context_for(settings)


async def test_a_new_index_version_and_a_private_upload_are_respected_end_to_end(client, real_knowledge_base):
    from agents.graph import cache_steps

    redis, _ = client
    add, context = real_knowledge_base
    cache = AnswerCache(redis)
    llm = counting_model()
    graph = build_graph(llm, answer_cache=cache)
    steps = cache_steps(cache, llm, lambda: context)
    namespaces = [steps.namespace()]
    try:
        assert (await ask(graph, "Who does PMI protect?", context)).flags["cache"] == ["stored"]
        assert (await ask(graph, "who does pmi protect", context)).flags["cache"] == ["exact"]
        add("escrow.md", "# Escrow\n\nEscrow pays property taxes and homeowners insurance.")
        namespaces.append(steps.namespace())
        assert namespaces[0] != namespaces[1]
        assert (await ask(graph, "Who does PMI protect?", context)).flags["cache"] == ["stored"]
        upload = "# My PMI\n\nMy PMI is paid monthly to protect the lender."
        add("my-pmi.md", upload, "private", "alice")
        namespaces.append(steps.namespace())
        assert (await ask(graph, "Who does PMI protect?", context)).flags["cache"] == ["skipped:private"]
        assert llm.calls == 3
    finally:
        for namespace in namespaces:
            cache.clear(namespace)
