"""Rebuilding a conversation's memory from its stored steps, so a resumed chat continues where it stopped."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainlit.step import StepDict

STAFF_COMMANDS = ("/threads", "/transcript")
HELP_COMMAND = "/help"
NON_CONVERSATION_KINDS = frozenset({"welcome", "upload", "command"})
ROLE_BY_STEP_TYPE = {"user_message": "user", "assistant_message": "assistant"}


def is_command(text: str) -> bool:
    first_word = (text or "").strip().split(maxsplit=1)[0] if (text or "").strip() else ""
    return first_word in (*STAFF_COMMANDS, HELP_COMMAND)


def history_from_steps(steps: list[StepDict]) -> list[tuple[str, str]]:
    """The (role, text) pairs of a thread's messages, oldest first.

    Skipped: tool and run steps, the welcome text, upload progress, commands and their answers, and empty
    messages (a message that only carried attachments). Stored text is already redacted.
    """
    history: list[tuple[str, str]] = []
    for step in sorted(steps, key=lambda step: step.get("createdAt") or ""):
        role = ROLE_BY_STEP_TYPE.get(step.get("type") or "")
        stored_metadata = step.get("metadata")
        metadata = stored_metadata if isinstance(stored_metadata, dict) else {}
        content = (step.get("output") or "").strip()
        if role is None or not content or metadata.get("apfa_kind") in NON_CONVERSATION_KINDS:
            continue
        if role == "user" and is_command(content):
            continue
        history.append((role, content))
    return history
