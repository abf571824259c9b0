"""The model's second look at each sentence it wrote: a wrong sentence is taken back before the borrower sees it."""

from __future__ import annotations

import json

import pytest
from fakemodels import JsonReplies, collect_turn, model_replying, serving
from turns import context_with

from agents.answer import CLAIM_CHECK_REASON
from agents.claim_check import ClaimCheck, make_claim_check
from agents.graph import build_graph
from apfa.settings import Settings
from tools.retrieval import RetrievedChunk

SELLER_CREDIT = RetrievedChunk(
    "cd-3",
    "Closing Disclosure, page 3",
    3,
    0,
    0,
    "Check that your Seller Credit reflects what you agreed upon with the seller. This is the amount the seller has "
    "agreed to contribute to your closing costs. If the seller has agreed to pay for specific costs rather than "
    "contribute a general amount, those amounts may be listed as Seller Paid line items on page 2 instead.",
    0.8,
    scope="shared",
)
RIGHT = "The seller's contribution to your closing costs is your Seller Credit [1]. "
# The 1.5B model's sentence on the ninth fresh set: true fragments, a wrong claim the lexical check lets through.
WRONG = "The line where the seller's contribution toward my closing costs shows up is Seller Paid on page 2 [1]."


class ScriptedCheck(ClaimCheck):
    """Disagrees with any claim naming "Seller Paid", as the local model did on this sentence."""

    async def agreement(self, claim: str, passage: str) -> float | None:
        return 0.2 if "Seller Paid" in claim else 0.95


async def test_a_sentence_the_model_s_second_look_rejects_never_reaches_the_borrower():
    check = ScriptedCheck("http://unused", "local", threshold=0.7)
    graph = build_graph(model_replying(RIGHT + WRONG), claim_check=check)
    question = "on CD page 3, whats the line called where the seller's contribution to my closing costs shows up?"

    streamed, result = await collect_turn(graph, question, context_with(lambda query, user, k=None: [SELLER_CREDIT]))

    assert "Seller Paid on page 2 [1]" not in streamed and "Seller Paid on page 2 [1]" not in result.answer
    assert "is your Seller Credit [1]" in result.answer
    assert {"sentence": WRONG, "reason": CLAIM_CHECK_REASON} in result.flags["unsupported"]


class OpenAiLogprobs(JsonReplies):
    """An OpenAI-compatible server answering one token with its top log-probabilities, as llama.cpp's does."""

    yes = 0.9

    def do_POST(self):  # noqa: N802 (the handler's API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/v1/chat/completions" and body["logprobs"] and body["max_tokens"] == 1
        assert "Statement: The rate is fixed" in body["messages"][-1]["content"]
        top = [{"token": "yes", "logprob": _log(self.yes)}, {"token": "no", "logprob": _log(1 - self.yes)}]
        self.reply_json({"choices": [{"logprobs": {"content": [{"token": "yes", "top_logprobs": top}]}}]})


def _log(p: float) -> float:
    import math

    return math.log(p)


@pytest.fixture
def logprob_server():
    with serving(OpenAiLogprobs) as server:
        yield server


@pytest.mark.parametrize(("yes", "supported"), [(0.9, True), (0.5, False)])
async def test_the_check_reads_the_model_s_yes_as_a_probability_over_http(logprob_server, yes, supported):
    OpenAiLogprobs.yes = yes
    check = ClaimCheck(f"http://127.0.0.1:{logprob_server.server_port}/v1", "qwen2.5-1.5b", threshold=0.7)

    assert await check.agreement("The rate is fixed for 5 years [1].", "The rate is fixed for 5 years.") == (
        pytest.approx(yes)
    )
    assert await check.supports("The rate is fixed for 5 years [1].", "The rate is fixed for 5 years.") is supported


async def test_a_model_that_cannot_be_asked_leaves_the_lexical_verdict_standing(unused_tcp_port):
    check = ClaimCheck(f"http://127.0.0.1:{unused_tcp_port}/v1", "qwen2.5-1.5b", threshold=0.7)

    assert await check.agreement("The rate is fixed [1].", "The rate is fixed.") is None
    assert await check.supports("The rate is fixed [1].", "The rate is fixed.")


def test_only_the_packaged_1_5b_model_is_asked_and_a_zero_threshold_turns_it_off():
    local = make_claim_check(Settings(APFA_LLM_PROVIDER="local", APFA_LOCAL_MODEL="qwen2.5-1.5b"))
    assert isinstance(local, ClaimCheck) and local.threshold == 0.7 and local.base_url.endswith("/v1")
    assert make_claim_check(Settings(APFA_LLM_PROVIDER="local", APFA_CLAIM_CHECK_THRESHOLD=0)) is None
    assert make_claim_check(Settings(APFA_LLM_PROVIDER="local", APFA_LOCAL_MODEL="qwen2.5-0.5b")) is None
    assert make_claim_check(Settings(APFA_LLM_PROVIDER="fake")) is None
    assert make_claim_check(Settings(APFA_LLM_PROVIDER="bedrock")) is None
