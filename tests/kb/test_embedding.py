"""The packaged MiniLM model embeds offline, normalised, in input order, with progress per batch."""

from __future__ import annotations

import os

import numpy as np
import pytest

from kb.embedding import Embedder, get_embedder, model_path


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return get_embedder()


def test_model_comes_from_the_installed_package_with_the_hub_off(embedder: Embedder):
    assert (model_path() / "model.safetensors").is_file()
    assert "site-packages" in str(model_path())
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert get_embedder() is embedder, "one model per process"


def test_vectors_are_normalised_float32_in_input_order(embedder: Embedder):
    texts = [
        "Short.",
        "A much longer passage about how private mortgage insurance is cancelled once equity reaches 20%. " * 3,
        "Escrow pays property taxes.",
    ]
    progress: list[tuple[int, int]] = []
    embedder.batch_size = 2

    vectors = embedder.embed_documents(texts, on_progress=lambda done, total: progress.append((done, total)))

    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for text, vector in zip(texts, vectors, strict=True):
        np.testing.assert_allclose(vector, embedder.embed_query(text), atol=1e-4)
    assert progress == [(0, 3), (2, 3), (3, 3)]
    embedder.batch_size = 32


def test_similar_meanings_score_higher_than_unrelated_text(embedder: Embedder):
    query = embedder.embed_query("How do I stop paying mortgage insurance?")
    related, unrelated = embedder.embed_documents(
        [
            "You can ask your lender to cancel PMI when you reach 20 percent equity.",
            "The recipe needs two cups of flour and a pinch of salt.",
        ]
    )
    assert float(query @ related) > float(query @ unrelated) + 0.2


def test_no_text_gives_an_empty_matrix(embedder: Embedder):
    assert embedder.embed_documents([]).shape == (0, 384)


@pytest.mark.parametrize(
    "question",
    [
        "PMI?",
        "When can I stop paying private mortgage insurance on a conventional loan?",
        "Explain every fee on my closing disclosure. " * 60,
    ],
    ids=["one word", "a question", "longer than the model's 256 tokens"],
)
def test_a_question_gets_the_same_vector_as_a_passage_with_the_same_text(embedder: Embedder, question: str):
    """Questions take a faster frozen path; it must land on exactly the vectors the passages were indexed with."""
    as_question = embedder.embed_query(question)
    as_passage = embedder.embed_documents([question])[0]

    assert as_question.dtype == np.float32 and as_question.shape == (embedder.dimension,)
    assert np.abs(as_question - as_passage).max() < 1e-5
