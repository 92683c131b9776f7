"""Securing new tenant tables in migrations: grants to the app role, FORCE row-level security and
the tenant policy (the same rules revision 0001 applied to the first tables)."""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from stride_server.config import get_settings


def app_role() -> str:
    role = get_settings().stride_app_db_role
    if not role.isidentifier():
        raise ValueError(f"STRIDE_APP_DB_ROLE must be a plain identifier, got {role!r}")
    return role


def secure_tables(tables: Sequence[str]) -> None:
    role = app_role()
    for table in tables:
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {role}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"""CREATE POLICY tenant_isolation ON {table}
                       USING (tenant_id = current_setting('stride.tenant_id', true))
                       WITH CHECK (tenant_id = current_setting('stride.tenant_id', true))""")
