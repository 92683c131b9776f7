"""Column and constraint shapes the migrations share: the `(tenant_id, id)` key, the creation and
update stamps, and a reference within one tenant. Migrations are history: what these emit must never
change (a new shape gets a new helper)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

TSTZ = postgresql.TIMESTAMP(timezone=True)


def key_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    """`tenant_id` and `id`, the primary key of every tenant record."""
    return [sa.Column("tenant_id", sa.Text(), nullable=False), sa.Column("id", sa.Text(), nullable=False)]


def stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    """`created_at` and `updated_at`, both set by the database when the row is inserted."""
    return [
        sa.Column("created_at", TSTZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", TSTZ, server_default=sa.text("now()"), nullable=False),
    ]


def tenant_fk(
    columns: list[str], table: str, name: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """A reference within one tenant: `(tenant_id, *columns)` to `(tenant_id, id)` of `table`."""
    return sa.ForeignKeyConstraint(
        ["tenant_id", *columns], [f"{table}.tenant_id", f"{table}.id"], name=name, ondelete=ondelete
    )
