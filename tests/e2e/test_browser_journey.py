"""A borrower's whole journey in a real browser against the real product.

`apfa run` is started exactly as a user would (real PostgreSQL, real Redis, real RQ worker, real local model); Debian's
headless Chromium is driven with Playwright. One long test, because each step builds on the previous one.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Page, expect, sync_playwright

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
ANSWER_TIMEOUT_MS = 480_000
UNIQUE_FACT = (
    "The Harborview Credit Union GreenHome mortgage gives a rate discount of 0.375 percentage points to borrowers "
    "whose home has rooftop solar panels installed before closing."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_pdf(path: Path, pages: int = 3) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=letter)
    pdf.setTitle("Harborview GreenHome Mortgage Guide")
    for page in range(1, pages + 1):
        text = pdf.beginText(72, 720)
        text.textLine(f"Harborview GreenHome Mortgage Guide - page {page}")
        body = UNIQUE_FACT if page == 2 else "This page describes general application steps for members."
        for line in re.findall(r".{1,80}(?:\s|$)", body):
            text.textLine(line.strip())
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    """`apfa run` on a fresh PostgreSQL database, a dedicated Redis db and queue, and a fresh data directory."""
    db_name = f"apfa_e2e_{secrets.token_hex(4)}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    data_dir = tmp_path_factory.mktemp("apfa-e2e")
    port = free_port()
    env = dict(
        os.environ,
        APFA_DATA_DIR=str(data_dir),
        APFA_PORT=str(port),
        APFA_LOCAL_LLM_PORT=str(free_port()),
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{db_name}",
        REDIS_URL="redis://127.0.0.1:6379/5",
        APFA_QUEUE=f"apfa-e2e-{secrets.token_hex(4)}",
        APFA_LLM_PROVIDER="local",
    )
    apfa = [sys.executable, "-m", "cli.main"]
    process = subprocess.Popen(
        [*apfa, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    output, demo_password = [], None
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise RuntimeError("apfa run exited early:\n" + "".join(output))
            output.append(line)
            if match := re.search(r"Sign in as (\S+) with password (\S+)", line):
                demo_password = match.group(2)
            if "Press Ctrl-C to stop" in line:
                break
        else:
            raise RuntimeError("apfa run was not ready in time:\n" + "".join(output))
        for name in ("alice", "bob"):
            subprocess.run(
                [*apfa, "users", "add", name, "--role", "borrower", "--password-stdin"],
                input=f"{name}-password-1\n",
                env=env,
                text=True,
                check=True,
                capture_output=True,
            )
        wait_for_starter_kb(data_dir)
        yield {"url": f"http://127.0.0.1:{port}", "demo_password": demo_password, "data_dir": data_dir, "env": env}
    finally:
        process.send_signal(2)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def wait_for_starter_kb(data_dir: Path, timeout_s: float = 600) -> None:
    from ingest.starter_kb import starter_documents
    from kb.store import IndexStore

    expected = len(starter_documents())
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        store = IndexStore(data_dir / "index")
        if store.current_version() and len(store.documents()) >= expected:
            return
        time.sleep(2)
    raise AssertionError("the starter knowledge base was not indexed in time")


def sign_in(page: Page, url: str, name: str, password: str) -> None:
    page.goto(url)
    page.locator("#email").fill(name)
    page.locator("#password").fill(password)
    page.keyboard.press("Enter")
    expect(page.locator("#chat-input")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("I'm APFA").first).to_be_visible(timeout=60_000)


def ask(page: Page, question: str) -> None:
    page.locator("#chat-input").fill(question)
    page.keyboard.press("Enter")
    expect(page.locator('[data-step-type="user_message"]').filter(has_text=question).first).to_be_visible(
        timeout=30_000
    )


def answers(page: Page):
    """The assistant's answers, not its welcome message."""
    return page.locator('[data-step-type="assistant_message"]').filter(has_not_text="I'm APFA")


def wait_for_answer_with_citation(page: Page, count_before: int) -> str:
    expect(answers(page)).to_have_count(count_before + 1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#stop-button")).to_have_count(0, timeout=ANSWER_TIMEOUT_MS)
    expect(answers(page).last).to_contain_text(re.compile(r"\[\d\]"), timeout=ANSWER_TIMEOUT_MS)
    text = answers(page).last.inner_text()
    return text.split("\n[", 1)[0]


def wait_until_stored(database_url: str, thread_id: str, text: str, timeout_s: float = 60) -> None:
    """The answer's last update is written by the data layer after the stream ends; reloading before that write
    lands would show the thread without it, so the reload waits for the row rather than for a fixed time."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                'SELECT 1 FROM steps WHERE "threadId" = %s::uuid AND output LIKE %s', (thread_id, f"%{text}%")
            ).fetchone()
            if row:
                return
            time.sleep(0.5)
    raise AssertionError(f"no stored step of thread {thread_id} contains {text!r}")


def test_borrower_journey(product, tmp_path):
    pdf_path = tmp_path / "harborview-greenhome.pdf"
    make_pdf(pdf_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        alice = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        try:
            run_journey(alice, browser, product, pdf_path)
        except Exception:
            alice.screenshot(path=str(product["data_dir"] / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()


def run_journey(alice: Page, browser, product: dict, pdf_path: Path) -> None:
    sign_in(alice, product["url"], "alice", "alice-password-1")

    before = answers(alice).count()
    ask(alice, "When can I cancel PMI on my conventional loan?")
    answer = wait_for_answer_with_citation(alice, before)
    assert re.search(r"cancel[^.]*\b(?:78|80)\s*%", answer, re.I), answer
    expect(alice.get_by_text(re.compile(r"Private Mortgage Insurance", re.I)).first).to_be_visible()
    alice.screenshot(path=str(product["data_dir"] / "answer.png"), full_page=True)

    alice.locator("#upload-button-input").set_input_files(str(pdf_path))
    ask(alice, "Please add this guide to my documents.")
    expect(alice.get_by_text(re.compile(r"is now searchable", re.I)).last).to_be_visible(timeout=300_000)
    expect(alice.locator("#stop-button")).to_have_count(0, timeout=ANSWER_TIMEOUT_MS)

    before = answers(alice).count()
    ask(alice, "What rate discount does the Harborview GreenHome mortgage give for solar panels?")
    answer = wait_for_answer_with_citation(alice, before)
    assert "0.375" in answer, answer
    expect(answers(alice).last.get_by_text(re.compile("Harborview GreenHome", re.I)).first).to_be_visible()
    thread_url = alice.url
    thread_id = thread_url.rstrip("/").rsplit("/", 1)[-1]
    assert re.fullmatch(r"[0-9a-f-]{36}", thread_id), thread_url

    wait_until_stored(product["env"]["DATABASE_URL"], thread_id, "0.375")
    alice.reload()
    history = alice.locator("#thread-history")
    expect(history).to_contain_text(re.compile("cancel PMI", re.I), timeout=60_000)
    expect(alice.get_by_text("0.375").first).to_be_visible(timeout=60_000)

    bob = browser.new_context().new_page()
    sign_in(bob, product["url"], "bob", "bob-password-1")
    expect(bob.locator("#thread-history")).not_to_contain_text(re.compile("cancel PMI", re.I))
    bob.goto(f"{product['url']}/thread/{thread_id}")
    bob.wait_for_timeout(3000)
    expect(bob.get_by_text("0.375")).to_have_count(0)
    expect(bob.get_by_text(re.compile("Harborview", re.I))).to_have_count(0)
