"""Data classification of each stored chat step (PUBLIC, INTERNAL, SENSITIVE, RESTRICTED).

Set from what the PII guard detected in the step before redaction (tools.pii.DataClassification), so retention,
access review and export rules can be applied per message without reading it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CLASSIFICATIONS = ("PUBLIC", "INTERNAL", "SENSITIVE", "RESTRICTED")


def upgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        batch.add_column(sa.Column("classification", sa.Text(), nullable=True))
        batch.create_check_constraint("ck_steps_classification", f"classification IN {CLASSIFICATIONS!r}")


def downgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        batch.drop_constraint("ck_steps_classification", type_="check")
        batch.drop_column("classification")
