"""Events, webhooks and reminders (CONTRACT §8): the transactional outbox, written by triggers in the
transaction of every change; webhook endpoints and their deliveries; the job queue (procrastinate's
schema) that the outbox hands deliveries to in the same transaction; reminder marks and the tenant
settings of retention and reminders.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence
from importlib.resources import files

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.util import await_only

from stride_server.db.migrations.columns import TSTZ, key_columns, stamps, tenant_fk
from stride_server.db.migrations.security import app_role, secure_tables

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REMINDERS = (
    '{"enabled": true, "feedback_days_before": 2, "self_assessment_days_before": 3, '
    '"review_days_before": 3, "repeat_every_days": 2}'
)

# --- ids -----------------------------------------------------------------------------------------
# A ULID from the clock (48 bits of milliseconds, 80 random bits), and the next one after a given ULID
# (events of one subject stay in increasing order when the clock or the random part would not).
_ULID = r"""
CREATE FUNCTION stride_ulid(p_at timestamptz) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    alphabet CONSTANT text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    bits bit(130) := B'00' || floor(extract(epoch FROM p_at) * 1000)::bigint::bit(48)
                     || ('x' || encode(substring(uuid_send(gen_random_uuid()) FROM 7 FOR 10), 'hex'))::bit(80);
    result text := '';
BEGIN
    FOR i IN 0..25 LOOP
        result := result || substr(alphabet, substring(bits FROM i * 5 + 1 FOR 5)::int + 1, 1);
    END LOOP;
    RETURN result;
END $$;

CREATE FUNCTION stride_ulid_next(p_ulid text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    alphabet CONSTANT text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    result text := p_ulid;
    position int;
BEGIN
    FOR i IN REVERSE length(p_ulid)..1 LOOP
        position := strpos(alphabet, substr(p_ulid, i, 1));
        IF position < 32 THEN
            RETURN substr(result, 1, i - 1) || substr(alphabet, position + 1, 1) || repeat('0', length(p_ulid) - i);
        END IF;
    END LOOP;
    RAISE EXCEPTION 'ULID overflow';
END $$;
"""

# --- the outbox ----------------------------------------------------------------------------------
# Which `view:` permission an event's subject needs (§1.4): readers and endpoints see only their areas.
_AREA = """
CREATE FUNCTION stride_event_area(p_type text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE split_part(p_type, '.', 1)
        WHEN 'person_goal' THEN 'performance' WHEN 'review_cycle' THEN 'performance'
        WHEN 'review' THEN 'performance' WHEN 'feedback_request' THEN 'performance'
        WHEN 'nomination' THEN 'performance' WHEN 'calibration_session' THEN 'performance'
        WHEN 'calibration' THEN 'performance' WHEN 'reminder' THEN 'performance'
        WHEN 'objective' THEN 'okr' WHEN 'key_result' THEN 'okr'
        WHEN 'learning_record' THEN 'learning' WHEN 'cohort' THEN 'learning'
        WHEN 'assessment' THEN 'learning' WHEN 'assessment_response' THEN 'learning'
        WHEN 'person' THEN 'directory' WHEN 'group' THEN 'directory' WHEN 'membership' THEN 'directory'
        ELSE 'platform' END
$$;
"""


def _emit(role: str) -> str:
    # The actor comes from the transaction's settings (stride_enter sets the tenant, the person and the
    # application). Only the owner (bulk loads) may switch events off; the app role never can.
    return f"""
CREATE FUNCTION stride_emit(p_type text, p_subject_type text, p_subject_id text, p_data jsonb)
RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    tenant text := current_setting('stride.tenant_id', true);
    person text := nullif(current_setting('stride.person_id', true), '');
    app text := nullif(current_setting('stride.app_id', true), '');
    area text := stride_event_area(p_type);
    occurred timestamptz := clock_timestamp();
    event_id text := 'evt_' || stride_ulid(occurred);
    last_id text;
BEGIN
    IF current_setting('stride.emit', true) = 'off' AND current_user <> '{role}' THEN
        RETURN NULL;
    END IF;
    SELECT max(e.id) INTO last_id FROM events e WHERE e.tenant_id = tenant AND e.subject_id = p_subject_id;
    IF last_id >= event_id THEN
        event_id := 'evt_' || stride_ulid_next(substr(last_id, 5));
    END IF;
    INSERT INTO events (tenant_id, id, type, area, app_id, occurred_at, actor_type, actor_id,
                        subject_type, subject_id, data)
    VALUES (tenant, event_id, p_type, area, app, occurred,
            CASE WHEN person IS NOT NULL THEN 'person' WHEN app IS NOT NULL THEN 'application' ELSE 'system' END,
            coalesce(person, app), p_subject_type, p_subject_id, p_data);
    IF p_type <> 'webhook.ping' THEN
        PERFORM stride_enqueue_delivery(tenant, w.id, event_id, p_type, p_subject_type || ':' || p_subject_id, 1)
        FROM webhooks w
        WHERE w.tenant_id = tenant AND w.enabled AND area = ANY (w.areas)
          AND (w.app_id IS NULL OR w.app_id = app)
          AND w.event_types ?| ARRAY['*', p_type, split_part(p_type, '.', 1) || '.*'];
    END IF;
    RETURN event_id;
END $$;
"""


# One delivery attempt waiting, and its job: the lock (endpoint and subject) keeps one endpoint's
# deliveries of one subject in event order, a retry waiting included.
_ENQUEUE = """
CREATE FUNCTION stride_enqueue_delivery(p_tenant text, p_webhook text, p_event text, p_type text,
                                        p_lock text, p_attempt int)
RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    delivery_id text := 'dlv_' || stride_ulid(clock_timestamp());
BEGIN
    INSERT INTO webhook_deliveries (tenant_id, id, webhook_id, event_id, event_type, attempt, status,
                                    next_attempt_at)
    VALUES (p_tenant, delivery_id, p_webhook, p_event, p_type, p_attempt, 'pending', now());
    PERFORM procrastinate_defer_jobs_v1(ARRAY[ROW(
        'webhooks', 'stride.deliver_webhook', 0, p_tenant || ':' || p_webhook || ':' || p_lock, NULL,
        jsonb_build_object('tenant_id', p_tenant, 'webhook_id', p_webhook, 'event_id', p_event,
                           'first_attempt', p_attempt), NULL
    )::procrastinate_job_to_defer_v1]);
    RETURN delivery_id;
END $$;
"""

# When a job of a lock ends, the next job of that lock may start: wake the workers now rather than at
# their next poll (the queue only notifies inserts), so one endpoint's deliveries of one subject follow
# each other at once.
_WAKE = """
CREATE FUNCTION stride_wake_next_in_lock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    payload text;
    queue text;
BEGIN
    IF OLD.lock IS NULL OR OLD.status <> 'doing' OR (TG_OP = 'UPDATE' AND NEW.status = 'doing') THEN
        RETURN NULL;
    END IF;
    SELECT json_build_object('type', 'job_inserted', 'job_id', j.id)::text, j.queue_name INTO payload, queue
    FROM procrastinate_jobs j
    WHERE j.lock = OLD.lock AND j.status = 'todo' AND j.id <> OLD.id
    ORDER BY j.id LIMIT 1;
    IF payload IS NOT NULL THEN
        PERFORM pg_notify('procrastinate_queue_v1#' || queue, payload);
        PERFORM pg_notify('procrastinate_any_queue_v1', payload);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stride_wake_next_in_lock AFTER UPDATE OF status OR DELETE ON procrastinate_jobs
FOR EACH ROW EXECUTE FUNCTION stride_wake_next_in_lock();
"""

# --- what a change says --------------------------------------------------------------------------
# Records as the API shows them: UTC date-times with `Z`, no search column, no answer keys, no
# free text of a review, the computed `is_expired` of a learning record.
_RECORD = r"""
CREATE FUNCTION stride_event_json(p jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(key, CASE
        WHEN jsonb_typeof(value) = 'string'
             AND value #>> '{}' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$'
        THEN to_jsonb(regexp_replace(value #>> '{}', '\+00:00$', 'Z'))
        ELSE value END), '{}'::jsonb)
    FROM jsonb_each(p)
$$;

CREATE FUNCTION stride_record_json(p_kind text, p jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    shaped jsonb := p - 'search';
BEGIN
    IF p_kind = 'learning_record' THEN
        shaped := shaped || jsonb_build_object(
            'is_expired', coalesce((p ->> 'expires_at')::timestamptz < now(), false));
    ELSIF p_kind = 'assessment' AND jsonb_typeof(p -> 'questions') = 'array' THEN
        shaped := shaped || jsonb_build_object('questions', (
            SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(q) = 'object' THEN q - 'correct' ELSE q END
                                      ORDER BY n), '[]'::jsonb)
            FROM jsonb_array_elements(p -> 'questions') WITH ORDINALITY AS x(q, n)));
    ELSIF p_kind = 'review' THEN
        shaped := shaped - 'strengths' - 'growth_areas' - 'discussion_topics' - 'reviewer_notes'
                  - 'action_items';
    END IF;
    RETURN stride_event_json(shaped);
END $$;

-- The names of the fields an update changed (the stamps every write moves are left out).
CREATE FUNCTION stride_changed(p_old jsonb, p_new jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(n.key ORDER BY n.key), '[]'::jsonb)
    FROM jsonb_each(p_new) n
    WHERE n.key NOT IN ('version', 'updated_at', 'updated_by', 'search')
      AND n.value IS DISTINCT FROM p_old -> n.key
$$;
"""

# Data API records (and assessment responses): `{record}`, and `changed` for updates; a soft delete is
# `.deleted`; a key result's update that appends to its history is a check-in.
_ON_RECORD = """
CREATE FUNCTION stride_on_record() RETURNS trigger LANGUAGE plpgsql SET timezone TO 'UTC' AS $$
DECLARE
    kind text := TG_ARGV[0];
    old_row jsonb;
    new_row jsonb;
    changed jsonb;
    verb text := 'updated';
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stride_emit(kind || CASE WHEN kind = 'assessment_response' THEN '.submitted' ELSE '.created' END,
                            kind, NEW.id, jsonb_build_object('record', stride_record_json(kind, to_jsonb(NEW))));
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stride_emit(kind || '.deleted', kind, OLD.id,
                            jsonb_build_object('record', stride_record_json(kind, to_jsonb(OLD))));
        RETURN NULL;
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    IF old_row = new_row THEN
        RETURN NULL;
    END IF;
    changed := stride_changed(old_row, new_row);
    IF (new_row ->> 'is_deleted')::boolean AND NOT coalesce((old_row ->> 'is_deleted')::boolean, false) THEN
        verb := 'deleted';
    ELSIF kind = 'key_result' AND jsonb_array_length(coalesce(new_row -> 'history', '[]'))
                                  > jsonb_array_length(coalesce(old_row -> 'history', '[]')) THEN
        verb := 'checked_in';
    END IF;
    PERFORM stride_emit(kind || '.' || verb, kind, NEW.id,
                        jsonb_build_object('record', stride_record_json(kind, new_row), 'changed', changed));
    RETURN NULL;
END $$;
"""

# Reviews and cycles: their status moves are events of their own.
_ON_REVIEW = """
CREATE FUNCTION stride_on_review() RETURNS trigger LANGUAGE plpgsql SET timezone TO 'UTC' AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    changed jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stride_emit('review.created', 'review', NEW.id,
                            jsonb_build_object('review', stride_record_json('review', to_jsonb(NEW))));
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stride_emit('review.deleted', 'review', OLD.id,
                            jsonb_build_object('review', stride_record_json('review', to_jsonb(OLD))));
        RETURN NULL;
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    IF old_row = new_row THEN
        RETURN NULL;
    END IF;
    changed := stride_changed(old_row, new_row) - 'status' - 'completed_at';
    IF OLD.status IS DISTINCT FROM NEW.status THEN
        PERFORM stride_emit('review.status_changed', 'review', NEW.id, jsonb_build_object(
            'review_id', NEW.id, 'user_id', NEW.user_id, 'reviewer_id', NEW.reviewer_id,
            'from', OLD.status, 'to', NEW.status));
        IF NEW.status = 'completed' THEN
            PERFORM stride_emit('review.completed', 'review', NEW.id,
                                jsonb_build_object('review', stride_record_json('review', new_row)));
        END IF;
    END IF;
    IF jsonb_array_length(changed) > 0
       OR (OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.updated_at IS DISTINCT FROM NEW.updated_at) THEN
        PERFORM stride_emit('review.updated', 'review', NEW.id, jsonb_build_object(
            'review', stride_record_json('review', new_row), 'changed', changed));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION stride_on_cycle() RETURNS trigger LANGUAGE plpgsql SET timezone TO 'UTC' AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    changed jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stride_emit('review_cycle.created', 'review_cycle', NEW.id,
                            jsonb_build_object('cycle', stride_event_json(to_jsonb(NEW))));
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stride_emit('review_cycle.deleted', 'review_cycle', OLD.id,
                            jsonb_build_object('cycle', stride_event_json(to_jsonb(OLD))));
        RETURN NULL;
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    IF old_row = new_row THEN
        RETURN NULL;
    END IF;
    changed := stride_changed(old_row, new_row) - 'status' - 'feedback_min_responses' - 'upward_min_responses';
    IF OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('open', 'closed') THEN
        PERFORM stride_emit('review_cycle.' || CASE NEW.status WHEN 'open' THEN 'opened' ELSE 'closed' END,
                            'review_cycle', NEW.id, jsonb_build_object('cycle', stride_event_json(new_row)));
    END IF;
    IF jsonb_array_length(changed) > 0
       OR (OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.updated_at IS DISTINCT FROM NEW.updated_at) THEN
        PERFORM stride_emit('review_cycle.updated', 'review_cycle', NEW.id, jsonb_build_object(
            'cycle', stride_event_json(new_row), 'changed', changed));
    END IF;
    RETURN NULL;
END $$;
"""

# Feedback requests: ids, dates and statuses only, never an answer.
_ON_FEEDBACK = """
CREATE FUNCTION stride_on_feedback_request() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    verb text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        verb := 'created';
    ELSIF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('declined', 'submitted') THEN
        verb := NEW.status;
    ELSE
        RETURN NULL;
    END IF;
    PERFORM stride_emit('feedback_request.' || verb, 'feedback_request', NEW.id, jsonb_build_object(
        'request_id', NEW.id, 'cycle_id', NEW.cycle_id, 'subject_id', NEW.subject_id,
        'reviewer_id', NEW.reviewer_id, 'direction', NEW.direction, 'due_date', NEW.due_date,
        'status', NEW.status));
    RETURN NULL;
END $$;
"""

# The directory: ids and the names of the changed fields, never a name or an email.
_ON_DIRECTORY = """
CREATE FUNCTION stride_on_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stride_emit('person.created', 'person', NEW.id, jsonb_build_object(
            'person_id', NEW.id, 'manager_id', NEW.manager_id, 'access_level', NEW.access_level,
            'status', NEW.status));
        RETURN NULL;
    END IF;
    changed := stride_changed(to_jsonb(OLD), to_jsonb(NEW));
    IF jsonb_array_length(changed) = 0 THEN
        RETURN NULL;
    END IF;
    IF OLD.status = 'active' AND NEW.status = 'inactive' THEN
        PERFORM stride_emit('person.deactivated', 'person', NEW.id, jsonb_build_object('person_id', NEW.id));
        changed := changed - 'status';
    END IF;
    IF jsonb_array_length(changed) > 0 THEN
        PERFORM stride_emit('person.updated', 'person', NEW.id,
                            jsonb_build_object('person_id', NEW.id, 'changed', changed));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION stride_on_group() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stride_emit('group.created', 'group', NEW.id,
                            jsonb_build_object('group_id', NEW.id, 'kind', NEW.kind, 'parent_id', NEW.parent_id));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stride_emit('group.deleted', 'group', OLD.id, jsonb_build_object('group_id', OLD.id));
    ELSIF NEW.is_deleted AND NOT OLD.is_deleted THEN
        PERFORM stride_emit('group.deleted', 'group', NEW.id, jsonb_build_object('group_id', NEW.id));
    ELSE
        changed := stride_changed(to_jsonb(OLD), to_jsonb(NEW));
        IF jsonb_array_length(changed) > 0 THEN
            PERFORM stride_emit('group.updated', 'group', NEW.id,
                                jsonb_build_object('group_id', NEW.id, 'changed', changed));
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION stride_on_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stride_emit('membership.added', 'group', NEW.group_id, jsonb_build_object(
            'group_id', NEW.group_id, 'person_id', NEW.person_id, 'role', NEW.role));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stride_emit('membership.removed', 'group', OLD.group_id, jsonb_build_object(
            'group_id', OLD.group_id, 'person_id', OLD.person_id, 'role', OLD.role));
    END IF;
    RETURN NULL;
END $$;
"""

# (table, trigger function, its argument, the operations)
_TRIGGERS = (
    ("person_goals", "stride_on_record", "person_goal", "INSERT OR UPDATE OR DELETE"),
    ("learning_records", "stride_on_record", "learning_record", "INSERT OR UPDATE OR DELETE"),
    ("objectives", "stride_on_record", "objective", "INSERT OR UPDATE OR DELETE"),
    ("key_results", "stride_on_record", "key_result", "INSERT OR UPDATE OR DELETE"),
    ("cohorts", "stride_on_record", "cohort", "INSERT OR UPDATE OR DELETE"),
    ("assessments", "stride_on_record", "assessment", "INSERT OR UPDATE OR DELETE"),
    ("assessment_responses", "stride_on_record", "assessment_response", "INSERT"),
    ("review_cycles", "stride_on_cycle", None, "INSERT OR UPDATE OR DELETE"),
    ("reviews", "stride_on_review", None, "INSERT OR UPDATE OR DELETE"),
    ("feedback_requests", "stride_on_feedback_request", None, "INSERT OR UPDATE"),
    ("people", "stride_on_person", None, "INSERT OR UPDATE"),
    ("groups", "stride_on_group", None, "INSERT OR UPDATE OR DELETE"),
    ("group_members", "stride_on_membership", None, "INSERT OR DELETE"),
)

_FUNCTIONS = (
    "stride_wake_next_in_lock()",
    "stride_on_membership()",
    "stride_on_group()",
    "stride_on_person()",
    "stride_on_feedback_request()",
    "stride_on_cycle()",
    "stride_on_review()",
    "stride_on_record()",
    "stride_changed(jsonb, jsonb)",
    "stride_record_json(text, jsonb)",
    "stride_event_json(jsonb)",
    "stride_emit(text, text, text, jsonb)",
    "stride_enqueue_delivery(text, text, text, text, text, int)",
    "stride_event_area(text)",
    "stride_ulid_next(text)",
    "stride_ulid(timestamptz)",
    "stride_enter(text, text, text)",
    "stride_tenant_ids()",
)


def _enter(role: str) -> str:
    # The tenant, the person and the application of the transaction (the events' actor), and the
    # caller's row, in one round trip. The two-argument form of 0004 now records the person too.
    return f"""
CREATE FUNCTION stride_enter(p_tenant text, p_person text, p_app text)
RETURNS TABLE (access_level text, status text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
BEGIN
    PERFORM set_config('stride.tenant_id', p_tenant, true),
            set_config('stride.person_id', coalesce(p_person, ''), true),
            set_config('stride.app_id', coalesce(p_app, ''), true);
    IF p_person IS NOT NULL THEN
        RETURN QUERY SELECT p.access_level, p.status FROM people p
                     WHERE p.tenant_id = p_tenant AND p.id = p_person;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION stride_enter(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stride_enter(text, text, text) TO {role};

CREATE OR REPLACE FUNCTION stride_enter(p_tenant text, p_person text)
RETURNS TABLE (access_level text, status text)
LANGUAGE sql VOLATILE SECURITY INVOKER AS $$
    SELECT * FROM stride_enter(p_tenant, p_person, NULL)
$$;

-- The tenants the scheduled jobs visit (ids only: the tenants table itself stays under row security).
CREATE FUNCTION stride_tenant_ids() RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$ SELECT tenant_id FROM tenants ORDER BY tenant_id $$;
REVOKE ALL ON FUNCTION stride_tenant_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stride_tenant_ids() TO {role};
"""


def _run_script(sql: str) -> None:
    """A multi-statement script in the migration's transaction (dollar-quoted bodies included)."""
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    await_only(driver.execute(sql))


def upgrade() -> None:
    role = app_role()
    # The job queue: procrastinate's schema as this version of the library ships it.
    _run_script(files("procrastinate").joinpath("sql/schema.sql").read_text())
    _run_script(f"""
        DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'procrastinate%' LOOP
                EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO {role}', r.tablename);
            END LOOP;
            FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND sequencename LIKE 'procrastinate%' LOOP
                EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO {role}', r.sequencename);
            END LOOP;
        END $$;""")

    op.add_column(
        "tenants", sa.Column("events_retention_days", sa.Integer(), server_default="30", nullable=False)
    )
    op.add_column(
        "tenants",
        sa.Column(
            "reminders", postgresql.JSONB(), server_default=sa.text(f"'{_REMINDERS}'::jsonb"), nullable=False
        ),
    )
    op.create_table(
        "events",
        *key_columns(),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("app_id", sa.Text()),
        sa.Column("occurred_at", TSTZ, nullable=False),
        sa.Column("actor_type", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Text()),
        sa.Column("subject_type", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_events_subject", "events", ["tenant_id", "subject_id", "id"])
    op.create_table(
        "webhooks",
        *key_columns(),
        sa.Column("app_id", sa.Text()),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("event_types", postgresql.JSONB(), nullable=False),
        sa.Column("areas", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("previous_secret", sa.Text()),
        sa.Column("previous_secret_until", TSTZ),
        sa.Column("failure_streak", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_by", sa.Text()),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        *stamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "webhook_deliveries",
        *key_columns(),
        sa.Column("webhook_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("response_status", sa.Integer()),
        sa.Column("error", sa.Text()),
        sa.Column("duration_ms", sa.Integer()),
        sa.Column("next_attempt_at", TSTZ),
        sa.Column("created_at", TSTZ, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        tenant_fk(["webhook_id"], "webhooks", "fk_webhook_deliveries_webhook", "CASCADE"),
    )
    op.create_index("ix_webhook_deliveries_webhook", "webhook_deliveries", ["tenant_id", "webhook_id", "id"])
    op.create_index(
        "ix_webhook_deliveries_event",
        "webhook_deliveries",
        ["tenant_id", "webhook_id", "event_id", "attempt"],
    )
    op.create_table(
        "reminder_marks",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("sent_at", TSTZ, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "item_id", "kind"),
    )
    secure_tables(["events", "webhooks", "webhook_deliveries", "reminder_marks"])

    _run_script(_enter(role) + _ULID + _AREA + _RECORD + _ENQUEUE + _emit(role) + _WAKE)
    _run_script(_ON_RECORD + _ON_REVIEW + _ON_FEEDBACK + _ON_DIRECTORY)
    for table, function, argument, operations in _TRIGGERS:
        arguments = f"'{argument}'" if argument else ""
        op.execute(
            f"CREATE TRIGGER stride_events AFTER {operations} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}({arguments})"
        )


def downgrade() -> None:
    for table, *_ in _TRIGGERS:
        op.execute(f"DROP TRIGGER stride_events ON {table}")
    op.execute("DROP TRIGGER stride_wake_next_in_lock ON procrastinate_jobs")
    for function in _FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    op.execute("""
        CREATE OR REPLACE FUNCTION stride_enter(p_tenant text, p_person text)
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
    for table in ("reminder_marks", "webhook_deliveries", "webhooks", "events"):
        op.drop_table(table)
    op.drop_column("tenants", "reminders")
    op.drop_column("tenants", "events_retention_days")
    _run_script("""
        DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'procrastinate%' LOOP
                EXECUTE format('DROP TABLE %I CASCADE', r.tablename);
            END LOOP;
            FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'public' AND p.proname LIKE 'procrastinate%' LOOP
                EXECUTE format('DROP FUNCTION %s CASCADE', r.f);
            END LOOP;
            FOR r IN SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                     WHERE n.nspname = 'public' AND typname LIKE 'procrastinate%' AND typtype IN ('e', 'c') LOOP
                EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname);
            END LOOP;
        END $$;""")
