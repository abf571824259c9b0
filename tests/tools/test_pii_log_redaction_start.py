"""Log redaction installed before the PII engines exist must not deadlock their first use.

Presidio logs while its recognisers load; the redacting log filter used to call the PII guard for that record,
which waited for the very lock the loading thread held, so the first question of a fresh process hung forever.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import logging, threading
from tools import pii
pii.install_log_redaction()
logging.getLogger("presidio-analyzer").setLevel(logging.DEBUG)
done = threading.Event()
result = {}
def first_use():
    result["text"] = pii.redact("Call John Smith at 212-555-0199 about the $300,000 loan").text
    done.set()
threading.Thread(target=first_use, daemon=True).start()
print("finished" if done.wait(240) else "deadlocked", result.get("text", ""))
"""


def test_first_redaction_with_log_redaction_installed_finishes():
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300, cwd=root)
    assert done.stdout.startswith("finished"), done.stdout + done.stderr[-2000:]
    assert "$300,000" in done.stdout and "John Smith" not in done.stdout
