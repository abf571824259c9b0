"""`apfa eval qa` and `apfa eval support`: the scoring rules, and one run through the chat's own graph (fake model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakemodels import JsonReplies, serving

from agents import prompts
from agents.local_llm import LocalModelError
from agents.state import Citation
from apfa.settings import Settings
from evals.qa import (
    answer_sentences,
    contains_phrase,
    evaluate_qa,
    load_items,
    local_model_served,
    missing_groups,
    says_unsure,
    summarise,
    unsupported_released,
)
from evals.run import EvalRun
from evals.support import evaluate_support
from tools import protected

DATA = Path(__file__).parents[1] / "data"


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("You get it three business days before closing.", "3 business days"),
        ("Ask for a cashier’s check.", "cashier's check"),
        ("Loans come from private lenders.", "private lender"),
        ("Down payments as low as 3.5%.", "3.5 percent"),
        ("The limit is $424,100 in most counties.", "424100"),
    ],
)
def test_phrasings_match_whatever_the_spelling_of_numbers_quotes_and_plurals(answer, phrase):
    assert contains_phrase(answer, phrase)


def test_a_number_matches_only_as_a_whole_number():
    assert not contains_phrase("Most ARMs have a 30-year term.", "3")
    assert not contains_phrase("As low as 3.5 percent.", "3")


def test_every_group_needs_one_of_its_phrasings():
    groups = [["fannie mae"], ["freddie mac", "freddie"]]
    assert missing_groups("Fannie Mae and Freddie set the rules.", groups) == []
    assert missing_groups("Fannie Mae sets the rules.", groups) == [["freddie mac", "freddie"]]


def test_quoted_source_sentences_are_not_counted_as_the_model_s_own():
    answer = "> “Mortgage insurance protects the lender.” [1]\n\nIt does not protect you [1]. It is costly [2]."
    assert answer_sentences(answer) == ["It does not protect you [1].", "It is costly [2]."]
    two_quotes = "> “Mortgage insurance protects the lender.” [1]\n>\n> “It is not the homeowner’s insurance.” [2]\n\n"
    assert answer_sentences(two_quotes + "It does not protect you [1].") == ["It does not protect you [1]."]
    under_its_term = "> **Points:** “An upfront fee that you pay to your lender.” [1]\n\nIt lowers the rate [1]."
    assert answer_sentences(under_its_term) == ["It lowers the rate [1]."]
    hedged = "> “Mortgage insurance protects the lender.” [1]\n\n" + prompts.QUOTES_MAY_NOT_ANSWER
    assert answer_sentences(hedged) == [], "the product's own note is no model claim"
    set_aside = protected.reassurance([protected.Characteristic.MARITAL_STATUS]) + "\n\n" + answer
    assert answer_sentences(set_aside) == ["It does not protect you [1].", "It is costly [2]."]


def test_a_wrong_answer_misleads_only_when_it_does_not_say_it_may_not_answer():
    quote = "> “Mortgage insurance protects the lender.” [1]\n\n"
    answers = [
        (True, quote),
        (False, quote),
        (False, f"{prompts.WEAK_MATCH_LEAD}\n\n{quote}"),
        (True, quote + prompts.QUOTES_MAY_NOT_ANSWER),
    ]
    rows = [
        {
            "correct": correct,
            "unsure": says_unsure(answer),
            "answer": answer,
            "split": "report",
            "cited_right": True,
            "unsupported_released": [],
            "withheld": [],
            "ttft_ms": 1.0,
            "first_text_ms": 1.0,
            "answer_ms": 1.0,
        }
        for correct, answer in answers
    ]
    summary = summarise(rows, Settings(APFA_LLM_PROVIDER="fake"))
    assert summary["confidently_wrong_share"] == 0.25, "one wrong answer of four reads as the answer"
    assert summary["unsure_right"] == 1


def test_the_shipped_qa_set_is_split_and_names_real_source_files():
    items = load_items(DATA / "cfpb_qa.jsonl")
    assert len(items) >= 60
    assert {item.split for item in items} == {"tune", "report"}
    assert abs(sum(item.split == "tune" for item in items) - len(items) / 2) <= 1
    assert all(item.sources and item.must_contain and all(item.must_contain) for item in items)
    assert len({item.question for item in items}) == len(items)


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("cfpb_qa_hard.jsonl", "tune"),
        ("cfpb_qa_fresh.jsonl", "tune"),
        ("cfpb_qa_fresh2.jsonl", "tune"),
        ("cfpb_qa_fresh3.jsonl", "tune"),
        ("cfpb_qa_fresh4.jsonl", "tune"),
        ("cfpb_qa_fresh5.jsonl", "tune"),
        ("cfpb_qa_fresh6.jsonl", "tune"),
        ("cfpb_qa_fresh7.jsonl", "tune"),
        ("cfpb_qa_fresh8.jsonl", "tune"),
        ("cfpb_qa_fresh9.jsonl", "tune"),
        ("cfpb_qa_fresh10.jsonl", "tune"),
        ("cfpb_qa_fresh11.jsonl", "tune"),
        ("cfpb_qa_fresh12.jsonl", "tune"),
        ("cfpb_qa_fresh13.jsonl", "tune"),
        ("cfpb_qa_fresh14.jsonl", "tune"),
        ("cfpb_qa_fresh15.jsonl", "report"),
    ],
)
def test_the_extra_sets_keep_to_one_half_and_ask_nothing_the_main_set_asks(name, split):
    """The hard set is for tuning only. The fresh set was written after session 5's tuning and measured once for
    reporting (0.625); its misses were then read, so from session 6 on it is tuning data. The second fresh set was
    written before session 6's levers and measured once for reporting (0.593 with the 1.5B model, 11:48 UTC); its
    misses were then read, so it too is tuning data from then on. The third fresh set was written after session 6's
    levers and measured once (0.722 with the 1.5B model); its misses were read, so from session 7 on it is tuning
    data as well. The fourth fresh set was written in session 7 from the documents alone and measured once (1.5B
    0.833); its misses were read, so from session 8 on it is tuning data. The fifth fresh set was written in session
    8 from the documents alone and measured once (1.5B 0.650); its misses were read, so it is tuning data too. The
    sixth fresh set was written later in session 8 and measured once (1.5B 0.450); its misses were read, so it is
    tuning data as well. The seventh fresh set was written in session 9 and measured once (1.5B 0.550); its misses
    were read, so it is tuning data from then on. The eighth was written in session 9 after that session's levers
    and measured once in session 10 (1.5B 0.633); its misses were read, so it is tuning data too. The ninth was
    written in session 10 and measured once in session 11 (1.5B 0.600), the tenth written and measured once in
    session 11 (1.5B 0.467); both sets' answers were read by hand, so both are tuning data now. The eleventh was
    written in session 11 after that session's changes and measured once at the start of session 12 (1.5B 0.567);
    its misses were read, so it is tuning data now. The twelfth was written in session 12 after that session's
    changes and measured once at the start of session 13 (1.5B 0.350); its misses were read, so it is tuning data
    now. The thirteenth was written in session 13 and measured once at the start of session 14 (1.5B 0.717); its
    misses were read, so it is tuning data now. The fourteenth was written in session 14 from the documents alone and
    measured once at the start of session 16 (1.5B 0.483); its misses were read, so it is tuning data now. The
    fifteenth was written in session 16 from the documents alone, and is sealed (report only, never run)."""
    extra = load_items(DATA / name)
    main = {item.question.lower() for item in load_items(DATA / "cfpb_qa.jsonl")}
    assert len(extra) >= 40
    assert {item.split for item in extra} == {split}
    assert all(item.sources and item.must_contain and all(item.must_contain) for item in extra)
    assert not {item.question.lower() for item in extra} & main


def test_support_check_figures_come_from_labelled_sentences():
    report = evaluate_support(DATA / "support_labels.jsonl", split="tune")
    assert report["items"] >= 40
    assert 0.0 < report["precision_unsupported"] <= 1.0
    assert 0.0 < report["recall_unsupported"] <= 1.0


def test_eval_qa_ingests_the_documents_asks_through_the_graph_and_scores(tmp_path):
    settings = Settings(APFA_LLM_PROVIDER="fake", APFA_DATA_DIR=str(tmp_path / "data"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "fha.txt").write_text(
        "FHA loans\n\nFHA loans allow for down payments as low as 3.5 percent. "
        "Mortgage insurance is required for all FHA loans.\n"
    )
    (docs / "escrow.txt").write_text(
        "Escrow accounts\n\nHomeowner's association fees are often not included in the escrow account.\n"
    )
    dataset = tmp_path / "qa.jsonl"
    rows = [
        {
            "id": "a",
            "question": "whats the minimum down payment for an FHA loan",
            "must_contain": [["3.5"]],
            "sources": ["fha.txt"],
            "split": "tune",
        },
        {
            "id": "b",
            "question": "are HOA dues paid thru escrow?",
            "must_contain": [["not included"]],
            "sources": ["escrow.txt"],
            "split": "report",
        },
    ]
    dataset.write_text("".join(json.dumps(row) + "\n" for row in rows))
    lines: list[str] = []
    summary = evaluate_qa(EvalRun(dataset, split="all", docs=docs), settings, emit=lines.append)
    per_item = [json.loads(line) for line in lines]
    assert [row["id"] for row in per_item] == ["a", "b"]
    assert all(row["correct"] and row["cited_right"] for row in per_item), per_item
    assert per_item[0]["cited"] == ["fha.txt"]
    assert set(summary) >= {
        "items",
        "correct_share",
        "cited_share",
        "unsupported_sentences",
        "ttft_ms_p50",
        "ttft_ms_p95",
        "answer_ms_p50",
    }
    assert summary["items"] == 2 and summary["correct_share"] == 1.0 and summary["unsupported_sentences"] == 0


class _ServesModel(JsonReplies):
    """A ready llama.cpp-like server that serves `model`."""

    model = "qwen2.5-1.5b"

    def do_GET(self):  # noqa: N802 (the handler's API)
        self.reply_json(
            {"status": "ok"} if self.path == "/health" else {"object": "list", "data": [{"id": self.model}]}
        )


@pytest.fixture
def serving_1_5b():
    with serving(_ServesModel) as server:
        yield server.server_address[1]


def test_a_server_left_running_for_another_model_is_not_used_for_the_asked_one(serving_1_5b, monkeypatch):
    monkeypatch.setenv("APFA_LOCAL_LLM_PORT", str(serving_1_5b))
    monkeypatch.setenv("APFA_LLM_PROVIDER", "local")
    monkeypatch.setenv("APFA_LOCAL_MODEL", "qwen2.5-0.5b")
    served = local_model_served(Settings(_env_file=None))
    with pytest.raises(LocalModelError, match="serves qwen2.5-1.5b, not qwen2.5-0.5b"), served:
        pytest.fail("the 0.5B figures would have been the 1.5B's")


def test_a_server_already_serving_the_asked_model_is_used_as_it_is(serving_1_5b, monkeypatch):
    monkeypatch.setenv("APFA_LOCAL_LLM_PORT", str(serving_1_5b))
    monkeypatch.setenv("APFA_LLM_PROVIDER", "local")
    monkeypatch.setenv("APFA_LOCAL_MODEL", "qwen2.5-1.5b")
    spawned = []
    monkeypatch.setattr("agents.local_llm.spawn_server", lambda *a, **k: spawned.append(a))
    with local_model_served(Settings(_env_file=None)):
        pass
    assert spawned == []


def test_a_released_sentence_may_restate_the_borrower_s_figure_but_not_invent_one():
    passage = "If you have a credit score in the mid-600s or below, you might be offered ARMs with risky features."
    citations = [Citation(1, "doc", "Choosing a mortgage", 1, "", start=0, end=len(passage))]
    chunks = {("doc", 0): passage}
    quote = f"> “{passage}” [1]\n\n"
    own = "With a credit score of about 615, you might be offered ARMs with risky features [1]."
    invented = "With a credit score below 580, you might be offered ARMs with risky features [1]."
    question = "My score is about 615, what should I watch for in an ARM?"
    assert unsupported_released(quote + own, citations, chunks, question) == []
    assert unsupported_released(quote + invented, citations, chunks, question) == [invented]
