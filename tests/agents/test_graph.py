"""The turn graph with a scripted model: what reaches the model, what reaches the borrower, what gets cited."""

from __future__ import annotations

from fakemodels import collect_turn, model_replying, unreachable_model
from turns import context_with

from agents import prompts
from agents.graph import build_graph
from agents.turn import TurnResult
from tools.retrieval import RetrievedChunk


def shared_chunk(doc_id: str, title: str, page: int, text: str, score: float) -> RetrievedChunk:
    return RetrievedChunk(doc_id, title, page, 0, 0, text, score, scope="shared")


CHUNKS = [
    shared_chunk(
        "dti-doc",
        "Debt-to-income ratio",
        1,
        "Your debt-to-income ratio is your monthly debt payments divided by your gross monthly income.",
        0.71,
    ),
    shared_chunk(
        "pmi-doc",
        "Private mortgage insurance",
        2,
        "Private mortgage insurance is usually required when the down payment is below 20 percent.",
        0.55,
    ),
]


KNOWLEDGE_BASE = context_with(lambda query, user, k=None: list(CHUNKS))


async def collect(question: str, model, history=None, context=KNOWLEDGE_BASE) -> tuple[str, TurnResult]:
    return await collect_turn(build_graph(model), question, context, history=history)


async def test_answer_cites_the_sources_it_used():
    model = model_replying(
        "DTI is your monthly debts divided by your gross monthly income [1]. PMI applies below 20 percent down [2]."
    )
    streamed, result = await collect("What is DTI?", model)
    assert "[1]" in result.answer and "[2]" in result.answer
    assert [(c.n, c.doc_id, c.page) for c in result.citations] == [(1, "dti-doc", 1), (2, "pmi-doc", 2)]
    assert streamed.strip() == result.answer


async def test_citation_to_a_source_that_was_not_retrieved_is_dropped():
    model = model_replying("Lenders compare debts to income [7]. That ratio is called DTI [1].")
    _, result = await collect("What is DTI?", model)
    assert "[7]" not in result.answer
    assert [c.n for c in result.citations] == [1]


async def test_uncited_sentence_restating_a_source_gets_its_number():
    model = model_replying("Private mortgage insurance is usually required when the down payment is below 20 percent.")
    _, result = await collect("When do I pay PMI?", model)
    assert [c.doc_id for c in result.citations] == ["pmi-doc"]


async def test_pii_never_reaches_the_model():
    model = model_replying("DTI is debts over income [1].")
    _, result = await collect("I'm John Smith, SSN 536-22-4187, email john.smith@example.com. What is DTI?", model)
    prompt = model.prompts_seen[0]
    for secret in ("John Smith", "536-22-4187", "john.smith@example.com"):
        assert secret not in prompt
        assert secret not in result.redacted_question
    assert {"PERSON", "US_SSN", "EMAIL_ADDRESS"} <= set(result.flags["pii"])


async def test_biased_sentence_is_withheld_before_the_borrower_sees_it():
    model = model_replying(
        "Your DTI is debts over income [1]. Because you are a woman, lenders will charge you a "
        "higher rate. PMI applies below 20 percent down [2]."
    )
    streamed, result = await collect("What affects my rate?", model)
    assert "woman" not in streamed and "woman" not in result.answer
    assert "PMI applies" in result.answer
    assert result.flags["bias"], "the withheld sentence must be reported"


async def test_loan_arithmetic_is_exact_and_comes_first():
    model = model_replying("That payment covers principal and interest [1].")
    streamed, result = await collect("What is the monthly payment on a $300,000 loan at 6.5% for 30 years?", model)
    assert "$1,896.20" in streamed.split("\n")[0]
    assert "$1,896.20" in result.calculation


async def test_no_relevant_source_means_no_guess():
    model = model_replying("The capital of France is Paris.")
    _, result = await collect("What is the capital of France?", model, context=context_with())
    assert result.answer == prompts.NO_SOURCES_ANSWER
    assert model.prompts_seen == []


async def test_quotes_the_model_judges_no_answer_are_not_left_to_pass_for_one():
    model = model_replying("The sources I have don't say.")
    streamed, result = await collect("What is a debt-to-income ratio, and how long does underwriting take?", model)
    assert result.answer.startswith("> “Your debt-to-income ratio is")
    assert result.answer.endswith(prompts.QUOTES_MAY_NOT_ANSWER)
    assert "don't say" not in streamed
    assert streamed.strip() == result.answer

    answered = model_replying("That ratio compares your monthly debts with your income [1].")
    _, result = await collect("What is a debt-to-income ratio?", answered)
    assert prompts.QUOTES_MAY_NOT_ANSWER not in result.answer


async def test_quotes_that_match_the_question_weakly_are_introduced_as_the_closest_found():
    model = model_replying("The sources I have don't say.")
    streamed, result = await collect("How much of my paycheck can go to debts?", model)
    assert result.answer.startswith(prompts.WEAK_MATCH_LEAD + "\n\n> “Your debt-to-income ratio is")
    assert prompts.QUOTES_MAY_NOT_ANSWER not in result.answer, "one caveat is enough"
    assert streamed.strip() == result.answer

    _, result = await collect("What is a debt-to-income ratio?", model_replying("It compares debts with income [1]."))
    assert prompts.WEAK_MATCH_LEAD not in result.answer


async def test_a_model_that_cannot_be_reached_leaves_the_checked_quotes_and_says_so():
    streamed, result = await collect("What is a debt-to-income ratio?", unreachable_model())
    assert result.answer.startswith("> “Your debt-to-income ratio is")
    assert result.answer.endswith(prompts.MODEL_UNAVAILABLE_AFTER_QUOTES)
    assert streamed.strip() == result.answer

    said = "Private mortgage insurance is usually required below 20 percent down [2]."
    cut = unreachable_model(f"{said} And it also", words=len(f"{said} And".split()))
    streamed, result = await collect("What is a debt-to-income ratio?", cut)
    assert said in result.answer
    assert "And it also" not in streamed, "a sentence cut off by the lost connection is not released"
    assert result.answer.endswith(prompts.MODEL_UNAVAILABLE_AFTER_QUOTES)

    _, result = await collect("When do I pay PMI?", unreachable_model())
    assert result.answer == prompts.MODEL_UNAVAILABLE_ANSWER, "nothing matched well enough to quote"


async def test_follow_up_keeps_the_conversation():
    model = model_replying("Yes, it includes all monthly debts [1].")
    history = [("user", "What is DTI?"), ("assistant", "DTI is debts over income [1].")]
    _, result = await collect("Does it include car loans?", model, history=history)
    assert "What is DTI?" in model.prompts_seen[0]
    assert result.citations


def test_excerpt_is_plain_text():
    from agents.graph import excerpt

    assert excerpt("# PMI\n\n*What PMI costs* and **when** it ends | 80%") == "PMI What PMI costs and when it ends 80%"
