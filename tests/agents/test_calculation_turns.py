"""Loan math through the turn graph: the work is shown before the prose, and follow-ups reuse the last inputs."""

from __future__ import annotations

from turns import context_with

from agents.graph import build_graph
from agents.llm import FakeGroundedChatModel
from agents.turn import TurnResult, stream_turn

NO_SOURCES = context_with()
ISSUE_QUESTION = (
    "I'm buying a $250,000 home with a $225,000 loan over 30 years. I earn $5,200 a month, the payment would be "
    "about $1,600 and I have no other debts, so my DTI is about 31%. What are my options?"
)


async def turn(question: str, history=None, scenario=None) -> tuple[str, TurnResult]:
    streamed, result = [], None
    graph = build_graph(FakeGroundedChatModel())
    async for item in stream_turn(question, "alice", history or [], graph=graph, context=NO_SOURCES, scenario=scenario):
        if isinstance(item, TurnResult):
            result = item
        else:
            streamed.append(item)
    return "".join(streamed), result


async def test_the_issue_question_shows_the_right_dti_first():
    streamed, result = await turn(ISSUE_QUESTION)
    assert "30.77%" in streamed.split("\n")[0]
    assert "4807" not in streamed and "4,807" not in streamed
    assert "| Gross monthly income | $5,200.00 (monthly) |" in result.answer
    assert "agrees with the 31%" in result.answer


async def test_follow_up_uses_the_scenario_kept_from_the_last_turn():
    _, first = await turn("What is the monthly payment on a $300,000 loan at 6.5% for 30 years?")
    assert "$1,896.20" in first.answer and first.scenario["loan"] == "300000"
    _, second = await turn("what about 15 years?", scenario=first.scenario)
    assert "$2,613.32" in second.answer


async def test_follow_up_rebuilt_from_history_when_no_scenario_is_kept():
    history = [("user", "payment on a $400,000 house with 20% down at 7% for 30 years"), ("assistant", "...")]
    _, result = await turn("and with 10% down?", history=history)
    assert "$360,000" in result.answer


async def test_missing_figure_is_asked_for():
    _, result = await turn("what's the payment on a $300,000 loan for 30 years?")
    assert "interest rate" in result.answer and "Could you tell me?" in result.answer


def test_prose_may_repeat_the_calculation_but_not_invent_figures():
    """The answer step allows the question's and the calculation's numbers (agents.answer); others are withheld."""
    from agents.vetting import SentenceVetter
    from tools.loan_questions import answer_question

    question = "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?"
    calculation = answer_question(question).markdown()
    source = "Your monthly payment of principal and interest depends on the loan amount, the rate and the term."
    vetter = SentenceVetter([source], given=f"{question}\n{calculation}")
    released = vetter.feed(
        "Your monthly payment of principal and interest is $1,896.20, set by the loan amount, the rate and the "
        "term [1]. Your monthly payment of principal and interest would be $1,512.77 with that rate and term [1]. "
    )
    released += vetter.flush()
    text = "".join(released)
    assert "$1,896.20" in text
    assert "1,512.77" not in text


async def test_the_model_gets_the_calculation_in_one_paragraph_and_the_borrower_the_table():
    from dataclasses import dataclass

    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    @dataclass
    class Chunk:
        doc_id: str = "pay"
        title: str = "Monthly payments"
        page: int | None = 1
        text: str = "Your monthly payment of principal and interest depends on the loan amount, the rate and the term."
        score: float = 0.9
        start: int = 0
        end: int = 0

    prompts_seen = []

    class Recording(GenericFakeChatModel):
        def _stream(self, messages, stop=None, run_manager=None, **kwargs):
            prompts_seen.append("\n".join(str(m.content) for m in messages))
            yield from super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)

    model = Recording(messages=iter([AIMessage("It depends on the loan amount, the rate and the term [1].")]))
    result = None
    async for item in stream_turn(
        "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?",
        "alice",
        [],
        graph=build_graph(model),
        context=context_with(lambda query, user, k=None: [Chunk()]),
    ):
        result = item if isinstance(item, TurnResult) else result
    assert "| Input, as read | Value |" in result.answer
    assert "$1,896.20" in prompts_seen[0] and "| Input, as read |" not in prompts_seen[0]
