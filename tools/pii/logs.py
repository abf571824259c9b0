"""Log redaction: every log record's message and traceback pass through the PII guard."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from tools.pii.engine import _building, redact


def redact_for_log(text: str) -> str:
    """Redacted text for log lines; if redaction itself fails, nothing of the original is logged."""
    try:
        return redact(text).text
    except Exception:  # a log call must never raise, and must never fall back to the raw text
        return f"<UNREDACTABLE_TEXT len={len(text)}>"


class RedactingLogFilter(logging.Filter):
    """Rewrites a record's message (and formatted traceback) through the PII guard; usable on any handler, and
    applied to every record by ``install_log_redaction``.

    Presidio logs too, at DEBUG level with the very text it analyses; a record created while redacting another is
    replaced by a fixed notice, which also stops the recursion.
    """

    _busy = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            getattr(self._busy, "active", False)
            or getattr(_building, "active", False)
            or record.name.startswith("presidio")
        ):
            # Logged by Presidio itself, often quoting the text it analyses ("Context list is: <the account number>
            # account number …"), in words the redactor cannot always recognise out of context: withheld.
            record.msg, record.args, record.exc_info, record.exc_text = (
                f"<{record.name} message withheld: it may quote the text being redacted>",
                None,
                None,
                None,
            )
            return True
        self._busy.active = True
        try:
            record.msg = redact_for_log(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact_for_log(record.exc_text)
        finally:
            self._busy.active = False
        return True


_log_filter = RedactingLogFilter()


def install_log_redaction() -> None:
    """Redact every log record as it is created, whichever logger or handler (RQ's, Chainlit's, uvicorn's, ones
    added later) ends up emitting it. Idempotent; call once at each process's start (chat, worker)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_pii", False):
        return
    logging.setLogRecordFactory(_RedactingRecordFactory(previous))


class _RedactingRecordFactory:
    """The record factory installed before, with every record it makes redacted; marked so it is installed once."""

    redacts_pii = True

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        _log_filter.filter(record)
        return record
