"""initial schema

Revision ID: 0001
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from stride_server.db.migrations import security
from stride_server.db.migrations.columns import TSTZ, key_columns, stamps, tenant_fk

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "NOT is_deleted"
# What the Data API tables' indexes covered at this revision (db.tables._entity_table then): a
# reference is listed by tenant and creation, a filter by tenant, a JSON list by GIN (jsonb_path_ops).
RECORD_INDEXES: dict[str, dict[str, tuple[str, ...]]] = {
    "assessments": {
        "references": ("responsible_user_id", "target_cohort_id", "target_group_id"),
        "filters": ("kind", "status"),
        "json_lists": ("assessment_tools", "control_ids", "framework_ids", "tags"),
    },
    "cohorts": {
        "references": ("group_id",),
        "filters": ("status",),
        "json_lists": ("assigned_assessment_ids", "facilitator_ids", "tags"),
    },
    "key_results": {
        "references": ("objective_id", "owner_id"),
        "filters": ("status",),
        "json_lists": ("tags",),
    },
    "learning_records": {
        "references": ("linked_assessment_id", "linked_cohort_id", "person_id"),
        "filters": (),
        "json_lists": (),
    },
    "objectives": {
        "references": ("group_id", "owner_id", "parent_objective_id"),
        "filters": ("period", "status"),
        "json_lists": ("linked_project_ids", "tags"),
    },
    "person_goals": {
        "references": ("linked_objective_id", "person_id", "review_cycle_id"),
        "filters": ("period", "status"),
        "json_lists": (),
    },
}


def _record_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    """The columns every Data API record starts with (the registry's common fields at this revision)."""
    return [
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text(), nullable=True),
        sa.Column("created_at", TSTZ, nullable=False),
        sa.Column("updated_at", TSTZ, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default=sa.text("'edm'"), nullable=False),
        sa.Column("source_type", sa.Text(), server_default=sa.text("'api'"), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", TSTZ, nullable=True),
        sa.Column("deleted_by", sa.Text(), nullable=True),
        sa.Column("schema_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
    ]


def _search_column(expression: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("search", postgresql.TSVECTOR(), sa.Computed(expression, persisted=True), nullable=True)


def _record_indexes(table: str) -> dict[str, tuple[list[str], dict[str, object]]]:
    """A Data API table's indexes by name: their columns and PostgreSQL options."""
    live: dict[str, object] = {"postgresql_where": sa.text(LIVE)}
    spec = RECORD_INDEXES[table]
    indexes: dict[str, tuple[list[str], dict[str, object]]] = {
        f"ix_{table}_created": (["tenant_id", "created_at", "id"], live),
        f"ix_{table}_search": (["search"], {"postgresql_using": "gin"}),
    }
    for column in spec["references"]:
        indexes[f"ix_{table}_{column}"] = (["tenant_id", column, "created_at", "id"], live)
    for column in spec["filters"]:
        indexes[f"ix_{table}_{column}"] = (["tenant_id", column], live)
    for column in spec["json_lists"]:
        gin: dict[str, object] = {"postgresql_using": "gin", "postgresql_ops": {column: "jsonb_path_ops"}}
        indexes[f"ix_{table}_{column}"] = ([column], gin)
    return indexes


def _create_record_indexes(table: str) -> None:
    indexes = _record_indexes(table)
    for name in sorted(indexes):
        columns, options = indexes[name]
        op.create_index(name, table, columns, unique=False, **options)  # type: ignore[arg-type]


def _drop_record_indexes(table: str) -> None:
    indexes = _record_indexes(table)
    for name in sorted(indexes, reverse=True):
        op.drop_index(name, table_name=table, **indexes[name][1])  # type: ignore[arg-type]


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
        *key_columns(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "permissions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        *stamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "assessments",
        *_record_columns(),
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
        _search_column(
            "to_tsvector('simple'::regconfig, coalesce(name, '') || ' ' || coalesce(description, ''))"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    _create_record_indexes("assessments")
    op.create_table(
        "cohorts",
        *_record_columns(),
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
        _search_column("to_tsvector('simple'::regconfig, coalesce(name, ''))"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    _create_record_indexes("cohorts")
    op.create_table(
        "groups",
        *key_columns(),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Text(), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        *stamps(),
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
        *_record_columns(),
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
        _search_column("to_tsvector('simple'::regconfig, coalesce(title, ''))"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    _create_record_indexes("key_results")
    op.create_table(
        "learning_records",
        *_record_columns(),
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
        _search_column(
            "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(provider, ''))"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    _create_record_indexes("learning_records")
    op.create_table(
        "objectives",
        *_record_columns(),
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
        _search_column(
            "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(category, ''))"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    _create_record_indexes("objectives")
    op.create_table(
        "people",
        *key_columns(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("access_level", sa.Text(), nullable=False),
        sa.Column("manager_id", sa.Text(), nullable=True),
        sa.Column("job_title", sa.Text(), nullable=True),
        sa.Column("review_template_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'active'"), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        *stamps(),
        tenant_fk(["manager_id"], "people", "fk_people_manager"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_people_access_level", "people", ["tenant_id", "access_level"], unique=False)
    op.create_index("ix_people_manager", "people", ["tenant_id", "manager_id"], unique=False)
    op.create_index(
        "ux_people_email", "people", ["tenant_id", sa.literal_column("lower(email)")], unique=True
    )
    op.create_table(
        "person_goals",
        *_record_columns(),
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
        _search_column(
            "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(category, ''))"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    _create_record_indexes("person_goals")
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("feedback_min_responses", sa.Integer(), server_default=sa.text("1"), nullable=False),
        *stamps(),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "api_keys",
        *key_columns(),
        sa.Column("app_id", sa.Text(), nullable=False),
        sa.Column("key_hash", sa.Text(), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column(
            "created_at", postgresql.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("revoked_at", postgresql.TIMESTAMP(timezone=True), nullable=True),
        tenant_fk(["app_id"], "applications", "fk_api_keys_app"),
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
        tenant_fk(["group_id"], "groups", "fk_group_members_group", "CASCADE"),
        tenant_fk(["person_id"], "people", "fk_group_members_person"),
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


def secure_tables(tables: Sequence[str]) -> None:
    """The second layer of tenant isolation: the app's non-owner role, and FORCE row-level security
    on every tenant table. With no tenant set, `current_setting(..., true)` is NULL or '' and every
    policy is false, so the app role reads nothing (fail closed)."""
    role = security.app_role()
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
    security.secure_tables(tables)


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index("ix_group_members_person", table_name="group_members")
    op.drop_table("group_members")
    op.drop_index("ix_api_keys_app", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("tenants")
    _drop_record_indexes("person_goals")
    op.drop_table("person_goals")
    op.drop_index("ux_people_email", table_name="people")
    op.drop_index("ix_people_manager", table_name="people")
    op.drop_index("ix_people_access_level", table_name="people")
    op.drop_table("people")
    _drop_record_indexes("objectives")
    op.drop_table("objectives")
    _drop_record_indexes("learning_records")
    op.drop_table("learning_records")
    _drop_record_indexes("key_results")
    op.drop_table("key_results")
    op.drop_index("ix_idempotency_created", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_groups_kind", table_name="groups")
    op.drop_table("groups")
    _drop_record_indexes("cohorts")
    op.drop_table("cohorts")
    _drop_record_indexes("assessments")
    op.drop_table("assessments")
    op.drop_table("applications")
    op.drop_table("api_key_lookup")
    # ### end Alembic commands ###
