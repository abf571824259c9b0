"""`apfa eval …` (quality on a data set) and `apfa bench …` (speed figures): one `add_*` function per command.

Each adds its parser and sets `func`, which returns the process exit code. Figures are printed, and the last line
of every command is one JSON object, so scripts and docs/benchmarks.md can quote it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console


def register_measurement_commands(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser("eval", help="measure quality on a data set")
    eval_commands = evaluate.add_subparsers(dest="eval_command", required=True)
    add_eval_retrieval(eval_commands)

    bench = commands.add_parser("bench", help="speed benchmarks that print figures")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True)
    add_bench_embed(bench_commands)
    add_bench_search(bench_commands)
    add_bench_turn(bench_commands)
    add_bench_persist(bench_commands)


def _print_report(report: dict) -> int:
    print(json.dumps(report))
    return 0


def add_eval_retrieval(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("retrieval", help="nDCG@10, recall and MRR on a BEIR-format dataset")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--qrels", required=True)
    parser.add_argument("--split-name", default="test")

    def run(args: argparse.Namespace) -> int:
        from evals.retrieval import evaluate_retrieval

        return _print_report(
            evaluate_retrieval(
                corpus=Path(args.corpus),
                queries=Path(args.queries),
                qrels=Path(args.qrels),
                split_name=args.split_name,
                console=Console(),
            )
        )

    parser.set_defaults(func=run)


def add_bench_embed(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("embed", help="embedding docs/s and tokens/s against this machine's bound")
    parser.add_argument("--corpus", required=True, help="BEIR corpus.jsonl")
    parser.add_argument("--limit", type=int, default=2000)

    def run(args: argparse.Namespace) -> int:
        from evals.index_bench import bench_embed

        return _print_report(bench_embed(corpus=Path(args.corpus), limit=args.limit, console=Console()))

    parser.set_defaults(func=run)


def add_bench_search(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("search", help="search latency and recall by index size")
    parser.add_argument("--corpus", required=True, help="BEIR corpus.jsonl whose embeddings seed the index")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000, 1_000_000])
    parser.add_argument(
        "--sample", type=int, default=1500, help="real chunks to embed (or take from the eval cache) before growing"
    )

    def run(args: argparse.Namespace) -> int:
        from evals.index_bench import bench_search

        return _print_report(
            bench_search(corpus=Path(args.corpus), sizes=args.sizes, sample=args.sample, console=Console())
        )

    parser.set_defaults(func=run)


def add_bench_turn(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("turn", help="time each stage of a chat turn with the configured model")
    parser.add_argument("--rounds", type=int, default=1)

    def run(args: argparse.Namespace) -> int:
        from evals.turn_bench import bench_turn

        return _print_report(bench_turn(rounds=args.rounds, console=Console()))

    parser.set_defaults(func=run)


def add_bench_persist(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("persist", help="time the database writes that store one chat turn")
    parser.add_argument("--turns", type=int, default=30)

    def run(args: argparse.Namespace) -> int:
        from evals.persist_bench import bench_persist

        return _print_report(bench_persist(turns=args.turns, console=Console()))

    parser.set_defaults(func=run)
