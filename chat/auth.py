"""Password accounts and roles for the chat.

Hashes are argon2 through passlib (its bcrypt backend breaks with bcrypt 5). Account rows live in the
`credentials` table; Chainlit keeps its own `users` row per identity, created on first login.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from passlib.context import CryptContext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apfa.db import session_scope
from chat.models import ROLES, Credential, utc_now

if TYPE_CHECKING:
    import chainlit as cl

STAFF_ROLES = frozenset({"advisor", "admin", "super_admin"})
DEMO_ACCOUNT = "demo"
MIN_PASSWORD_LENGTH = 8
ACCOUNT_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

password_context = CryptContext(schemes=["argon2"], deprecated="auto")


@dataclass(frozen=True)
class Account:
    """Who is signed in and with which role; the role alone decides what they may read."""

    name: str
    role: str


class AccountError(ValueError):
    """A request to create or change an account that cannot be honoured; the message says why."""


def _check_name(name: str) -> str:
    if not ACCOUNT_NAME_PATTERN.match(name or ""):
        raise AccountError(
            "Account names are 1-64 characters: letters, digits, '.', '_', '@' or '-', starting with a letter or digit."
        )
    return name


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    return password


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    return role


def create_user(name: str, password: str, role: str = "borrower", *, url: str) -> Account:
    """Create an account; refuses duplicates, weak passwords and unknown roles."""
    _check_name(name)
    _check_password(password)
    _check_role(role)
    with session_scope(url) as session:
        if session.get(Credential, name) is not None:
            raise AccountError(f"An account named {name!r} already exists.")
        session.add(Credential(identifier=name, password_hash=password_context.hash(password), role=role))
    return Account(name=name, role=role)


def verify(name: str, password: str, *, url: str) -> Account | None:
    """The account if the password matches, else None.

    An unknown name still costs one argon2 verification, so response time does not reveal which names exist.
    """
    with session_scope(url) as session:
        credential = session.get(Credential, name) if name else None
        if credential is None:
            password_context.dummy_verify()
            return None
        valid, replacement_hash = password_context.verify_and_update(password or "", credential.password_hash)
        if not valid:
            return None
        if replacement_hash:
            credential.password_hash = replacement_hash
            credential.updated_at = utc_now()
        return Account(name=credential.identifier, role=credential.role)


def _existing(session: Session, name: str) -> Credential:
    credential = session.get(Credential, name)
    if credential is None:
        raise AccountError(f"No account named {name!r}.")
    return credential


def set_password(name: str, password: str, *, url: str) -> None:
    _check_password(password)
    with session_scope(url) as session:
        credential = _existing(session, name)
        credential.password_hash = password_context.hash(password)
        credential.updated_at = utc_now()


def set_role(name: str, role: str, *, url: str) -> None:
    _check_role(role)
    with session_scope(url) as session:
        credential = _existing(session, name)
        credential.role = role
        credential.updated_at = utc_now()


def get_account(name: str, *, url: str) -> Account | None:
    with session_scope(url) as session:
        credential = session.get(Credential, name)
        return Account(credential.identifier, credential.role) if credential else None


def list_users(*, url: str) -> list[Account]:
    with session_scope(url) as session:
        rows = session.execute(select(Credential.identifier, Credential.role).order_by(Credential.identifier))
        return [Account(name=name, role=role) for name, role in rows]


def ensure_first_run_account(*, url: str) -> tuple[str, str] | None:
    """On a database without accounts, create a `demo` borrower with a random password and return both.

    Returns None when any account already exists, so the password is shown exactly once.
    """
    with session_scope(url) as session:
        if session.scalar(select(func.count()).select_from(Credential)):
            return None
    password = secrets.token_urlsafe(12)
    create_user(DEMO_ACCOUNT, password, "borrower", url=url)
    return DEMO_ACCOUNT, password


async def authenticate(username: str, password: str, *, url: str) -> cl.User | None:
    """Chainlit password callback: a cl.User carrying the role, or None to refuse the login."""
    import chainlit as cl

    account = await asyncio.to_thread(verify, (username or "").strip(), password or "", url=url)
    if account is None:
        return None
    return cl.User(identifier=account.name, metadata={"role": account.role})
