"""Events of the platform surface (CONTRACT §8.1: every committed change writes its event):
applications, their API keys, webhook endpoints and the tenant's settings — ids and the names of the
changed fields, never a key, a hash or a secret.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

from stride_server.db.migrations.triggers import (
    Trigger,
    create_statement_triggers,
    drop_statement_triggers,
    run_script,
)

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGER = "RETURNS trigger LANGUAGE plpgsql SET timezone TO 'UTC' AS $$"

# A webhook endpoint's failure streak moves with every failed delivery: it is the deliveries log's
# business, not a change of the endpoint (and an endpoint subscribed to `webhook.*` would otherwise be
# sent an event for each of its own failures).
_FUNCTIONS = f"""
CREATE FUNCTION stride_platform_changed() {_TRIGGER}
DECLARE
    kind text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stride_emit_all(ARRAY(
            SELECT ROW(n.tenant_id, kind, n.id, kind || '.created',
                       jsonb_build_object(kind || '_id', n.id) || stride_platform_ids(kind, to_jsonb(n)))::stride_event_draft
            FROM new_rows n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stride_emit_all(ARRAY(
            SELECT ROW(o.tenant_id, kind, o.id, kind || '.deleted',
                       jsonb_build_object(kind || '_id', o.id) || stride_platform_ids(kind, to_jsonb(o)))::stride_event_draft
            FROM old_rows o));
    ELSE
        PERFORM stride_emit_all(ARRAY(
            SELECT ROW(c.tenant_id, kind, c.id, kind || '.' || CASE
                           WHEN (c.new_row ->> 'is_deleted')::boolean
                                AND NOT (c.old_row ->> 'is_deleted')::boolean THEN 'deleted'
                           WHEN c.new_row ->> 'revoked_at' IS NOT NULL AND c.old_row ->> 'revoked_at' IS NULL
                               THEN 'revoked'
                           ELSE 'updated' END,
                       jsonb_build_object(kind || '_id', c.id, 'changed', c.changed)
                           || stride_platform_ids(kind, c.new_row))::stride_event_draft
            FROM (SELECT n.tenant_id, n.id, to_jsonb(o) AS old_row, to_jsonb(n) AS new_row,
                         stride_changed(to_jsonb(o), to_jsonb(n)) - 'failure_streak' AS changed
                  FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id) c
            WHERE jsonb_array_length(c.changed) > 0));
    END IF;
    RETURN NULL;
END $$;

-- What else names the record: an API key's application.
CREATE FUNCTION stride_platform_ids(p_kind text, p jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_kind WHEN 'api_key' THEN jsonb_build_object('app_id', p -> 'app_id') ELSE '{{}}'::jsonb END
$$;

-- The tenant's settings: the names of those that changed.
CREATE FUNCTION stride_settings_changed() {_TRIGGER}
BEGIN
    PERFORM stride_emit_all(ARRAY(
        SELECT ROW(c.tenant_id, 'settings', c.tenant_id, 'settings.updated',
                   jsonb_build_object('changed', c.changed))::stride_event_draft
        FROM (SELECT n.tenant_id, stride_changed(to_jsonb(o), to_jsonb(n)) - 'name' - 'tenant_id' AS changed
              FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id) c
        WHERE jsonb_array_length(c.changed) > 0));
    RETURN NULL;
END $$;
"""

# (table, operation, function, argument)
_TRIGGERS: tuple[Trigger, ...] = (
    ("applications", "INSERT", "stride_platform_changed", "application"),
    ("applications", "UPDATE", "stride_platform_changed", "application"),
    ("api_keys", "INSERT", "stride_platform_changed", "api_key"),
    ("api_keys", "UPDATE", "stride_platform_changed", "api_key"),
    ("webhooks", "INSERT", "stride_platform_changed", "webhook"),
    ("webhooks", "UPDATE", "stride_platform_changed", "webhook"),
    ("webhooks", "DELETE", "stride_platform_changed", "webhook"),
    ("tenants", "UPDATE", "stride_settings_changed", None),
)


def upgrade() -> None:
    run_script(_FUNCTIONS)
    create_statement_triggers(_TRIGGERS)


def downgrade() -> None:
    drop_statement_triggers(_TRIGGERS)
    for function in (
        "stride_settings_changed()",
        "stride_platform_ids(text, jsonb)",
        "stride_platform_changed()",
    ):
        op.execute(f"DROP FUNCTION {function}")
