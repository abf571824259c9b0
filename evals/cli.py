"""`apfa eval …` (quality on a data set) and `apfa bench …` (speed figures): one `add_*` function per command.

Each adds its parser and, through `_prints_report`, sets `func`, which returns the process exit code. Figures are
printed, and the last line of every command is one JSON object, so scripts and docs/benchmarks.md can quote it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from apfa.processes import stop_on_sigterm
from apfa.settings import get_settings
from evals.run import EvalRun, optional_path


def register_measurement_commands(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser("eval", help="measure quality on a data set")
    eval_commands = evaluate.add_subparsers(dest="eval_command", required=True)
    for add_eval in (
        add_eval_retrieval,
        add_eval_calc,
        add_eval_loan_estimates,
        add_eval_qa,
        add_eval_support,
        add_eval_pii,
        add_eval_safety,
        add_eval_fairness,
    ):
        add_eval(eval_commands)

    bench = commands.add_parser("bench", help="speed benchmarks that print figures")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True)
    for add_bench in (add_bench_embed, add_bench_search, add_bench_turn, add_bench_persist, add_bench_cache):
        add_bench(bench_commands)


Measure = Callable[[argparse.Namespace], dict]


def _prints_report(parser: argparse.ArgumentParser) -> Callable[[Measure], Measure]:
    """Makes the decorated measurement the parser's `func`: its report is printed as one JSON line, exit code 0."""

    def register(measure: Measure) -> Measure:
        def run(args: argparse.Namespace) -> int:
            stop_on_sigterm()  # a measurement may have started the local model: it must not outlive the command
            print(json.dumps(measure(args)))
            return 0

        parser.set_defaults(func=run)
        return measure

    return register


FRESH_DATA_DIRECTORY = "ingest this directory into a fresh data directory first"


def _add_split(parser: argparse.ArgumentParser, *, with_all: bool = True, help: str | None = None) -> None:
    """`--split`: one half of a data set; `with_all` adds "all" as the default, else the default is both halves."""
    if with_all:
        parser.add_argument("--split", choices=["tune", "report", "all"], default="all", help=help)
    else:
        parser.add_argument("--split", choices=["tune", "report"], default=None, help=help)


def _add_docs(parser: argparse.ArgumentParser, help: str = FRESH_DATA_DIRECTORY) -> None:
    parser.add_argument("--docs", help=help)


def _add_qa_questions(parser: argparse.ArgumentParser, dataset_help: str, limit_help: str) -> None:
    """The flags that pick the questions of an `apfa eval qa` data set (`EvalRun`): the data set, the documents to
    index first, the half and how many."""
    parser.add_argument("--dataset", required=True, help=dataset_help)
    _add_docs(parser)
    _add_split(parser)
    parser.add_argument("--limit", type=int, help=limit_help)


def add_eval_retrieval(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("retrieval", help="nDCG@10, recall and MRR on a BEIR-format dataset")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--qrels", required=True)
    parser.add_argument("--split-name", default="test")

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.retrieval import evaluate_retrieval

        return evaluate_retrieval(
            corpus=Path(args.corpus),
            queries=Path(args.queries),
            qrels=Path(args.qrels),
            settings=get_settings(),
            split_name=args.split_name,
            console=Console(),
        )


def add_eval_calc(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("calc", help="loan-math figures for borrowers' questions, through the chat's graph")
    parser.add_argument("--dataset", required=True, help="JSONL: question, expected, tolerance, history, figure, split")
    _add_split(parser)
    parser.add_argument(
        "--method", choices=["parser", "model"], default="parser", help="model: the local LLM fills a JSON scenario"
    )
    parser.add_argument("--per-calculator", type=int, help="with --method model: the first N cases of each calculator")

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        if args.method == "model":
            from evals.calc_extraction import evaluate_extraction

            return evaluate_extraction(EvalRun.from_args(args), get_settings(), args.per_calculator, console=Console())
        from evals.calc import evaluate_calc

        return evaluate_calc(EvalRun.from_args(args), get_settings(), console=Console())


def add_eval_loan_estimates(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("loan-estimates", help="Loan Estimate fields read right (blanks reported missing)")
    parser.add_argument("--dataset", required=True, help="JSONL: id, fields, split, file (a PDF in --docs) or drawn")
    _add_docs(parser, "directory holding the real forms named by `file` (e.g. the CFPB sample)")
    _add_split(parser)

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.loan_estimates import evaluate_loan_estimates

        return evaluate_loan_estimates(EvalRun.from_args(args), console=Console())


def add_eval_qa(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("qa", help="answer accuracy, citations, support and speed on a QA data set")
    _add_qa_questions(parser, "JSONL: question, must_contain, sources, split", "only the first N items of the split")

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.qa import evaluate_qa

        return evaluate_qa(EvalRun.from_args(args), get_settings())


def add_eval_support(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("support", help="precision/recall of the answer support check on labelled sentences")
    parser.add_argument("--dataset", required=True, help="JSONL: sentence, passage, supported, split")
    _add_split(parser)
    parser.add_argument("--min-overlap", type=float, default=0.6)

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.support import evaluate_support

        return evaluate_support(Path(args.dataset), split=args.split, min_overlap=args.min_overlap)


def add_eval_pii(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("pii", help="PII guard precision/recall per type, leaked values, false positives")
    parser.add_argument("--dataset", required=True, help="JSONL {text, spans, split} or presidio-research JSON")
    _add_split(parser, with_all=False, help="score one half only")

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.pii import evaluate_pii

        return evaluate_pii(Path(args.dataset), split=args.split, console=Console())


def add_eval_safety(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("safety", help="out-of-role requests and document injections handled safely")
    parser.add_argument("--dataset", required=True, help="JSONL probes: kind, expect, message[, document]")
    _add_docs(parser, "ingest this directory as the shared knowledge base first")
    _add_split(parser)
    parser.add_argument(
        "--benign", nargs="+", default=[], help="JSONL sets of ordinary messages: count what the guard would refuse"
    )

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.safety import evaluate_safety

        benign = [Path(path) for path in args.benign]
        return evaluate_safety(EvalRun.from_args(args), get_settings(), benign=benign)


def add_eval_fairness(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("fairness", help="counterfactual groups: violations and consistency of answers")
    parser.add_argument("--dataset", required=True, help="JSONL groups {group_id, attribute, variants}")
    _add_split(parser, with_all=False)
    parser.add_argument("--limit", type=int, help="only the first N groups")
    parser.add_argument("--recogniser", action="store_true", help="score tools.protected on labelled messages")
    _add_docs(parser)
    parser.add_argument("--answers", help="append every variant's answer to this JSONL file (for review)")
    parser.add_argument("--score-answers", help="score the answers saved by an earlier --answers run; no model")

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.fairness import evaluate_fairness, evaluate_recogniser, score_saved_answers

        eval_run = EvalRun.from_args(args)
        if args.recogniser:
            return evaluate_recogniser(eval_run, console=Console())
        if args.score_answers:
            return score_saved_answers(eval_run, Path(args.score_answers), console=Console())
        return evaluate_fairness(eval_run, get_settings(), answers_out=optional_path(args.answers), console=Console())


def add_bench_embed(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("embed", help="embedding docs/s and tokens/s against this machine's bound")
    parser.add_argument("--corpus", required=True, help="BEIR corpus.jsonl")
    parser.add_argument("--limit", type=int, default=2000)

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.index_bench import bench_embed

        return bench_embed(corpus=Path(args.corpus), limit=args.limit, console=Console())


def add_bench_search(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("search", help="search latency and recall by index size")
    parser.add_argument("--corpus", required=True, help="BEIR corpus.jsonl whose embeddings seed the index")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000, 1_000_000])
    parser.add_argument(
        "--sample", type=int, default=1500, help="real chunks to embed (or take from the eval cache) before growing"
    )

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.index_bench import bench_search

        return bench_search(
            corpus=Path(args.corpus),
            sizes=args.sizes,
            settings=get_settings(),
            sample=args.sample,
            console=Console(),
        )


def add_bench_turn(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("turn", help="time each stage of a chat turn with the configured model")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dataset", help="take the questions from an `apfa eval qa` data set")
    _add_split(parser)
    parser.add_argument("--limit", type=int, help="only the first N questions of the data set")

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.turn_bench import bench_turn

        questions = None
        if args.dataset:
            from evals.qa import items_of

            questions = [item.question for item in items_of(EvalRun.from_args(args))]
        return bench_turn(get_settings(), rounds=args.rounds, console=Console(), questions=questions)


def add_bench_persist(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("persist", help="time the database writes that store one chat turn")
    parser.add_argument("--turns", type=int, default=30)

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.persist_bench import bench_persist

        url = get_settings().effective_database_url
        return bench_persist(url, turns=args.turns, console=Console())


def add_bench_cache(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("cache", help="answer-cache hit rate and latency on a replay with repeats")
    _add_qa_questions(parser, "an `apfa eval qa` data set (its questions are replayed)", "only the first N questions")
    parser.add_argument("--repeats", type=int, default=3, help="times each question is asked again, reworded")
    parser.add_argument("--seed", type=int, default=7)

    @_prints_report(parser)
    def run(args: argparse.Namespace) -> dict:
        from evals.cache_bench import bench_cache

        return bench_cache(EvalRun.from_args(args), get_settings(), repeats=args.repeats, seed=args.seed)
