"""The retriever finds the right passage with the real embedder and never crosses borrowers' private data."""

from __future__ import annotations

from pathlib import Path

import pytest
from docfactory import index_file
from turns import context_for, tool_runtime

from apfa.settings import Settings
from tools.lc_tools import search_knowledge_base
from tools.retrieval import RetrievedChunk, Retriever

GUIDES = {
    "pmi.md": "# Private mortgage insurance\n\nPMI protects the lender when your down payment is under 20%. "
    "You may ask your servicer to cancel PMI once the balance reaches 80% of the home's original value.",
    "escrow.md": "# Escrow accounts\n\nYour servicer collects property taxes and homeowners insurance "
    "with each monthly payment and pays those bills from the escrow account.",
    "arm.md": "# Adjustable-rate mortgages\n\nAn ARM has a fixed introductory rate, after which the rate "
    "adjusts periodically based on an index plus a margin, within caps.",
}
ALICE_PRIVATE = "Alice Example pay stub: gross monthly salary 7,250 dollars from Riverside Dental Clinic."


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(APFA_DATA_DIR=str(tmp_path / "data"))


@pytest.fixture
def knowledge_base(tmp_path: Path, settings: Settings) -> Path:
    for name, text in GUIDES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        index_file(tmp_path / name, name, "shared", "system", settings)
    (tmp_path / "paystub.txt").write_text(ALICE_PRIVATE, encoding="utf-8")
    index_file(tmp_path / "paystub.txt", "paystub.txt", "private", "alice", settings)
    return tmp_path


@pytest.fixture
def retrieve(knowledge_base: Path, settings: Settings) -> Retriever:
    return Retriever.from_settings(settings)


def test_the_most_relevant_guide_comes_first_with_its_citation(retrieve: Retriever):
    results = retrieve("When can I stop paying mortgage insurance?", user="bob", k=2)

    assert len(results) == 2 and all(isinstance(result, RetrievedChunk) for result in results)
    top = results[0]
    assert top.title == "Private mortgage insurance" and top.page == 1
    assert "cancel PMI" in top.text and top.score > results[1].score
    assert top.end - top.start == len(top.text)


def test_k_defaults_to_the_setting(knowledge_base: Path, settings: Settings):
    retrieve = Retriever.from_settings(settings.model_copy(update={"retrieval_k": 2}))

    assert len(retrieve("mortgage", user="alice")) == 2


def test_borrower_b_never_receives_borrower_a_private_text(retrieve: Retriever):
    query = "What is Alice's monthly salary at Riverside Dental Clinic?"

    bob_results = retrieve(query, user="bob", k=10)
    alice_results = retrieve(query, user="alice", k=1)

    assert all("Riverside" not in result.text for result in bob_results)
    assert len(bob_results) == len(GUIDES)
    assert "Riverside Dental Clinic" in alice_results[0].text
    assert all("Riverside" not in result.text for result in retrieve(query, user=None, k=10))


def test_newly_ingested_documents_are_found_without_restart(
    knowledge_base: Path, settings: Settings, retrieve: Retriever
):
    assert all("HELOC" not in result.text for result in retrieve("home equity line of credit", "bob", k=3))
    note = knowledge_base / "heloc.md"
    note.write_text("# HELOCs\n\nA HELOC is a revolving home equity line of credit.", encoding="utf-8")
    index_file(note, "heloc.md", "shared", "system", settings)

    assert retrieve("home equity line of credit", "bob", k=1)[0].title == "HELOCs"


def test_the_tool_hides_the_user_from_the_model_and_cites_sources(settings: Settings, retrieve: Retriever):
    assert set(search_knowledge_base.tool_call_schema.model_json_schema()["properties"]) == {"query"}
    runtime = tool_runtime(context_for(settings))
    query = "salary at Riverside Dental Clinic"

    bob_text = search_knowledge_base.invoke({"query": query, "user": "bob", "runtime": runtime})
    alice_text = search_knowledge_base.invoke({"query": query, "user": "alice", "runtime": runtime})

    assert "Riverside" not in bob_text and "[1]" in bob_text and ", p. 1" in bob_text
    assert "Riverside Dental Clinic" in alice_text
