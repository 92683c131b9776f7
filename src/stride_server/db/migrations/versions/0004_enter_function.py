"""stride_enter: set the request's tenant and read its caller in one round trip

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

from stride_server.db.migrations.security import app_role

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SECURITY INVOKER (the default): the people read runs as the app role, under row-level security,
    # after set_config has taken effect, since PL/pgSQL runs its statements in order. The setting is
    # transaction-local (`true`), exactly as a separate `SELECT set_config(...)` would make it.
    op.execute("""
        CREATE FUNCTION stride_enter(p_tenant text, p_person text)
        RETURNS TABLE (access_level text, status text)
        LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
        BEGIN
            PERFORM set_config('stride.tenant_id', p_tenant, true);
            IF p_person IS NOT NULL THEN
                RETURN QUERY SELECT p.access_level, p.status FROM people p
                             WHERE p.tenant_id = p_tenant AND p.id = p_person;
            END IF;
        END
        $$""")
    op.execute("REVOKE ALL ON FUNCTION stride_enter(text, text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION stride_enter(text, text) TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP FUNCTION stride_enter(text, text)")
