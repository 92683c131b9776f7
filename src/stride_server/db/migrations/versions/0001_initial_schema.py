"""initial schema

Revision ID: 0001
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from stride_server.config import get_settings

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_key_lookup",
        sa.Column("key_hash", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_table(
        "applications",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "permissions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "updated_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=True),
        sa.Column("created_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("updated_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default=sa.text("'edm'"), nullable=False),
        sa.Column("source_type", sa.Text(), server_default=sa.text("'api'"), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Text(), nullable=True),
        sa.Column("schema_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("responsible_user_id", sa.Text(), nullable=True),
        sa.Column("target_cohort_id", sa.Text(), nullable=True),
        sa.Column("target_group_id", sa.Text(), nullable=True),
        sa.Column("target_account_id", sa.Text(), nullable=True),
        sa.Column("framework_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("control_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("questions", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("question_bank_id", sa.Text(), nullable=True),
        sa.Column("pass_score", sa.Float(), nullable=True),
        sa.Column("frequency", sa.Text(), nullable=True),
        sa.Column("due_date", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("scheduled_start_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'draft'"), nullable=False),
        sa.Column("response_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("completion_pct", sa.Float(), nullable=True),
        sa.Column("findings", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("recommendations", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("assessment_tools", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("output_document_id", sa.Text(), nullable=True),
        sa.Column("tags", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(
                "to_tsvector('simple'::regconfig, coalesce(name, '') || ' ' || coalesce(description, ''))",
                persisted=True,
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_assessments_assessment_tools",
        "assessments",
        ["assessment_tools"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"assessment_tools": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_assessments_control_ids",
        "assessments",
        ["control_ids"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"control_ids": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_assessments_created",
        "assessments",
        ["tenant_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_assessments_framework_ids",
        "assessments",
        ["framework_ids"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"framework_ids": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_assessments_kind",
        "assessments",
        ["tenant_id", "kind"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_assessments_responsible_user_id",
        "assessments",
        ["tenant_id", "responsible_user_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index("ix_assessments_search", "assessments", ["search"], unique=False, postgresql_using="gin")
    op.create_index(
        "ix_assessments_status",
        "assessments",
        ["tenant_id", "status"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_assessments_tags",
        "assessments",
        ["tags"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"tags": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_assessments_target_cohort_id",
        "assessments",
        ["tenant_id", "target_cohort_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_assessments_target_group_id",
        "assessments",
        ["tenant_id", "target_group_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=True),
        sa.Column("created_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("updated_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default=sa.text("'edm'"), nullable=False),
        sa.Column("source_type", sa.Text(), server_default=sa.text("'api'"), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Text(), nullable=True),
        sa.Column("schema_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("group_id", sa.Text(), nullable=True),
        sa.Column("program_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("start_date", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("end_date", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'planned'"), nullable=False),
        sa.Column("session_count", sa.Integer(), nullable=True),
        sa.Column("facilitator_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("assigned_assessment_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("completion_required_pct", sa.Float(), server_default=sa.text("100"), nullable=False),
        sa.Column("current_completion_pct", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("tags", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('simple'::regconfig, coalesce(name, ''))", persisted=True),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_cohorts_assigned_assessment_ids",
        "cohorts",
        ["assigned_assessment_ids"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"assigned_assessment_ids": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_cohorts_created",
        "cohorts",
        ["tenant_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_cohorts_facilitator_ids",
        "cohorts",
        ["facilitator_ids"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"facilitator_ids": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_cohorts_group_id",
        "cohorts",
        ["tenant_id", "group_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index("ix_cohorts_search", "cohorts", ["search"], unique=False, postgresql_using="gin")
    op.create_index(
        "ix_cohorts_status",
        "cohorts",
        ["tenant_id", "status"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_cohorts_tags",
        "cohorts",
        ["tags"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"tags": "jsonb_path_ops"},
    )
    op.create_table(
        "groups",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Text(), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "updated_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_groups_kind", "groups", ["tenant_id", "kind"], unique=False)
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("caller", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("body_hash", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_headers", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column(
            "created_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id", "caller", "key"),
    )
    op.create_index("ix_idempotency_created", "idempotency_keys", ["created_at"], unique=False)
    op.create_table(
        "key_results",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=True),
        sa.Column("created_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("updated_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default=sa.text("'edm'"), nullable=False),
        sa.Column("source_type", sa.Text(), server_default=sa.text("'api'"), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Text(), nullable=True),
        sa.Column("schema_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("objective_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("metric_type", sa.Text(), server_default=sa.text("'number'"), nullable=False),
        sa.Column("baseline", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("current", sa.Float(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("direction", sa.Text(), server_default=sa.text("'increase'"), nullable=False),
        sa.Column("owner_id", sa.Text(), nullable=True),
        sa.Column("data_source", sa.Text(), server_default=sa.text("'manual'"), nullable=False),
        sa.Column("connector_id", sa.Text(), nullable=True),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("progress_pct", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'not_started'"), nullable=False),
        sa.Column("last_update_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column(
            "history",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("tags", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('simple'::regconfig, coalesce(title, ''))", persisted=True),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_key_results_created",
        "key_results",
        ["tenant_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_key_results_objective_id",
        "key_results",
        ["tenant_id", "objective_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_key_results_owner_id",
        "key_results",
        ["tenant_id", "owner_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index("ix_key_results_search", "key_results", ["search"], unique=False, postgresql_using="gin")
    op.create_index(
        "ix_key_results_status",
        "key_results",
        ["tenant_id", "status"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_key_results_tags",
        "key_results",
        ["tags"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"tags": "jsonb_path_ops"},
    )
    op.create_table(
        "learning_records",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=True),
        sa.Column("created_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("updated_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default=sa.text("'edm'"), nullable=False),
        sa.Column("source_type", sa.Text(), server_default=sa.text("'api'"), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Text(), nullable=True),
        sa.Column("schema_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("person_id", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("completed_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("expires_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("certification_ref", sa.Text(), nullable=True),
        sa.Column("linked_cohort_id", sa.Text(), nullable=True),
        sa.Column("linked_assessment_id", sa.Text(), nullable=True),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(
                "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(provider, ''))",
                persisted=True,
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_learning_records_created",
        "learning_records",
        ["tenant_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_learning_records_linked_assessment_id",
        "learning_records",
        ["tenant_id", "linked_assessment_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_learning_records_linked_cohort_id",
        "learning_records",
        ["tenant_id", "linked_cohort_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_learning_records_person_id",
        "learning_records",
        ["tenant_id", "person_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_learning_records_search", "learning_records", ["search"], unique=False, postgresql_using="gin"
    )
    op.create_table(
        "objectives",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=True),
        sa.Column("created_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("updated_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default=sa.text("'edm'"), nullable=False),
        sa.Column("source_type", sa.Text(), server_default=sa.text("'api'"), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Text(), nullable=True),
        sa.Column("schema_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.Text(), nullable=True),
        sa.Column("group_id", sa.Text(), nullable=True),
        sa.Column("parent_objective_id", sa.Text(), nullable=True),
        sa.Column(
            "key_result_ids",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("status", sa.Text(), server_default=sa.text("'active'"), nullable=False),
        sa.Column("progress_pct", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("weight", sa.Float(), server_default=sa.text("1"), nullable=False),
        sa.Column("linked_project_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("dependencies", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("check_in_frequency", sa.Text(), nullable=True),
        sa.Column("last_check_in_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("tags", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(
                "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(category, ''))",
                persisted=True,
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_objectives_created",
        "objectives",
        ["tenant_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_objectives_group_id",
        "objectives",
        ["tenant_id", "group_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_objectives_linked_project_ids",
        "objectives",
        ["linked_project_ids"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"linked_project_ids": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_objectives_owner_id",
        "objectives",
        ["tenant_id", "owner_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_objectives_parent_objective_id",
        "objectives",
        ["tenant_id", "parent_objective_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_objectives_period",
        "objectives",
        ["tenant_id", "period"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index("ix_objectives_search", "objectives", ["search"], unique=False, postgresql_using="gin")
    op.create_index(
        "ix_objectives_status",
        "objectives",
        ["tenant_id", "status"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_objectives_tags",
        "objectives",
        ["tags"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"tags": "jsonb_path_ops"},
    )
    op.create_table(
        "people",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("access_level", sa.Text(), nullable=False),
        sa.Column("manager_id", sa.Text(), nullable=True),
        sa.Column("job_title", sa.Text(), nullable=True),
        sa.Column("review_template_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'active'"), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "updated_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "manager_id"], ["people.tenant_id", "people.id"], name="fk_people_manager"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_people_access_level", "people", ["tenant_id", "access_level"], unique=False)
    op.create_index("ix_people_manager", "people", ["tenant_id", "manager_id"], unique=False)
    op.create_index(
        "ux_people_email", "people", ["tenant_id", sa.literal_column("lower(email)")], unique=True
    )
    op.create_table(
        "person_goals",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=True),
        sa.Column("created_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("updated_at", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default=sa.text("'edm'"), nullable=False),
        sa.Column("source_type", sa.Text(), server_default=sa.text("'api'"), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Text(), nullable=True),
        sa.Column("schema_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("person_id", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("period", sa.Text(), nullable=True),
        sa.Column("target_date", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'not_started'"), nullable=False),
        sa.Column("progress_pct", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("linked_objective_id", sa.Text(), nullable=True),
        sa.Column("review_cycle_id", sa.Text(), nullable=True),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(
                "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(category, ''))",
                persisted=True,
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_person_goals_created",
        "person_goals",
        ["tenant_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_person_goals_linked_objective_id",
        "person_goals",
        ["tenant_id", "linked_objective_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_person_goals_period",
        "person_goals",
        ["tenant_id", "period"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_person_goals_person_id",
        "person_goals",
        ["tenant_id", "person_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_person_goals_review_cycle_id",
        "person_goals",
        ["tenant_id", "review_cycle_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_index(
        "ix_person_goals_search", "person_goals", ["search"], unique=False, postgresql_using="gin"
    )
    op.create_index(
        "ix_person_goals_status",
        "person_goals",
        ["tenant_id", "status"],
        unique=False,
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("feedback_min_responses", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "updated_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "api_keys",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=False),
        sa.Column("key_hash", sa.Text(), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column(
            "created_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("revoked_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "app_id"], ["applications.tenant_id", "applications.id"], name="fk_api_keys_app"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_api_keys_app", "api_keys", ["tenant_id", "app_id"], unique=False)
    op.create_table(
        "group_members",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), server_default=sa.text("'member'"), nullable=False),
        sa.Column(
            "created_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "group_id"],
            ["groups.tenant_id", "groups.id"],
            name="fk_group_members_group",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"], ["people.tenant_id", "people.id"], name="fk_group_members_person"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "group_id", "person_id"),
    )
    op.create_index("ix_group_members_person", "group_members", ["tenant_id", "person_id"], unique=False)
    secure_tables(TENANT_TABLES)


# Frozen at this revision: later migrations secure the tables they add themselves.
TENANT_TABLES = (
    "tenants",
    "people",
    "groups",
    "group_members",
    "applications",
    "api_keys",
    "idempotency_keys",
    "person_goals",
    "learning_records",
    "objectives",
    "key_results",
    "cohorts",
    "assessments",
)


def app_role() -> str:
    role = get_settings().stride_app_db_role
    if not role.isidentifier():
        raise ValueError(f"STRIDE_APP_DB_ROLE must be a plain identifier, got {role!r}")
    return role


def secure_tables(tables: Sequence[str]) -> None:
    """The second layer of tenant isolation: the app's non-owner role, and FORCE row-level security
    on every tenant table. With no tenant set, `current_setting(..., true)` is NULL or '' and every
    policy is false, so the app role reads nothing (fail closed)."""
    role = app_role()
    op.execute(f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
            CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
          END IF;
          BEGIN
            EXECUTE 'GRANT {role} TO ' || quote_ident(current_user);
          EXCEPTION WHEN OTHERS THEN NULL;  -- a superuser needs no membership; an existing grant is fine
          END;
        END $$""")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    op.execute(f"GRANT SELECT, INSERT, DELETE ON api_key_lookup TO {role}")
    for table in tables:
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {role}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"""CREATE POLICY tenant_isolation ON {table}
                       USING (tenant_id = current_setting('stride.tenant_id', true))
                       WITH CHECK (tenant_id = current_setting('stride.tenant_id', true))""")


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index("ix_group_members_person", table_name="group_members")
    op.drop_table("group_members")
    op.drop_index("ix_api_keys_app", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("tenants")
    op.drop_index(
        "ix_person_goals_status", table_name="person_goals", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index("ix_person_goals_search", table_name="person_goals", postgresql_using="gin")
    op.drop_index(
        "ix_person_goals_review_cycle_id",
        table_name="person_goals",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_index(
        "ix_person_goals_person_id", table_name="person_goals", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index(
        "ix_person_goals_period", table_name="person_goals", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index(
        "ix_person_goals_linked_objective_id",
        table_name="person_goals",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_index(
        "ix_person_goals_created", table_name="person_goals", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_table("person_goals")
    op.drop_index("ux_people_email", table_name="people")
    op.drop_index("ix_people_manager", table_name="people")
    op.drop_index("ix_people_access_level", table_name="people")
    op.drop_table("people")
    op.drop_index(
        "ix_objectives_tags",
        table_name="objectives",
        postgresql_using="gin",
        postgresql_ops={"tags": "jsonb_path_ops"},
    )
    op.drop_index("ix_objectives_status", table_name="objectives", postgresql_where=sa.text("NOT is_deleted"))
    op.drop_index("ix_objectives_search", table_name="objectives", postgresql_using="gin")
    op.drop_index("ix_objectives_period", table_name="objectives", postgresql_where=sa.text("NOT is_deleted"))
    op.drop_index(
        "ix_objectives_parent_objective_id",
        table_name="objectives",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_index(
        "ix_objectives_owner_id", table_name="objectives", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index(
        "ix_objectives_linked_project_ids",
        table_name="objectives",
        postgresql_using="gin",
        postgresql_ops={"linked_project_ids": "jsonb_path_ops"},
    )
    op.drop_index(
        "ix_objectives_group_id", table_name="objectives", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index(
        "ix_objectives_created", table_name="objectives", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_table("objectives")
    op.drop_index("ix_learning_records_search", table_name="learning_records", postgresql_using="gin")
    op.drop_index(
        "ix_learning_records_person_id",
        table_name="learning_records",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_index(
        "ix_learning_records_linked_cohort_id",
        table_name="learning_records",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_index(
        "ix_learning_records_linked_assessment_id",
        table_name="learning_records",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_index(
        "ix_learning_records_created",
        table_name="learning_records",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_table("learning_records")
    op.drop_index(
        "ix_key_results_tags",
        table_name="key_results",
        postgresql_using="gin",
        postgresql_ops={"tags": "jsonb_path_ops"},
    )
    op.drop_index(
        "ix_key_results_status", table_name="key_results", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index("ix_key_results_search", table_name="key_results", postgresql_using="gin")
    op.drop_index(
        "ix_key_results_owner_id", table_name="key_results", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index(
        "ix_key_results_objective_id", table_name="key_results", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index(
        "ix_key_results_created", table_name="key_results", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_table("key_results")
    op.drop_index("ix_idempotency_created", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_groups_kind", table_name="groups")
    op.drop_table("groups")
    op.drop_index(
        "ix_cohorts_tags",
        table_name="cohorts",
        postgresql_using="gin",
        postgresql_ops={"tags": "jsonb_path_ops"},
    )
    op.drop_index("ix_cohorts_status", table_name="cohorts", postgresql_where=sa.text("NOT is_deleted"))
    op.drop_index("ix_cohorts_search", table_name="cohorts", postgresql_using="gin")
    op.drop_index("ix_cohorts_group_id", table_name="cohorts", postgresql_where=sa.text("NOT is_deleted"))
    op.drop_index(
        "ix_cohorts_facilitator_ids",
        table_name="cohorts",
        postgresql_using="gin",
        postgresql_ops={"facilitator_ids": "jsonb_path_ops"},
    )
    op.drop_index("ix_cohorts_created", table_name="cohorts", postgresql_where=sa.text("NOT is_deleted"))
    op.drop_index(
        "ix_cohorts_assigned_assessment_ids",
        table_name="cohorts",
        postgresql_using="gin",
        postgresql_ops={"assigned_assessment_ids": "jsonb_path_ops"},
    )
    op.drop_table("cohorts")
    op.drop_index(
        "ix_assessments_target_group_id", table_name="assessments", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index(
        "ix_assessments_target_cohort_id",
        table_name="assessments",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_index(
        "ix_assessments_tags",
        table_name="assessments",
        postgresql_using="gin",
        postgresql_ops={"tags": "jsonb_path_ops"},
    )
    op.drop_index(
        "ix_assessments_status", table_name="assessments", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index("ix_assessments_search", table_name="assessments", postgresql_using="gin")
    op.drop_index(
        "ix_assessments_responsible_user_id",
        table_name="assessments",
        postgresql_where=sa.text("NOT is_deleted"),
    )
    op.drop_index("ix_assessments_kind", table_name="assessments", postgresql_where=sa.text("NOT is_deleted"))
    op.drop_index(
        "ix_assessments_framework_ids",
        table_name="assessments",
        postgresql_using="gin",
        postgresql_ops={"framework_ids": "jsonb_path_ops"},
    )
    op.drop_index(
        "ix_assessments_created", table_name="assessments", postgresql_where=sa.text("NOT is_deleted")
    )
    op.drop_index(
        "ix_assessments_control_ids",
        table_name="assessments",
        postgresql_using="gin",
        postgresql_ops={"control_ids": "jsonb_path_ops"},
    )
    op.drop_index(
        "ix_assessments_assessment_tools",
        table_name="assessments",
        postgresql_using="gin",
        postgresql_ops={"assessment_tools": "jsonb_path_ops"},
    )
    op.drop_table("assessments")
    op.drop_table("applications")
    op.drop_table("api_key_lookup")
    # ### end Alembic commands ###
