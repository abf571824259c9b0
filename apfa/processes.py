"""Child processes started in their own session (`start_new_session=True`) are stopped as a group, so nothing they
started themselves outlives them."""

from __future__ import annotations

import os
import signal
import subprocess


def stop_group(process: subprocess.Popen, grace_s: float = 30.0) -> None:
    """SIGTERM to the child's process group, SIGKILL if it has not exited after `grace_s`."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def stop_on_sigterm() -> None:
    """SIGTERM stops this process the way Ctrl-C does, so its clean-up runs: the children it started (the local
    model server, the worker) are stopped with it instead of being left running, serving or holding a port."""
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
