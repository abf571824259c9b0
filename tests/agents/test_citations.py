"""Citations against a real knowledge base: every [n] in an answer is a passage retrieval returned in that turn,
with its page and offsets, and a borrower is never shown a citation to another borrower's private document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from docfactory import index_file
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agents.configuration import TurnContext
from agents.graph import build_graph, excerpt
from agents.turn import run_turn
from agents.vetting import cited_numbers
from apfa.settings import Settings
from tools import retrieval

GUIDES = {
    "pmi.md": "# Private mortgage insurance\n\nPMI protects the lender when your down payment is under 20%. "
    "You may ask your servicer to cancel PMI once the balance reaches 80% of the home's original value.",
    "escrow.md": "# Escrow accounts\n\nYour servicer collects property taxes and homeowners insurance "
    "with each monthly payment and pays those bills from the escrow account.",
    "salary.md": "# Documenting your salary\n\nLenders verify your monthly salary with recent pay stubs and "
    "W-2 forms covering the last two years.",
}
ALICE_PAY_STUB = "Pay stub: gross monthly salary 7,250 dollars from Riverside Dental Clinic, paid monthly."
SOURCE_LINE = re.compile(r"^\[(\d+)\] ", re.MULTILINE)


class CitingModel(GenericFakeChatModel):
    """Cites every source it was given, plus numbers it was not given, the way a small model sometimes does."""

    messages: Iterator = iter(())

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        numbers = [int(n) for n in SOURCE_LINE.findall(str(messages[-1].content))]
        sentences = [f"Source {n} covers part of the question [{n}]." for n in numbers]
        sentences.append(f"Two sources agree on this [1, {len(numbers) + 4}].")
        sentences.append(f"An invented source says otherwise [{len(numbers) + 7}].")
        return ChatResult(generations=[ChatGeneration(message=AIMessage(" ".join(sentences)))])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(APFA_DATA_DIR=str(tmp_path / "data"), APFA_RETRIEVAL_MIN_SCORE=0)


@pytest.fixture
def knowledge_base(tmp_path: Path, settings: Settings) -> dict[str, str]:
    doc_ids = {}
    for name, text in GUIDES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        doc_ids[name] = index_file(tmp_path / name, name, "shared", "system", settings).doc_id
    (tmp_path / "paystub.txt").write_text(ALICE_PAY_STUB, encoding="utf-8")
    doc_ids["paystub.txt"] = index_file(tmp_path / "paystub.txt", "paystub.txt", "private", "alice", settings).doc_id
    return doc_ids


@pytest.fixture
def retrieved_per_turn() -> list[list[retrieval.RetrievedChunk]]:
    """What retrieval really returned, call by call (filled by `context`)."""
    return []


@pytest.fixture
def context(settings: Settings, retrieved_per_turn: list[list[retrieval.RetrievedChunk]]) -> TurnContext:
    """The chat's context over this test's knowledge base, recording what each search returned."""
    real = TurnContext.from_settings(settings)

    def recording_retrieve(query: str, user: str | None, k: int | None = None) -> list[retrieval.RetrievedChunk]:
        retrieved_per_turn.append(real.retrieve(query, user, k))
        return retrieved_per_turn[-1]

    return replace(real, retrieve=recording_retrieve)


QUESTIONS = [
    "When can I cancel PMI?",
    "What does my escrow account pay?",
    "How do lenders check my salary?",
    "What is my monthly salary at Riverside Dental Clinic?",
]


@pytest.mark.parametrize("user", ["alice", "bob"])
@pytest.mark.parametrize("question", QUESTIONS)
async def test_every_cited_number_maps_to_a_passage_retrieved_in_that_turn(
    knowledge_base, retrieved_per_turn, context, question, user
):
    result = await run_turn(question, user=user, history=[], graph=build_graph(CitingModel()), context=context)

    [retrieved] = retrieved_per_turn
    numbers = cited_numbers(result.answer)
    assert numbers, "the answer cites its sources"
    by_number = {citation.n: citation for citation in result.citations}
    assert set(numbers) == set(by_number), "every [n] in the text has exactly one citation, and no citation is unused"
    for n in numbers:
        assert 1 <= n <= len(retrieved)
        chunk, citation = retrieved[n - 1], by_number[n]
        assert (citation.doc_id, citation.title, citation.page) == (chunk.doc_id, chunk.title, chunk.page)
        assert (citation.start, citation.end) == (chunk.start, chunk.end)
        assert citation.excerpt == excerpt(chunk.text)


@pytest.mark.parametrize("question", QUESTIONS)
async def test_a_borrower_is_never_shown_another_borrowers_private_document(
    knowledge_base, retrieved_per_turn, context, question
):
    result = await run_turn(question, user="bob", history=[], graph=build_graph(CitingModel()), context=context)

    alice_document = knowledge_base["paystub.txt"]
    shown = result.citations + result.sources_consulted
    assert shown and all(citation.doc_id != alice_document for citation in shown)
    assert "Riverside" not in result.answer
    assert all(chunk.doc_id != alice_document for chunk in retrieved_per_turn[0])


async def test_a_borrower_can_cite_their_own_private_document(knowledge_base, context):
    result = await run_turn(QUESTIONS[-1], user="alice", history=[], graph=build_graph(CitingModel()), context=context)

    assert knowledge_base["paystub.txt"] in {citation.doc_id for citation in result.citations}
