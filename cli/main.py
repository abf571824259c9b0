"""The `apfa` command: run the product, the worker, ingestion, one-off questions, user management, and the
measurement commands of `evals` (`apfa eval …`, `apfa bench …`).

This package is an edge: it wires the product packages and `evals` together; nothing imports it.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from dataclasses import asdict
from pathlib import Path

from rich.console import Console

from apfa.settings import get_settings
from evals.cli import register_measurement_commands

ROLES = ("borrower", "advisor", "admin", "super_admin")


def cmd_run(args: argparse.Namespace) -> int:
    from chat.runner import run

    return run(get_settings(), with_worker=not args.no_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    from ingest.jobs import run_worker

    run_worker(get_settings(), burst=args.burst, shared_redactor=_redact_text)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.batch import ingest_paths
    from ingest.jobs import QueueUnavailableError

    owner = args.user or "system"
    if args.scope == "private" and not args.user:
        Console(stderr=True).print("[red]--scope private needs --user NAME (the document's owner).[/red]")
        return 2
    try:
        summary = ingest_paths(
            get_settings(),
            [Path(p) for p in args.paths],
            scope=args.scope,
            owner=owner,
            wait=args.wait,
            console=Console(),
            shared_redactor=_redact_text,
        )
    except QueueUnavailableError as error:
        Console(stderr=True).print(f"[red]{error}[/red]")
        return 1
    return 1 if summary.failed else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from agents.turn import TurnContext, TurnResult, build_turn_graph, stream_turn

    settings = get_settings()
    graph, context = build_turn_graph(settings), TurnContext.from_settings(settings)

    async def ask() -> TurnResult:
        result: TurnResult | None = None
        async for item in stream_turn(args.question, user=args.user, history=[], graph=graph, context=context):
            if isinstance(item, TurnResult):
                result = item
            elif not args.json:
                print(item, end="", flush=True)
        if result is None:
            raise RuntimeError("the turn ended without a result")
        return result

    result = asyncio.run(ask())
    if args.json:
        print(
            json.dumps(
                {
                    "answer": result.answer,
                    "citations": [asdict(c) for c in result.citations],
                    "flags": result.flags,
                    "timings_ms": result.timings_ms,
                },
                indent=2,
            )
        )
    else:
        print()
        for citation in result.citations:
            page = f", p. {citation.page}" if citation.page else ""
            print(f"[{citation.n}] {citation.title}{page}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from chat import auth
    from chat.migrate import upgrade

    url = get_settings().effective_database_url
    upgrade(url)
    try:
        match args.users_command:
            case "add":
                password = _new_password(args)
                if password is None:
                    return 2
                auth.create_user(args.name, password, args.role, url=url)
                print(f"Created {args.role} {args.name}.")
            case "list":
                for user in auth.list_users(url=url):
                    print(f"{user.name}\t{user.role}")
            case "role":
                auth.set_role(args.name, args.role, url=url)
                print(f"{args.name} is now {args.role}.")
            case "password":
                password = _new_password(args)
                if password is None:
                    return 2
                auth.set_password(args.name, password, url=url)
                print(f"Password changed for {args.name}.")
    except auth.AccountError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def _new_password(args: argparse.Namespace) -> str | None:
    """The new password from standard input (`--password-stdin`) or typed twice; None when the two differ."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"Password for {args.name}: ")
    if password != getpass.getpass("Repeat it: "):
        print("The passwords do not match.", file=sys.stderr)
        return None
    return password


def cmd_migrate(args: argparse.Namespace) -> int:
    from chat.migrate import upgrade

    upgrade(get_settings().effective_database_url)
    print("Database is up to date.")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from kb.store import get_store

    store = get_store(get_settings())
    match args.index_command:
        case "list":
            for info in store.versions():
                marker = "*" if info.current else " "
                print(
                    f"{marker} v{info.version}\tparent={info.parent_version}\tvectors={info.vector_count}\t"
                    f"documents={info.documents}\t{info.embedding_model}\t{info.created_at}"
                )
        case "rollback":
            try:
                store.rollback(args.version)
            except ValueError as error:
                print(error, file=sys.stderr)
                return 2
            print(f"Version {args.version} is current.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="apfa", description="APFA loan-advice assistant")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the chat, the worker and what they need")
    run.add_argument("--no-worker", action="store_true", help="do not start an RQ worker")
    run.set_defaults(func=cmd_run)

    worker = sub.add_parser("worker", help="run an RQ worker for document ingestion")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.set_defaults(func=cmd_worker)

    ingest = sub.add_parser("ingest", help="add documents to the knowledge base (same path as a chat upload)")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--scope", choices=("shared", "private"), default="shared")
    ingest.add_argument("--user", help="owner of private documents")
    ingest.add_argument("--wait", action="store_true", help="show progress and wait until indexed")
    ingest.set_defaults(func=cmd_ingest)

    ask = sub.add_parser("ask", help="ask one question through the same graph the chat uses")
    ask.add_argument("question")
    ask.add_argument("--user", default="cli")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=cmd_ask)

    users = sub.add_parser("users", help="manage accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="borrower")
    add.add_argument("--password-stdin", action="store_true")
    users_sub.add_parser("list")
    role = users_sub.add_parser("role", help="change an account's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    password = users_sub.add_parser("password", help="set a new password")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true")
    users.set_defaults(func=cmd_users)

    migrate = sub.add_parser("migrate", help="create or upgrade the database tables")
    migrate.set_defaults(func=cmd_migrate)

    index = sub.add_parser("index", help="inspect or roll back the versioned document index")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    index_sub.add_parser("list")
    rollback = index_sub.add_parser("rollback")
    rollback.add_argument("version", type=int)
    index.set_defaults(func=cmd_index)

    register_measurement_commands(sub)
    return parser


def _redact_text(text: str) -> str:
    from tools.pii import redact_text

    return redact_text(text)


def protect_personal_data() -> None:
    """Every `apfa` process (worker, ingestion, evaluations) redacts its log lines; the worker and `apfa ingest`
    also redact the shared documents they index (`_redact_text`). The guard's models load on first use."""
    from tools.pii import install_log_redaction

    install_log_redaction()


def main(argv: list[str] | None = None) -> int:
    from apfa.private_files import keep_files_private

    args = build_parser().parse_args(argv)
    keep_files_private(get_settings().data_dir)
    protect_personal_data()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
