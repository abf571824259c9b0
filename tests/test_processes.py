"""`apfa.processes`: a command stopped with SIGTERM still stops what it started."""

from __future__ import annotations

import signal
import subprocess
import sys

CHILD = """
import sys, time
from apfa.processes import stop_on_sigterm
stop_on_sigterm()
try:
    print("ready", flush=True)
    time.sleep(60)
finally:
    open(sys.argv[1], "w").write("cleaned up")
"""


def test_sigterm_runs_the_clean_up_a_command_would_run_on_ctrl_c(tmp_path):
    marker = tmp_path / "cleaned"
    process = subprocess.Popen([sys.executable, "-c", CHILD, str(marker)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    assert marker.read_text() == "cleaned up", "the local model server started in a `with` block would be left running"
