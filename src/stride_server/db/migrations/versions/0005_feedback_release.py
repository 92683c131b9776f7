"""360 anonymity that holds against the people who run the cycle (CONTRACT §3.4a): directions,
minimums frozen per cycle, an inbox that keeps responses apart from their requests until they are
flushed, and released sets.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stride_server.db.migrations.columns import key_columns, tenant_fk
from stride_server.db.migrations.security import secure_tables

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AREAS = ("organisation", "performance", "communication", "development", "automation")


def _answer_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    columns = [sa.Column(f"{area}_{part}", sa.Text()) for area in _AREAS for part in ("rating", "comment")]
    return [*columns, sa.Column("overall_comment", sa.Text())]


def upgrade() -> None:
    op.add_column(
        "tenants",
        sa.Column("upward_min_responses", sa.Integer(), server_default=sa.text("3"), nullable=False),
    )
    op.add_column("review_cycles", sa.Column("feedback_min_responses", sa.Integer()))
    op.add_column("review_cycles", sa.Column("upward_min_responses", sa.Integer()))
    for table in ("feedback_requests", "feedback_responses"):
        op.add_column(
            table, sa.Column("direction", sa.Text(), server_default=sa.text("'peer'"), nullable=False)
        )
        op.add_column(table, sa.Column("release_id", sa.Text()))

    op.create_table(
        "feedback_releases",
        *key_columns(),
        sa.Column("cycle_id", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("response_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        tenant_fk(["cycle_id"], "review_cycles", "fk_feedback_releases_cycle"),
        tenant_fk(["subject_id"], "people", "fk_feedback_releases_subject"),
    )
    op.create_index(
        "ix_feedback_releases_subject", "feedback_releases", ["tenant_id", "subject_id", "cycle_id"]
    )
    op.create_table(
        "feedback_inbox",
        *key_columns(),
        sa.Column("cycle_id", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        *_answer_columns(),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_feedback_inbox_cycle", "feedback_inbox", ["tenant_id", "cycle_id"])
    op.create_index("ix_feedback_responses_release", "feedback_responses", ["tenant_id", "release_id"])
    op.create_index(
        "ix_feedback_requests_release", "feedback_requests", ["tenant_id", "release_id", "reviewer_id"]
    )
    secure_tables(["feedback_releases", "feedback_inbox"])

    # The data steps run as the owner, whom FORCE row-level security would show no row: lifted for them.
    data_tables = ("tenants", "review_cycles", "feedback_requests", "feedback_responses", "feedback_releases")
    for table in data_tables:
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    # Cycles already under way keep the minimum in force today; what closed cycles hold was shown
    # already, so it is released as one set per subject; an open cycle's responses wait for its close.
    op.execute("""UPDATE review_cycles c SET feedback_min_responses = t.feedback_min_responses,
                         upward_min_responses = t.upward_min_responses
                  FROM tenants t WHERE t.tenant_id = c.tenant_id AND c.status <> 'draft'""")
    op.execute("""UPDATE review_cycles SET feedback_min_responses = 1, upward_min_responses = 3
                  WHERE status <> 'draft' AND feedback_min_responses IS NULL""")
    op.execute("""INSERT INTO feedback_releases (tenant_id, id, cycle_id, subject_id, direction, response_count)
                  SELECT r.tenant_id, 'rel_' || md5(r.tenant_id || r.cycle_id || r.subject_id), r.cycle_id,
                         r.subject_id, 'peer', count(*)
                  FROM feedback_responses r JOIN review_cycles c ON c.tenant_id = r.tenant_id AND c.id = r.cycle_id
                  WHERE c.status = 'closed' GROUP BY r.tenant_id, r.cycle_id, r.subject_id""")
    for table, status in (("feedback_responses", ""), ("feedback_requests", "AND x.status = 'submitted'")):
        op.execute(f"""UPDATE {table} x SET release_id = rel.id FROM feedback_releases rel
                       WHERE rel.tenant_id = x.tenant_id AND rel.cycle_id = x.cycle_id
                         AND rel.subject_id = x.subject_id {status}""")  # noqa: S608 (constants)
    for table in data_tables:
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    op.drop_table("feedback_inbox")
    op.drop_table("feedback_releases")
    op.drop_index("ix_feedback_requests_release", "feedback_requests")
    op.drop_index("ix_feedback_responses_release", "feedback_responses")
    for table in ("feedback_requests", "feedback_responses"):
        op.drop_column(table, "release_id")
        op.drop_column(table, "direction")
    op.drop_column("review_cycles", "upward_min_responses")
    op.drop_column("review_cycles", "feedback_min_responses")
    op.drop_column("tenants", "upward_min_responses")
