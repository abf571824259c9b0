"""Speed benchmarks that print figures against what this machine can do at best.

`bench_embed` compares the embedder's achieved FLOP rate with the machine's measured matmul rate for the
same precision, so "slow" has a meaning: a transformer encoder is mostly matmuls, so the matmul rate is the
bound it can approach but not beat.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from apfa.settings import Settings
from evals.beir import read_corpus, read_query_texts
from evals.embedding_cache import embed_with_cache
from kb.embedding import Embedder, Precision

MATMUL_SIZE = 1024
MATMUL_SECONDS = 1.5


def matmul_gflops(precision: Precision, size: int = MATMUL_SIZE, seconds: float = MATMUL_SECONDS) -> float:
    """Sustained square-matmul rate with torch's current thread count; stops after about `seconds`.

    A precision without hardware support (bf16 on AVX2) is emulated hundreds of times slower; then the
    warm-up alone already measures it.
    """
    import torch

    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    left, right = torch.randn(size, size, dtype=dtype), torch.randn(size, size, dtype=dtype)
    started = time.perf_counter()
    left @ right
    warm_up = time.perf_counter() - started
    if warm_up >= seconds / 4:
        return 2 * size**3 / warm_up / 1e9
    runs, started = 0, time.perf_counter()
    while True:
        left @ right
        runs += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return 2 * size**3 * runs / elapsed / 1e9


def flops_per_token(config, sequence_length: float) -> float:
    """Forward FLOPs per token of a BERT-style encoder: projections, feed-forward and attention (2 per MAC)."""
    hidden, layers = config.hidden_size, config.num_hidden_layers
    projections = 4 * hidden * hidden
    feed_forward = 2 * hidden * config.intermediate_size
    attention = 2 * sequence_length * hidden
    return 2.0 * layers * (projections + feed_forward + attention)


def bench_embed(
    corpus: Path,
    limit: int = 2000,
    console: Console | None = None,
    embedder: Embedder | None = None,
    matmul_seconds: float = MATMUL_SECONDS,
) -> dict:
    """Embed `limit` passages per precision and report docs/s, tokens/s and achieved/bound.

    bf16 is embedded only where its matmul rate beats fp32's (AMX or AVX512-BF16); elsewhere torch
    emulates it far below fp32 speed and the figure would only measure the emulation.
    """
    import torch

    console = console or Console()
    embedder = embedder or Embedder(precision="fp32")
    passages = list(read_corpus(corpus, limit).values())
    token_counts = [
        len(ids) for ids in embedder.tokenizer(passages, truncation=True, max_length=embedder.max_tokens)["input_ids"]
    ]
    tokens = int(sum(token_counts))
    mean_length = tokens / max(1, len(passages))
    config = embedder.transformer_config
    per_token = flops_per_token(config, mean_length)
    bounds = {precision: matmul_gflops(precision, seconds=matmul_seconds) for precision in ("fp32", "bf16")}
    report: dict = {
        "model": embedder.name,
        "docs": len(passages),
        "tokens": tokens,
        "mean_tokens": round(mean_length, 1),
        "torch_threads": torch.get_num_threads(),
        "batch_size": embedder.batch_size,
        "flops_per_token": round(per_token),
        "matmul_gflops": {precision: round(rate, 1) for precision, rate in bounds.items()},
        "runs": {},
    }
    reference: np.ndarray | None = None
    original_precision = embedder.precision
    try:
        for precision in ("fp32", "bf16"):
            if precision == "bf16" and bounds["bf16"] <= bounds["fp32"]:
                report["runs"]["bf16"] = {"skipped": f"bf16 matmul {bounds['bf16']:.1f} GFLOP/s is below fp32"}
                continue
            embedder.precision = precision
            embedder.embed_documents(passages[: embedder.batch_size])
            started = time.perf_counter()
            vectors = embedder.embed_documents(passages)
            elapsed = time.perf_counter() - started
            achieved = tokens * per_token / elapsed / 1e9
            run = {
                "docs_per_s": round(len(passages) / elapsed, 2),
                "tokens_per_s": round(tokens / elapsed, 1),
                "achieved_gflops": round(achieved, 2),
                "bound_gflops": round(bounds[precision], 1),
                "achieved_over_bound": round(achieved / bounds[precision], 3),
            }
            if reference is None:
                reference = vectors
            else:
                run["max_cosine_diff_vs_fp32"] = round(float(np.max(1.0 - np.sum(reference * vectors, axis=1))), 5)
            report["runs"][precision] = run
    finally:
        embedder.precision = original_precision
    console.print(_embed_table(report))
    return report


def _embed_table(report: dict) -> Table:
    table = Table(
        title=(
            f"{report['model']}: {report['docs']} passages, {report['mean_tokens']} tokens each, "
            f"{report['flops_per_token'] / 1e6:.1f} MFLOP/token, {report['torch_threads']} threads"
        )
    )
    for column in ("precision", "docs/s", "tokens/s", "achieved GFLOP/s", "matmul bound GFLOP/s", "achieved/bound"):
        table.add_column(column, justify="right")
    for precision, run in report["runs"].items():
        if "skipped" in run:
            table.add_row(precision, "-", "-", "-", str(report["matmul_gflops"][precision]), run["skipped"])
            continue
        table.add_row(
            precision,
            f"{run['docs_per_s']:.1f}",
            f"{run['tokens_per_s']:.0f}",
            f"{run['achieved_gflops']:.1f}",
            f"{run['bound_gflops']:.1f}",
            f"{run['achieved_over_bound']:.0%}",
        )
    return table


# ---- index search ------------------------------------------------------------------------------------

SEARCH_BENCH_K = 10
SEARCH_RECALL_TARGET = 0.97
SEARCH_SAMPLE_PASSAGES = 1500
SEARCH_QUERY_COUNT = 300
SEARCH_NEIGHBOURS = 10
SEARCH_HNSW_MAX_SIZE = 500_000


def bench_search(
    corpus: Path,
    sizes: list[int],
    settings: Settings,
    console,
    *,
    sample: int = SEARCH_SAMPLE_PASSAGES,
    queries: Path | None = None,
    query_count: int = SEARCH_QUERY_COUNT,
    hnsw_max_size: int = SEARCH_HNSW_MAX_SIZE,
) -> dict:
    """Flat vs the store's IVF (and HNSW) by index size: single-query p50/p95, recall@10 vs flat, build, memory.

    Vectors are real MiniLM embeddings of corpus chunks; sizes beyond the sample are reached by mixing each
    real vector with two of its nearest real neighbours (see docs/benchmarks.md), never with random vectors,
    whose even spread over the sphere gives IVF recall figures that do not hold for text.
    """
    import os

    import faiss
    import numpy as np

    from kb.embedding import get_embedder

    cache = settings.data_dir / "eval_cache"
    embedder = get_embedder()
    queries = queries or _default_queries(corpus)
    passages = _real_passage_vectors(Path(corpus), sample, embedder, settings, console)
    query_texts = read_query_texts(queries, query_count)
    query_vectors, _ = embed_with_cache(query_texts, embedder, cache, console)
    console.print(f"real vectors: {len(passages)} passages, {len(query_vectors)} queries")

    largest = max(sizes)
    vectors = _grow_from_real(passages, largest, console)
    report: dict = {
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()[0], "faiss": faiss.__version__},
        "embedding_model": embedder.name,
        "dimension": int(vectors.shape[1]),
        "real_vectors": len(passages),
        "queries": len(query_vectors),
        "ivf_threshold": settings.ivf_threshold,
        "recall_target": SEARCH_RECALL_TARGET,
        "sizes": {},
    }
    for size in sorted(sizes):
        console.print(f"[bold]{size:,} vectors[/bold]")
        report["sizes"][str(size)] = _bench_one_size(
            np.ascontiguousarray(vectors[:size]), query_vectors, console, with_hnsw=size <= hnsw_max_size
        )
    report["machine"]["load_average_after"] = os.getloadavg()[0]
    _print_search_table(report, console)
    return report


def _default_queries(corpus: Path) -> Path:
    """A BEIR corpus comes with its queries beside it; pass `queries` when they live elsewhere."""
    beside = Path(corpus).with_name("queries.jsonl")
    if not beside.exists():
        raise FileNotFoundError(f"no queries.jsonl beside {corpus}; pass the queries file explicitly")
    return beside


def _real_passage_vectors(corpus: Path, sample: int, embedder, settings: Settings, console):
    """Product vectors of the first `sample` corpus chunks (title + text through the upload chunker).

    They share `apfa eval retrieval`'s content-addressed cache, so after a retrieval evaluation of the same
    corpus every chunk is already embedded and the whole corpus can seed the index at no cost.
    """
    from ingest.chunking import chunk_pages
    from ingest.parsing import Page

    texts: list[str] = []
    for text in read_corpus(corpus, sample).values():
        pages = [Page(number=1, text=text)]
        texts.extend(chunk.text for chunk in chunk_pages(pages, settings.chunk_size, settings.chunk_overlap))
    vectors, _ = embed_with_cache(texts[:sample], embedder, settings.data_dir / "eval_cache", console)
    return vectors


def _grow_from_real(real, size: int, console):
    """`real` followed by convex mixtures w1·a + w2·b + w3·c of a real vector a and two of its 10 nearest
    real neighbours b, c (Dirichlet(1, 1, 1) weights), re-normalised: new points fill the small patches
    between related passages, so they stay on the data's own manifold instead of spreading like noise."""
    import faiss
    import numpy as np

    if size <= len(real):
        return real[:size]
    started = time.perf_counter()
    flat = faiss.IndexFlatIP(real.shape[1])
    flat.add(real)
    _, neighbours = flat.search(real, SEARCH_NEIGHBOURS + 1)
    rng = np.random.default_rng(20240601)
    grown = np.empty((size, real.shape[1]), dtype=np.float32)
    grown[: len(real)] = real
    for start in range(len(real), size, 100_000):
        count = min(100_000, size - start)
        base = rng.integers(0, len(real), count)
        picks = np.argsort(rng.random((count, SEARCH_NEIGHBOURS)), axis=1)[:, :2] + 1
        partners = np.take_along_axis(neighbours[base], picks, axis=1)
        weights = rng.dirichlet((1.0, 1.0, 1.0), count).astype(np.float32)
        mixed = weights[:, :1] * real[base] + weights[:, 1:2] * real[partners[:, 0]]
        mixed += weights[:, 2:] * real[partners[:, 1]]
        grown[start : start + count] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    console.print(f"grew {len(real)} real vectors to {size:,} in {time.perf_counter() - started:.1f} s")
    return grown


def _bench_one_size(vectors, query_vectors, console, *, with_hnsw: bool) -> dict:
    import faiss
    import numpy as np

    from kb.store import build_ivf

    ids = np.arange(len(vectors), dtype=np.int64)
    started = time.perf_counter()
    flat = faiss.IndexIDMap(faiss.IndexFlatIP(vectors.shape[1]))
    flat.add_with_ids(vectors, ids)
    flat_build = time.perf_counter() - started
    _, truth = flat.search(query_vectors, SEARCH_BENCH_K)
    result = {
        "flat": {
            **_latency(flat, query_vectors, None),
            "recall_at_10": 1.0,
            "build_s": round(flat_build, 2),
            "memory_mb": _index_megabytes(flat),
        }
    }
    console.print(f"  flat: {result['flat']}")

    started = time.perf_counter()
    ivf, meta = build_ivf(vectors, ids)
    ivf_build = time.perf_counter() - started
    sweep = {}
    for nprobe in sorted({8, 16, 32, 48, 64, 96, 128, 192, 256, meta["nprobe"]}):
        if nprobe > meta["nlist"]:
            continue
        params = faiss.SearchParametersIVF()
        params.nprobe = nprobe
        _, found = ivf.search(query_vectors, SEARCH_BENCH_K, params=params)
        sweep[nprobe] = _recall(found, truth)
    enough = [nprobe for nprobe, recall in sorted(sweep.items()) if recall >= SEARCH_RECALL_TARGET]
    store_params = faiss.SearchParametersIVF()
    store_params.nprobe = meta["nprobe"]
    result["ivf"] = {
        **_latency(ivf, query_vectors, store_params),
        "recall_at_10": sweep[meta["nprobe"]],
        "nlist": meta["nlist"],
        "nprobe": meta["nprobe"],
        "min_nprobe_for_target": enough[0] if enough else None,
        "recall_by_nprobe": {str(key): value for key, value in sweep.items()},
        "build_s": round(ivf_build, 2),
        "memory_mb": _index_megabytes(ivf),
    }
    console.print(f"  ivf: {result['ivf']}")
    del ivf

    if with_hnsw:
        started = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 40
        hnsw.add(vectors)
        hnsw_build = time.perf_counter() - started
        by_ef = {}
        swig: Any = faiss  # faiss's stubs lack some SWIG classes (SearchParametersHNSW)
        for ef in (32, 64, 128, 256):
            params = swig.SearchParametersHNSW()
            params.efSearch = ef
            _, found = hnsw.search(query_vectors, SEARCH_BENCH_K, params=params)
            by_ef[ef] = _recall(found, truth)
        chosen = next((ef for ef, recall in by_ef.items() if recall >= SEARCH_RECALL_TARGET), 256)
        params = swig.SearchParametersHNSW()
        params.efSearch = chosen
        result["hnsw"] = {
            **_latency(hnsw, query_vectors, params),
            "recall_at_10": by_ef[chosen],
            "M": 32,
            "ef_search": chosen,
            "recall_by_ef_search": {str(key): value for key, value in by_ef.items()},
            "build_s": round(hnsw_build, 2),
            "memory_mb": _index_megabytes(hnsw),
        }
        console.print(f"  hnsw: {result['hnsw']}")
        del hnsw
    return result


def _latency(index, query_vectors, params) -> dict:
    """p50/p95 of one query at a time on one FAISS thread, as the chat process serves them.

    Wall time includes waiting for a core on a busy machine; thread CPU time does not, so both are kept.
    """
    import faiss
    import numpy as np

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        wall, cpu = [], []
        for row in range(len(query_vectors)):
            query = query_vectors[row : row + 1]
            wall_start, cpu_start = time.perf_counter(), time.thread_time()
            index.search(query, SEARCH_BENCH_K, params=params)
            cpu.append((time.thread_time() - cpu_start) * 1000)
            wall.append((time.perf_counter() - wall_start) * 1000)
    finally:
        faiss.omp_set_num_threads(threads)
    wall_p50, wall_p95 = np.percentile(wall, [50, 95])
    cpu_p50, cpu_p95 = np.percentile(cpu, [50, 95])
    return {
        "p50_ms": round(float(wall_p50), 3),
        "p95_ms": round(float(wall_p95), 3),
        "cpu_p50_ms": round(float(cpu_p50), 3),
        "cpu_p95_ms": round(float(cpu_p95), 3),
    }


def _recall(found, truth) -> float:
    pairs = zip(found.tolist(), truth.tolist(), strict=True)
    hits = sum(len(set(row_found) & set(row_truth)) for row_found, row_truth in pairs)
    return round(hits / truth.size, 4)


def _index_megabytes(index) -> float:
    """Bytes the index holds in memory (vectors, ids, lists, graph links), computed from its structures."""
    import faiss

    # faiss's stubs type invlists as optional and lack DirectMap and the HNSW graph's arrays: the SWIG objects are
    # read as Any here, after the isinstance checks that pick the branch
    swig: Any = faiss
    index = faiss.downcast_index(index)
    if isinstance(index, faiss.IndexIDMap):
        inner = faiss.downcast_index(index.index)
        size = inner.ntotal * inner.d * 4 + index.ntotal * 8
    elif isinstance(index, faiss.IndexIVF):
        lists: Any = index.invlists
        size = lists.compute_ntotal() * (index.code_size + 8) + index.nlist * index.d * 4
        if index.direct_map.type != swig.DirectMap.NoMap:
            size += index.ntotal * 16
    elif isinstance(index, faiss.IndexHNSW):
        graph: Any = index.hnsw
        size = index.ntotal * index.d * 4 + graph.neighbors.size() * 4 + graph.levels.size() * 4
        size += graph.offsets.size() * 8
    else:
        size = index.ntotal * index.d * 4
    return round(size / (1024 * 1024), 1)


def _print_search_table(report: dict, console) -> None:
    from rich.table import Table

    table = Table(title=f"Search, k={SEARCH_BENCH_K}, one FAISS thread per query")
    columns = ("vectors", "index", "p50 ms", "p95 ms", "CPU p50", "CPU p95", "recall@10", "build s", "MB", "params")
    for column in columns:
        table.add_column(column)
    describe = {
        "ivf": lambda figures: f"nlist={figures['nlist']} nprobe={figures['nprobe']}",
        "hnsw": lambda figures: f"M={figures['M']} efSearch={figures['ef_search']}",
    }
    for size, kinds in report["sizes"].items():
        for kind, figures in kinds.items():
            timings = [figures[name] for name in ("p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms")]
            table.add_row(
                f"{int(size):,}",
                kind,
                *(f"{value:.2f}" for value in timings),
                f"{figures['recall_at_10']:.3f}",
                f"{figures['build_s']:.1f}",
                f"{figures['memory_mb']:.0f}",
                describe[kind](figures) if kind in describe else "",
            )
    console.print(table)
