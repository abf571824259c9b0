"""`apfa bench embed` figures and the precision switch: small inputs, so the file stays fast."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from rich.console import Console

from apfa.settings import Settings
from evals.index_bench import bench_embed, flops_per_token, matmul_gflops
from kb.embedding import Embedder, get_embedder

PASSAGES = [
    "Escrow accounts collect property taxes and insurance with each monthly mortgage payment.",
    "Private mortgage insurance can be cancelled once the loan balance reaches 80 percent of value.",
    "An adjustable-rate mortgage has a fixed introductory rate, then adjusts within caps.",
    "Closing costs usually run between two and five percent of the purchase price.",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return get_embedder()


def test_flops_per_token_counts_projections_feed_forward_and_attention():
    minilm = SimpleNamespace(hidden_size=384, num_hidden_layers=6, intermediate_size=1536)
    per_layer_macs = 4 * 384 * 384 + 2 * 384 * 1536 + 2 * 128 * 384
    assert flops_per_token(minilm, 128) == 2 * 6 * per_layer_macs == 22_413_312


def test_matmul_rate_is_measured_not_assumed():
    assert matmul_gflops("fp32", size=128, seconds=0.05) > 0.1


def test_bench_embed_reports_rates_against_the_measured_bound(embedder: Embedder, tmp_path: Path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(json.dumps({"_id": str(i), "title": "", "text": text}) + "\n" for i, text in enumerate(PASSAGES)),
        encoding="utf-8",
    )
    console = Console(record=True, width=160)

    report = bench_embed(corpus, limit=3, console=console, embedder=embedder, matmul_seconds=0.2)

    assert report["docs"] == 3 and report["tokens"] > 3 * 10
    fp32 = report["runs"]["fp32"]
    assert fp32["docs_per_s"] > 0 and fp32["tokens_per_s"] > fp32["docs_per_s"]
    assert fp32["achieved_over_bound"] > 0 and fp32["bound_gflops"] == report["matmul_gflops"]["fp32"]
    bf16 = report["runs"]["bf16"]
    assert "skipped" in bf16 or bf16["max_cosine_diff_vs_fp32"] < 0.01
    assert "achieved/bound" in console.export_text()
    assert embedder.precision == "fp32", "the benchmark leaves the shared embedder as it found it"


def test_bf16_autocast_gives_float32_vectors_close_to_fp32(embedder: Embedder):
    reference = embedder.embed_documents(PASSAGES[:2])
    embedder.precision = "bf16"
    try:
        reduced = embedder.embed_documents(PASSAGES[:2])
    finally:
        embedder.precision = "fp32"
    assert reduced.dtype == np.float32
    assert np.min(np.sum(reference * reduced, axis=1)) > 0.99


def test_precision_comes_from_the_environment_and_rejects_typos(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("APFA_EMBED_PRECISION", raising=False)
    assert Settings().embed_precision == "fp32"
    monkeypatch.setenv("APFA_EMBED_PRECISION", "bf16")
    assert Settings().embed_precision == "bf16"
    monkeypatch.setenv("APFA_EMBED_PRECISION", "fp8")
    with pytest.raises(ValueError, match="APFA_EMBED_PRECISION"):
        Settings()
