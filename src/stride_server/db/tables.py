"""SQLAlchemy table definitions. The six Data API tables are read from the entity registry; the
platform and directory tables are declared here. Every table is keyed `(tenant_id, id)`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Computed,
    Date,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TIMESTAMP, TSVECTOR

from stride_server.edm.registry import ENTITIES, Entity, Field

metadata = MetaData()
TSTZ = TIMESTAMP(timezone=True)
# §8.4: the tenant's reminder settings until it changes them.
REMINDER_DEFAULTS = (
    """'{"enabled": true, "feedback_days_before": 2, "self_assessment_days_before": 3, """
    """"review_days_before": 3, "repeat_every_days": 2}'::jsonb"""
)
FEEDBACK_AREA_NAMES = ("organisation", "performance", "communication", "development", "automation")  # §3.4

_COLUMN_TYPES: dict[str, Any] = {
    "id": Text,
    "string": Text,
    "text": Text,
    "enum": Text,
    "datetime": TSTZ,
    "number": Float,
    "pct": Float,
    "integer": Integer,
    "boolean": Boolean,
    "json_strings": JSONB,
    "json_array": JSONB,
    "json_object": JSONB,
    "json_questions": JSONB,
}


def _server_default(f: Field) -> Any:
    if f.default is None:
        return None
    if isinstance(f.default, bool):
        return text("true" if f.default else "false")
    if isinstance(f.default, tuple):
        return text("'[]'::jsonb")
    if isinstance(f.default, (int, float)):
        return text(str(f.default))
    return text(f"'{f.default}'")


def _column(f: Field) -> Column[Any]:
    return Column(f.name, _COLUMN_TYPES[f.kind], nullable=f.nullable, server_default=_server_default(f))


def _search_expression(entity: Entity) -> str:
    parts = " || ' ' || ".join(f"coalesce({f.name}, '')" for f in entity.searchable_fields)
    return f"to_tsvector('simple'::regconfig, {parts})"


def _entity_table(entity: Entity) -> Table:
    columns: list[Any] = [_column(f) for f in entity.fields if f.has_column]
    columns.append(Column("search", TSVECTOR, Computed(_search_expression(entity), persisted=True)))
    name = entity.table
    live = text("NOT is_deleted")
    indexes: list[Any] = [
        Index(f"ix_{name}_created", "tenant_id", "created_at", "id", postgresql_where=live),
        Index(f"ix_{name}_search", "search", postgresql_using="gin"),
    ]
    for f in entity.fields:
        if f.ref and f.is_scalar:
            indexes.append(
                Index(f"ix_{name}_{f.name}", "tenant_id", f.name, "created_at", "id", postgresql_where=live)
            )
        elif f.name in ("status", "period", "kind"):
            indexes.append(Index(f"ix_{name}_{f.name}", "tenant_id", f.name, postgresql_where=live))
        elif f.kind == "json_strings" and not f.read_only:
            indexes.append(
                Index(
                    f"ix_{name}_{f.name}",
                    f.name,
                    postgresql_using="gin",
                    postgresql_ops={f.name: "jsonb_path_ops"},
                )
            )
    return Table(name, metadata, *columns, PrimaryKeyConstraint("tenant_id", "id"), *indexes)


ENTITY_TABLES: dict[str, Table] = {e.name: _entity_table(e) for e in ENTITIES}


def _stamps() -> list[Column[Any]]:
    return [
        Column("created_at", TSTZ, nullable=False, server_default=func.now()),
        Column("updated_at", TSTZ, nullable=False, server_default=func.now()),
    ]


def _key() -> list[Column[Any]]:
    """The `(tenant_id, id)` columns every tenant record starts with (its primary key)."""
    return [Column("tenant_id", Text, nullable=False), Column("id", Text, nullable=False)]


def _ordered_children(table: str, parent: str, parent_table: str) -> list[Any]:
    """How a list kept in order under one parent record ends: its `sort_order`, the key, the parent
    (`<parent>_id`, deleted with it) and the index reading a parent's rows in order."""
    column = f"{parent}_id"
    return [
        Column("sort_order", Integer, nullable=False, server_default=text("0")),
        PrimaryKeyConstraint("tenant_id", "id"),
        _tenant_fk(column, parent_table, f"fk_{table}_{parent}", "CASCADE"),
        Index(f"ix_{table}_{parent}", "tenant_id", column, "sort_order"),
    ]


def _tenant_fk(column: str, table: str, name: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """A reference within one tenant: `(tenant_id, column)` to the `(tenant_id, id)` of `table`."""
    return ForeignKeyConstraint(
        ["tenant_id", column], [f"{table}.tenant_id", f"{table}.id"], ondelete=ondelete, name=name
    )


tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("feedback_min_responses", Integer, nullable=False, server_default=text("1")),
    Column("upward_min_responses", Integer, nullable=False, server_default=text("3")),
    *_stamps(),
    Column("events_retention_days", Integer, nullable=False, server_default=text("30")),  # §8.1
    Column("reminders", JSONB, nullable=False, server_default=text(REMINDER_DEFAULTS)),  # §8.4
)

people = Table(
    "people",
    metadata,
    *_key(),
    Column("name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("access_level", Text, nullable=False),
    Column("manager_id", Text),
    Column("job_title", Text),
    Column("review_template_id", Text),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("external_id", Text),
    Column("version", Integer, nullable=False, server_default=text("1")),
    *_stamps(),
    PrimaryKeyConstraint("tenant_id", "id"),
    _tenant_fk("manager_id", "people", "fk_people_manager"),
    Index("ux_people_email", "tenant_id", text("lower(email)"), unique=True),
    Index("ix_people_manager", "tenant_id", "manager_id"),
    Index("ix_people_access_level", "tenant_id", "access_level"),
)

groups = Table(
    "groups",
    metadata,
    *_key(),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("parent_id", Text),
    Column("is_deleted", Boolean, nullable=False, server_default=text("false")),
    Column("version", Integer, nullable=False, server_default=text("1")),
    *_stamps(),
    PrimaryKeyConstraint("tenant_id", "id"),
    Index("ix_groups_kind", "tenant_id", "kind"),
)

group_members = Table(
    "group_members",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("group_id", Text, nullable=False),
    Column("person_id", Text, nullable=False),
    Column("role", Text, nullable=False, server_default=text("'member'")),
    Column("created_at", TSTZ, nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("tenant_id", "group_id", "person_id"),
    _tenant_fk("group_id", "groups", "fk_group_members_group", "CASCADE"),
    _tenant_fk("person_id", "people", "fk_group_members_person"),
    Index("ix_group_members_person", "tenant_id", "person_id"),
)

applications = Table(
    "applications",
    metadata,
    *_key(),
    Column("name", Text, nullable=False),
    Column("permissions", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("created_by", Text),
    Column("is_deleted", Boolean, nullable=False, server_default=text("false")),
    *_stamps(),
    PrimaryKeyConstraint("tenant_id", "id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    *_key(),
    Column("app_id", Text, nullable=False),
    Column("key_hash", Text, nullable=False),
    Column("hint", Text, nullable=False),
    Column("created_at", TSTZ, nullable=False, server_default=func.now()),
    Column("revoked_at", TSTZ),
    PrimaryKeyConstraint("tenant_id", "id"),
    _tenant_fk("app_id", "applications", "fk_api_keys_app"),
    Index("ix_api_keys_app", "tenant_id", "app_id"),
)

# The one table read before a tenant is known: the SHA-256 of a key to the tenant that owns it.
# It holds no secret and no tenant data beyond that mapping (a Citus reference table).
api_key_lookup = Table(
    "api_key_lookup",
    metadata,
    Column("key_hash", Text, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("key_id", Text, nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("caller", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("body_hash", Text, nullable=False),
    Column("state", Text, nullable=False),  # in_flight | done
    Column("status_code", Integer),
    Column("response_headers", JSONB),
    Column("response_body", LargeBinary),
    Column("created_at", TSTZ, nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("tenant_id", "caller", "key"),
    Index("ix_idempotency_created", "created_at"),
)

# Responses to assessments (CONTRACT §2.4): one per person and assessment.
assessment_responses = Table(
    "assessment_responses",
    metadata,
    *_key(),
    Column("assessment_id", Text, nullable=False),
    Column("person_id", Text, nullable=False),
    Column("answers", JSONB, nullable=False),
    Column("score", Float),
    Column("passed", Boolean),
    Column("learning_record_id", Text),
    Column("app_id", Text),
    Column("created_at", TSTZ, nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("tenant_id", "id"),
    Index("ux_assessment_responses_person", "tenant_id", "assessment_id", "person_id", unique=True),
    Index("ix_assessment_responses_person", "tenant_id", "person_id"),
)

# Tables under row-level security (all but the key lookup), and the column naming their tenant.
TENANT_TABLES: tuple[str, ...] = tuple(t.name for t in metadata.sorted_tables if t.name != "api_key_lookup")


# ==================================================================================================
# Performance reviews (seed 001, CONTRACT §3) — owned by src/stride_server/reviews; created by migration 0002.
# Feedback responses carry no reviewer, request or time column: anonymity is structural (§3.4).
# ==================================================================================================

review_templates = Table(
    "review_templates",
    metadata,
    *_key(),
    Column("name", Text, nullable=False),
    Column("access_level", Text),
    Column("is_default", Boolean, nullable=False, server_default=text("false")),
    *_stamps(),
    PrimaryKeyConstraint("tenant_id", "id"),
    Index("ux_review_templates_default", "tenant_id", unique=True, postgresql_where=text("is_default")),
    Index(
        "ux_review_templates_access_level",
        "tenant_id",
        "access_level",
        unique=True,
        postgresql_where=text("access_level IS NOT NULL"),
    ),
)

review_template_items = Table(
    "review_template_items",
    metadata,
    *_key(),
    Column("template_id", Text, nullable=False),
    Column("area", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("is_mandatory", Boolean, nullable=False, server_default=text("false")),
    *_ordered_children("review_template_items", "template", "review_templates"),
)

review_cycles = Table(
    "review_cycles",
    metadata,
    *_key(),
    Column("type", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("due_date", Date),
    Column("status", Text, nullable=False, server_default=text("'draft'")),
    # The 360 minimums in force for the cycle, fixed when it first opens (§3.4a.3); null while draft.
    Column("feedback_min_responses", Integer),
    Column("upward_min_responses", Integer),
    *_stamps(),
    PrimaryKeyConstraint("tenant_id", "id"),
    Index("ix_review_cycles_period", "tenant_id", "period_start", "id"),
    Index("ix_review_cycles_status", "tenant_id", "status", "period_start"),
)

reviews = Table(
    "reviews",
    metadata,
    *_key(),
    Column("cycle_id", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("reviewer_id", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'draft'")),
    Column("strengths", Text),
    Column("growth_areas", Text),
    Column("discussion_topics", Text),
    Column("reviewer_notes", Text),
    Column("action_items", Text),
    Column("kpi_pass_count", Integer),
    Column("kpi_total_count", Integer),
    Column("kpi_passed", Boolean),
    Column("completed_at", TSTZ),
    *_stamps(),
    PrimaryKeyConstraint("tenant_id", "id"),
    _tenant_fk("cycle_id", "review_cycles", "fk_reviews_cycle"),
    _tenant_fk("user_id", "people", "fk_reviews_user"),
    _tenant_fk("reviewer_id", "people", "fk_reviews_reviewer"),
    # Seed 001: "Returns 409 if a review already exists for the user in this cycle".
    Index("ux_reviews_cycle_user", "tenant_id", "cycle_id", "user_id", unique=True),
    Index("ix_reviews_cycle_status", "tenant_id", "cycle_id", "status"),
    Index("ix_reviews_user", "tenant_id", "user_id", "status"),
    Index("ix_reviews_reviewer", "tenant_id", "reviewer_id", "status"),
    Index("ix_reviews_status", "tenant_id", "status"),
)

# A snapshot of the template's items taken when the review is created: later template edits never
# change an existing review.
review_kpi_ratings = Table(
    "review_kpi_ratings",
    metadata,
    *_key(),
    Column("review_id", Text, nullable=False),
    Column("template_item_id", Text),
    Column("area", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("is_mandatory", Boolean, nullable=False, server_default=text("false")),
    Column("rating", Text),
    Column("notes", Text),
    *_ordered_children("review_kpi_ratings", "review", "reviews"),
)

review_goals = Table(
    "review_goals",
    metadata,
    *_key(),
    Column("review_id", Text, nullable=False),
    Column("goal", Text, nullable=False),
    Column("success_measures", Text),
    Column("support_needed", Text),
    Column("status", Text),
    *_ordered_children("review_goals", "review", "reviews"),
)

# No updated_at: the time a request turned `submitted` would date its (anonymous) response.
feedback_requests = Table(
    "feedback_requests",
    metadata,
    *_key(),
    Column("cycle_id", Text, nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("reviewer_id", Text, nullable=False),
    Column("due_date", Date),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("created_at", TSTZ, nullable=False, server_default=func.now()),
    Column("direction", Text, nullable=False, server_default=text("'peer'")),
    # The released set its answer went into (set at release, never at submission).
    Column("release_id", Text),
    PrimaryKeyConstraint("tenant_id", "id"),
    _tenant_fk("cycle_id", "review_cycles", "fk_feedback_requests_cycle"),
    _tenant_fk("subject_id", "people", "fk_feedback_requests_subject"),
    _tenant_fk("reviewer_id", "people", "fk_feedback_requests_reviewer"),
    Index("ux_feedback_requests_pair", "tenant_id", "cycle_id", "subject_id", "reviewer_id", unique=True),
    Index("ix_feedback_requests_reviewer", "tenant_id", "reviewer_id", "status"),
    Index("ix_feedback_requests_subject", "tenant_id", "subject_id", "cycle_id"),
    Index("ix_feedback_requests_release", "tenant_id", "release_id", "reviewer_id"),
)


def _answer_columns() -> list[Column[Any]]:
    columns = [
        Column(f"{area}_{part}", Text) for area in FEEDBACK_AREA_NAMES for part in ("rating", "comment")
    ]
    return [*columns, Column("overall_comment", Text)]


# Submitted answers wait here, apart from their requests, until they are flushed into
# feedback_responses in a later transaction, many at once, in random order (§3.4a.5).
feedback_inbox = Table(
    "feedback_inbox",
    metadata,
    *_key(),
    Column("cycle_id", Text, nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("direction", Text, nullable=False),
    *_answer_columns(),
    PrimaryKeyConstraint("tenant_id", "id"),
    Index("ix_feedback_inbox_cycle", "tenant_id", "cycle_id"),
)

# A released set of one subject's responses of one cycle and direction (§3.4a.1): summaries show
# whole sets or nothing of them.
feedback_releases = Table(
    "feedback_releases",
    metadata,
    *_key(),
    Column("cycle_id", Text, nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("direction", Text, nullable=False),
    Column("response_count", Integer, nullable=False),
    PrimaryKeyConstraint("tenant_id", "id"),
    _tenant_fk("cycle_id", "review_cycles", "fk_feedback_releases_cycle"),
    _tenant_fk("subject_id", "people", "fk_feedback_releases_subject"),
    Index("ix_feedback_releases_subject", "tenant_id", "subject_id", "cycle_id"),
)

# Deliberately without reviewer_id, request_id or any timestamp; ids are random (uuid4), not
# time-ordered, so neither a column nor the id's order can link a response to its author.
feedback_responses = Table(
    "feedback_responses",
    metadata,
    *_key(),
    Column("cycle_id", Text, nullable=False),
    Column("subject_id", Text, nullable=False),
    *_answer_columns(),
    Column("direction", Text, nullable=False, server_default=text("'peer'")),
    Column("release_id", Text),  # null until released (§3.4a.1)
    PrimaryKeyConstraint("tenant_id", "id"),
    _tenant_fk("cycle_id", "review_cycles", "fk_feedback_responses_cycle"),
    _tenant_fk("subject_id", "people", "fk_feedback_responses_subject"),
    Index("ix_feedback_responses_subject", "tenant_id", "subject_id", "cycle_id"),
    Index("ix_feedback_responses_release", "tenant_id", "release_id"),
)

REVIEW_TABLES: tuple[str, ...] = (
    "review_templates",
    "review_template_items",
    "review_cycles",
    "reviews",
    "review_kpi_ratings",
    "review_goals",
    "feedback_requests",
    "feedback_responses",
    "feedback_inbox",
    "feedback_releases",
)


# ==================================================================================================
# Events, webhooks and reminders (CONTRACT §8) — owned by src/stride_server/events; created by
# migration 0006, with the triggers that write an event in the transaction of every change.
# ==================================================================================================
events = Table(
    "events",
    metadata,
    *_key(),  # id: `evt_` + ULID, increasing for one subject
    Column("type", Text, nullable=False),
    Column("area", Text, nullable=False),  # the `view:` area a reader needs (§1.4)
    Column("app_id", Text),
    Column("occurred_at", TSTZ, nullable=False),
    Column("actor_type", Text, nullable=False),
    Column("actor_id", Text),
    Column("subject_type", Text, nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("data", JSONB, nullable=False),
    PrimaryKeyConstraint("tenant_id", "id"),
    Index(
        "ix_events_subject", "subject_id", postgresql_using="hash"
    ),  # a subject's events, in any tenant's load
)

webhooks = Table(
    "webhooks",
    metadata,
    *_key(),
    Column("app_id", Text),  # an application's endpoint receives that application's events only
    Column("url", Text, nullable=False),
    Column("event_types", JSONB, nullable=False),
    # The `view:` areas of whoever saved it: an endpoint never receives what its author may not see.
    Column("areas", ARRAY(Text), nullable=False),
    Column("description", Text),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("secret", Text, nullable=False),
    Column("previous_secret", Text),  # still signing until previous_secret_until (a rotation)
    Column("previous_secret_until", TSTZ),
    Column("failure_streak", Integer, nullable=False, server_default=text("0")),
    Column("created_by", Text),
    Column("version", Integer, nullable=False, server_default=text("1")),
    *_stamps(),
    PrimaryKeyConstraint("tenant_id", "id"),
)

# One row per attempt (§8.2): `pending` while it waits or runs.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    *_key(),
    Column("webhook_id", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("response_status", Integer),
    Column("error", Text),
    Column("duration_ms", Integer),
    Column("next_attempt_at", TSTZ),
    Column("created_at", TSTZ, nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("tenant_id", "id"),
    _tenant_fk("webhook_id", "webhooks", "fk_webhook_deliveries_webhook", "CASCADE"),
    Index("ix_webhook_deliveries_webhook", "tenant_id", "webhook_id", "id"),
    Index("ix_webhook_deliveries_event", "tenant_id", "webhook_id", "event_id", "attempt"),
)

# When a reminder of one kind last went out for one open item (§8.4: at most once per repeat period).
reminder_marks = Table(
    "reminder_marks",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("item_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("sent_at", TSTZ, nullable=False),
    PrimaryKeyConstraint("tenant_id", "item_id", "kind"),
)

EVENT_TABLES: tuple[str, ...] = ("events", "webhooks", "webhook_deliveries", "reminder_marks")
