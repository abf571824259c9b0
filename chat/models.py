"""Tables behind the chat: Chainlit's own five plus APFA's credentials and audit log.

Chainlit's SQLAlchemyDataLayer issues hand-written SQL with quoted camelCase column names and never creates
its tables, so the first five models mirror exactly the columns its queries read and write. Types follow its
PostgreSQL schema (UUID, JSONB, TEXT[]) and fall back to TEXT/JSON on SQLite, where its raw SQL binds strings.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from apfa.db import Base

UUIDText = Uuid(as_uuid=False).with_variant(Text(), "sqlite")
JSONDocument = JSON().with_variant(JSONB(), "postgresql")
TextList = JSON().with_variant(ARRAY(Text()), "postgresql")

ROLES = ("borrower", "advisor", "admin", "super_admin")


def utc_now() -> datetime:
    return datetime.now(UTC)


class ChainlitUser(Base):
    """A signed-in identity as Chainlit knows it; created by Chainlit on first login."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(UUIDText, primary_key=True)
    identifier: Mapped[str] = mapped_column(Text, unique=True, nullable=False)
    meta: Mapped[dict] = mapped_column("metadata", JSONDocument, nullable=False)
    createdAt: Mapped[str | None] = mapped_column(Text)


class ChainlitThread(Base):
    __tablename__ = "threads"

    id: Mapped[str] = mapped_column(UUIDText, primary_key=True)
    createdAt: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    userId: Mapped[str | None] = mapped_column(UUIDText, ForeignKey("users.id", ondelete="CASCADE"))
    userIdentifier: Mapped[str | None] = mapped_column(Text, index=True)
    tags: Mapped[list | None] = mapped_column(TextList)
    meta: Mapped[dict | None] = mapped_column("metadata", JSONDocument)


CLASSIFICATIONS = ("PUBLIC", "INTERNAL", "SENSITIVE", "RESTRICTED")


class ChainlitStep(Base):
    __tablename__ = "steps"
    __table_args__ = (
        Index("ix_steps_threadId", "threadId"),
        CheckConstraint(f"classification IN {CLASSIFICATIONS!r}", name="ck_steps_classification"),
    )

    id: Mapped[str] = mapped_column(UUIDText, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    type: Mapped[str] = mapped_column(Text, nullable=False)
    threadId: Mapped[str] = mapped_column(UUIDText, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False)
    parentId: Mapped[str | None] = mapped_column(UUIDText)
    streaming: Mapped[bool] = mapped_column(Boolean, nullable=False)
    waitForAnswer: Mapped[bool | None] = mapped_column(Boolean)
    isError: Mapped[bool | None] = mapped_column(Boolean)
    meta: Mapped[dict | None] = mapped_column("metadata", JSONDocument)
    tags: Mapped[list | None] = mapped_column(TextList)
    input: Mapped[str | None] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
    createdAt: Mapped[str | None] = mapped_column(Text)
    command: Mapped[str | None] = mapped_column(Text)
    modes: Mapped[dict | None] = mapped_column(JSONDocument)
    start: Mapped[str | None] = mapped_column(Text)
    end: Mapped[str | None] = mapped_column(Text)
    generation: Mapped[dict | None] = mapped_column(JSONDocument)
    showInput: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(Text)
    indent: Mapped[int | None] = mapped_column(Integer)
    defaultOpen: Mapped[bool | None] = mapped_column(Boolean)
    autoCollapse: Mapped[bool | None] = mapped_column(Boolean)
    # APFA: tools.pii.DataClassification of what the guard found before redaction (migration 0002)
    classification: Mapped[str | None] = mapped_column(Text)


class ChainlitElement(Base):
    __tablename__ = "elements"

    id: Mapped[str] = mapped_column(UUIDText, primary_key=True)
    threadId: Mapped[str | None] = mapped_column(UUIDText, ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    type: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    chainlitKey: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    display: Mapped[str | None] = mapped_column(Text)
    objectKey: Mapped[str | None] = mapped_column(Text)
    size: Mapped[str | None] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(Text)
    forId: Mapped[str | None] = mapped_column(UUIDText)
    mime: Mapped[str | None] = mapped_column(Text)
    props: Mapped[dict | None] = mapped_column(JSONDocument)
    autoPlay: Mapped[bool | None] = mapped_column(Boolean)
    playerConfig: Mapped[dict | None] = mapped_column(JSONDocument)


class ChainlitFeedback(Base):
    __tablename__ = "feedbacks"

    id: Mapped[str] = mapped_column(UUIDText, primary_key=True)
    forId: Mapped[str] = mapped_column(UUIDText, nullable=False, index=True)
    threadId: Mapped[str | None] = mapped_column(UUIDText, ForeignKey("threads.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer, nullable=False)
    comment: Mapped[str | None] = mapped_column(Text)


class Credential(Base):
    """APFA's password store, apart from `users` so Chainlit's `SELECT * FROM users` never reads a hash."""

    __tablename__ = "credentials"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="ck_credentials_role"),)

    identifier: Mapped[str] = mapped_column(Text, primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, nullable=False)


class AuditLog(Base):
    """Who read whose conversation, and when: every cross-user read lands here."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(Text, nullable=False)
    actor_role: Mapped[str] = mapped_column(Text, nullable=False)
    action: Mapped[str] = mapped_column(Text, nullable=False)
    target_user: Mapped[str | None] = mapped_column(Text, index=True)
    target_thread: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
