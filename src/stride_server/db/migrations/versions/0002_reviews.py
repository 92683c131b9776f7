"""performance reviews: templates, cycles, reviews, KPI ratings, goals, 360 feedback

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stride_server.db.migrations.columns import TSTZ, key_columns, stamps, tenant_fk
from stride_server.db.migrations.security import secure_tables

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen at this revision (tables.REVIEW_TABLES may grow later).
TABLES = (
    "review_templates",
    "review_template_items",
    "review_cycles",
    "reviews",
    "review_kpi_ratings",
    "review_goals",
    "feedback_requests",
    "feedback_responses",
)


def upgrade() -> None:
    op.create_table(
        "review_templates",
        *key_columns(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("access_level", sa.Text(), nullable=True),
        sa.Column("is_default", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        *stamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ux_review_templates_default",
        "review_templates",
        ["tenant_id"],
        unique=True,
        postgresql_where=sa.text("is_default"),
    )
    op.create_index(
        "ux_review_templates_access_level",
        "review_templates",
        ["tenant_id", "access_level"],
        unique=True,
        postgresql_where=sa.text("access_level IS NOT NULL"),
    )

    op.create_table(
        "review_template_items",
        *key_columns(),
        sa.Column("template_id", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("is_mandatory", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        tenant_fk(["template_id"], "review_templates", "fk_review_template_items_template", "CASCADE"),
    )
    op.create_index(
        "ix_review_template_items_template",
        "review_template_items",
        ["tenant_id", "template_id", "sort_order"],
    )

    op.create_table(
        "review_cycles",
        *key_columns(),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'draft'"), nullable=False),
        *stamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_review_cycles_period", "review_cycles", ["tenant_id", "period_start", "id"])
    op.create_index("ix_review_cycles_status", "review_cycles", ["tenant_id", "status", "period_start"])

    op.create_table(
        "reviews",
        *key_columns(),
        sa.Column("cycle_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'draft'"), nullable=False),
        *(
            sa.Column(name, sa.Text(), nullable=True)
            for name in ("strengths", "growth_areas", "discussion_topics", "reviewer_notes", "action_items")
        ),
        sa.Column("kpi_pass_count", sa.Integer(), nullable=True),
        sa.Column("kpi_total_count", sa.Integer(), nullable=True),
        sa.Column("kpi_passed", sa.Boolean(), nullable=True),
        sa.Column("completed_at", TSTZ, nullable=True),
        *stamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        tenant_fk(["cycle_id"], "review_cycles", "fk_reviews_cycle"),
        tenant_fk(["user_id"], "people", "fk_reviews_user"),
        tenant_fk(["reviewer_id"], "people", "fk_reviews_reviewer"),
    )
    op.create_index("ux_reviews_cycle_user", "reviews", ["tenant_id", "cycle_id", "user_id"], unique=True)
    op.create_index("ix_reviews_cycle_status", "reviews", ["tenant_id", "cycle_id", "status"])
    op.create_index("ix_reviews_user", "reviews", ["tenant_id", "user_id", "status"])
    op.create_index("ix_reviews_reviewer", "reviews", ["tenant_id", "reviewer_id", "status"])
    op.create_index("ix_reviews_status", "reviews", ["tenant_id", "status"])

    op.create_table(
        "review_kpi_ratings",
        *key_columns(),
        sa.Column("review_id", sa.Text(), nullable=False),
        sa.Column("template_item_id", sa.Text(), nullable=True),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("is_mandatory", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("rating", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("sort_order", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        tenant_fk(["review_id"], "reviews", "fk_review_kpi_ratings_review", "CASCADE"),
    )
    op.create_index(
        "ix_review_kpi_ratings_review", "review_kpi_ratings", ["tenant_id", "review_id", "sort_order"]
    )

    op.create_table(
        "review_goals",
        *key_columns(),
        sa.Column("review_id", sa.Text(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("success_measures", sa.Text(), nullable=True),
        sa.Column("support_needed", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("sort_order", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        tenant_fk(["review_id"], "reviews", "fk_review_goals_review", "CASCADE"),
    )
    op.create_index("ix_review_goals_review", "review_goals", ["tenant_id", "review_id", "sort_order"])

    op.create_table(
        "feedback_requests",
        *key_columns(),
        sa.Column("cycle_id", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("created_at", TSTZ, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        tenant_fk(["cycle_id"], "review_cycles", "fk_feedback_requests_cycle"),
        tenant_fk(["subject_id"], "people", "fk_feedback_requests_subject"),
        tenant_fk(["reviewer_id"], "people", "fk_feedback_requests_reviewer"),
    )
    op.create_index(
        "ux_feedback_requests_pair",
        "feedback_requests",
        ["tenant_id", "cycle_id", "subject_id", "reviewer_id"],
        unique=True,
    )
    op.create_index(
        "ix_feedback_requests_reviewer", "feedback_requests", ["tenant_id", "reviewer_id", "status"]
    )
    op.create_index(
        "ix_feedback_requests_subject", "feedback_requests", ["tenant_id", "subject_id", "cycle_id"]
    )

    # Anonymous by construction: no reviewer, no request, no timestamp (CONTRACT §3.4).
    areas = ("organisation", "performance", "communication", "development", "automation")
    op.create_table(
        "feedback_responses",
        *key_columns(),
        sa.Column("cycle_id", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        *(
            sa.Column(f"{area}_{part}", sa.Text(), nullable=True)
            for area in areas
            for part in ("rating", "comment")
        ),
        sa.Column("overall_comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        tenant_fk(["cycle_id"], "review_cycles", "fk_feedback_responses_cycle"),
        tenant_fk(["subject_id"], "people", "fk_feedback_responses_subject"),
    )
    op.create_index(
        "ix_feedback_responses_subject", "feedback_responses", ["tenant_id", "subject_id", "cycle_id"]
    )

    secure_tables(TABLES)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
