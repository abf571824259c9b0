"""The hardening must not break the product: the chat UI signs in, answers and draws charts under the CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from liveproduct import password_of

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(600),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"),
]


def test_the_chat_signs_in_and_answers_with_no_policy_violations(product, unique_account, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    console: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.on("console", lambda message: console.append(message.text))
        try:
            page.goto(product["base"])
            page.locator("#email").fill(unique_account)
            page.locator("#password").fill(password_of(unique_account))
            page.keyboard.press("Enter")
            expect(page.get_by_text("I'm APFA").first).to_be_visible(timeout=60_000)
            page.locator("#chat-input").fill("What does an escrow account hold money for?")
            page.keyboard.press("Enter")
            answer = page.locator('[data-step-type="assistant_message"]').filter(has_not_text="I'm APFA")
            expect(answer.first).to_be_visible(timeout=120_000)
            page.locator("#chat-input").fill("What is the monthly payment on a $300,000 loan at 6% for 30 years?")
            page.keyboard.press("Enter")
            expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=120_000)
        finally:
            page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
            browser.close()
    violations = [text for text in console if re.search(r"Content Security Policy|Refused to", text)]
    assert violations == [], violations
