"""SQLAlchemy table definitions. The six Data API tables are read from the entity registry; the
platform and directory tables are declared here. Every table is keyed `(tenant_id, id)`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Computed,
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
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP, TSVECTOR

from stride.edm.registry import ENTITIES, Entity, Field

metadata = MetaData()
TSTZ = TIMESTAMP(timezone=True)

_COLUMN_TYPES: dict[str, Any] = {
    "id": Text, "string": Text, "text": Text, "enum": Text, "datetime": TSTZ, "number": Float,
    "pct": Float, "integer": Integer, "boolean": Boolean, "json_strings": JSONB, "json_array": JSONB,
    "json_object": JSONB, "json_questions": JSONB,
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
            indexes.append(Index(f"ix_{name}_{f.name}", "tenant_id", f.name, "created_at", "id",
                                 postgresql_where=live))
        elif f.name in ("status", "period", "kind"):
            indexes.append(Index(f"ix_{name}_{f.name}", "tenant_id", f.name, postgresql_where=live))
        elif f.kind == "json_strings" and not f.read_only:
            indexes.append(Index(f"ix_{name}_{f.name}", f.name, postgresql_using="gin",
                                 postgresql_ops={f.name: "jsonb_path_ops"}))
    return Table(name, metadata, *columns, PrimaryKeyConstraint("tenant_id", "id"), *indexes)


ENTITY_TABLES: dict[str, Table] = {e.name: _entity_table(e) for e in ENTITIES}


def _stamps() -> list[Column[Any]]:
    return [
        Column("created_at", TSTZ, nullable=False, server_default=func.now()),
        Column("updated_at", TSTZ, nullable=False, server_default=func.now()),
    ]


tenants = Table(
    "tenants", metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("feedback_min_responses", Integer, nullable=False, server_default=text("1")),
    *_stamps(),
)

people = Table(
    "people", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("id", Text, nullable=False),
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
    ForeignKeyConstraint(["tenant_id", "manager_id"], ["people.tenant_id", "people.id"],
                         name="fk_people_manager"),
    Index("ux_people_email", "tenant_id", text("lower(email)"), unique=True),
    Index("ix_people_manager", "tenant_id", "manager_id"),
    Index("ix_people_access_level", "tenant_id", "access_level"),
)

groups = Table(
    "groups", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("id", Text, nullable=False),
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
    "group_members", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("group_id", Text, nullable=False),
    Column("person_id", Text, nullable=False),
    Column("role", Text, nullable=False, server_default=text("'member'")),
    Column("created_at", TSTZ, nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("tenant_id", "group_id", "person_id"),
    ForeignKeyConstraint(["tenant_id", "group_id"], ["groups.tenant_id", "groups.id"], ondelete="CASCADE",
                         name="fk_group_members_group"),
    ForeignKeyConstraint(["tenant_id", "person_id"], ["people.tenant_id", "people.id"],
                         name="fk_group_members_person"),
    Index("ix_group_members_person", "tenant_id", "person_id"),
)

applications = Table(
    "applications", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("permissions", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("created_by", Text),
    Column("is_deleted", Boolean, nullable=False, server_default=text("false")),
    *_stamps(),
    PrimaryKeyConstraint("tenant_id", "id"),
)

api_keys = Table(
    "api_keys", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("id", Text, nullable=False),
    Column("app_id", Text, nullable=False),
    Column("key_hash", Text, nullable=False),
    Column("hint", Text, nullable=False),
    Column("created_at", TSTZ, nullable=False, server_default=func.now()),
    Column("revoked_at", TSTZ),
    PrimaryKeyConstraint("tenant_id", "id"),
    ForeignKeyConstraint(["tenant_id", "app_id"], ["applications.tenant_id", "applications.id"],
                         name="fk_api_keys_app"),
    Index("ix_api_keys_app", "tenant_id", "app_id"),
)

# The one table read before a tenant is known: the SHA-256 of a key to the tenant that owns it.
# It holds no secret and no tenant data beyond that mapping (a Citus reference table).
api_key_lookup = Table(
    "api_key_lookup", metadata,
    Column("key_hash", Text, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("key_id", Text, nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
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
    "assessment_responses", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("id", Text, nullable=False),
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
