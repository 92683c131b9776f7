"""assessment responses

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from stride_server.db.migrations.columns import TSTZ, key_columns
from stride_server.db.migrations.security import secure_tables

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_responses",
        *key_columns(),
        sa.Column("assessment_id", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Text(), nullable=False),
        sa.Column("answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("learning_record_id", sa.Text(), nullable=True),
        sa.Column("app_id", sa.Text(), nullable=True),
        sa.Column("created_at", TSTZ, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ux_assessment_responses_person",
        "assessment_responses",
        ["tenant_id", "assessment_id", "person_id"],
        unique=True,
    )
    op.create_index("ix_assessment_responses_person", "assessment_responses", ["tenant_id", "person_id"])
    secure_tables(["assessment_responses"])


def downgrade() -> None:
    op.drop_table("assessment_responses")
