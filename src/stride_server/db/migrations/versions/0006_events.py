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

from stride_server.db.migrations.columns import TSTZ, key_columns, stamps, tenant_fk
from stride_server.db.migrations.security import app_role, secure_tables
from stride_server.db.migrations.triggers import (
    Trigger,
    create_statement_triggers,
    drop_statement_triggers,
    run_script,
)

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REMINDERS = (
    '{"enabled": true, "feedback_days_before": 2, "self_assessment_days_before": 3, '
    '"review_days_before": 3, "repeat_every_days": 2}'
)


# --- ids -----------------------------------------------------------------------------------------
def _base32(name: str, bits: int) -> str:
    """The Crockford base32 digits of the low `bits` bits of the bigint `name`, as one expression."""
    return " || ".join(
        f"substr(alphabet, (({name} >> {shift}) & 31)::int + 1, 1)" for shift in range(bits - 5, -1, -5)
    )


# A ULID (delivery ids): 10 digits of milliseconds (48 bits, the top two zero) and 16 of randomness
# (two 40-bit halves), each digit one expression (a loop costs more per call).
_ULID = f"""
CREATE FUNCTION stride_ulid(p_at timestamptz) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    alphabet CONSTANT text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    ms bigint := floor(extract(epoch FROM p_at) * 1000)::bigint;
    random_hex text := encode(substring(uuid_send(gen_random_uuid()) FROM 7 FOR 10), 'hex');
    high bigint := ('x' || substr(random_hex, 1, 10))::bit(40)::bigint;
    low bigint := ('x' || substr(random_hex, 11, 10))::bit(40)::bigint;
BEGIN
    RETURN {_base32("ms", 50)}
        || {_base32("high", 40)}
        || {_base32("low", 40)};
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


def _written(drafts: str) -> str:
    """One statement, inside a trigger or stride_emit_all: write the events `drafts` selects (rows of
    stride_event_draft, in order) — ids from the clock, a sequence and randomness; the actor from the
    transaction's settings — and hand each to the endpoints that subscribe to it. Inline, so that a
    write pays one statement for its events, not a function call per event."""
    digits = " || ".join(
        _base32(name, bits).replace("alphabet", "'0123456789ABCDEFGHJKMNPQRSTVWXYZ'")
        for name, bits in (("k.ms", 50), ("k.high", 40), ("k.low", 40))
    )
    return f"""
    WITH drafts AS MATERIALIZED (SELECT x.r FROM ({drafts}) AS x(r)),
    inserted AS (
        INSERT INTO events (tenant_id, id, type, area, app_id, occurred_at, actor_type, actor_id,
                            subject_type, subject_id, data)
        SELECT (d.r).tenant_id, 'evt_' || {digits}, (d.r).type, stride_event_area((d.r).type), a.app,
               clock_timestamp(),
               CASE WHEN a.person IS NOT NULL THEN 'person' WHEN a.app IS NOT NULL THEN 'application'
                    ELSE 'system' END,
               coalesce(a.person, a.app), (d.r).subject_type, (d.r).subject_id, (d.r).data
        FROM drafts d
        CROSS JOIN (SELECT nullif(current_setting('stride.person_id', true), '') AS person,
                           nullif(current_setting('stride.app_id', true), '') AS app) a
        CROSS JOIN LATERAL (SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms,
                                   nextval('stride_event_seq') & 1099511627775 AS high,
                                   ('x' || substr(md5(random()::text || (d.r).subject_id), 1, 10))::bit(40)::bigint
                                       AS low
                            OFFSET 0) k
        WHERE stride_events_on()
        RETURNING tenant_id, id, type, area, app_id, subject_type, subject_id
    )
    SELECT array_agg(i.id ORDER BY i.id),
           (SELECT count(stride_enqueue_delivery(f.tenant_id, w.id, f.id, f.type,
                                                  f.subject_type || ':' || f.subject_id, 1))
            FROM inserted f
            JOIN webhooks w
              ON f.type <> 'webhook.ping' AND w.tenant_id = f.tenant_id AND w.enabled
                 AND f.area = ANY (w.areas) AND (w.app_id IS NULL OR w.app_id = f.app_id)
                 AND w.event_types ?| ARRAY['*', f.type, split_part(f.type, '.', 1) || '.*'])
    INTO ids, deliveries
    FROM inserted i;"""


def _emit(role: str) -> str:
    # Events are written in sets: a trigger hands every event of its statement to stride_emit_all at
    # once, which writes them and fans them out to the endpoints in one statement. The actor comes from
    # the transaction's settings (stride_enter sets the tenant, the person and the application). Only
    # the owner (bulk loads) may switch events off; the app role never can.
    return f"""
-- An event to write: its tenant is its row's (a bulk load as the owner sets none).
CREATE TYPE stride_event_draft AS (tenant_id text, subject_type text, subject_id text, type text, data jsonb);

CREATE SEQUENCE stride_event_seq;
GRANT USAGE ON SEQUENCE stride_event_seq TO {role};

-- Whether events are written: always, but for the owner's bulk loads that switch them off.
CREATE FUNCTION stride_events_on() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT NOT (coalesce(current_setting('stride.emit', true), '') = 'off' AND current_user <> '{role}')
$$;

CREATE FUNCTION stride_emit_all(p_drafts stride_event_draft[]) RETURNS text[]
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ids text[];
    deliveries bigint;
BEGIN
    {_written("SELECT p_drafts[i] FROM generate_subscripts(p_drafts, 1) AS i ORDER BY i")}
    RETURN coalesce(ids, '{{}}');
END $$;

-- One event written by the application itself (webhooks, reminders): its id.
CREATE FUNCTION stride_emit(p_type text, p_subject_type text, p_subject_id text, p_data jsonb)
RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT (stride_emit_all(ARRAY[ROW(current_setting('stride.tenant_id', true), p_subject_type, p_subject_id,
                                    p_type, p_data)::stride_event_draft]))[1]
$$;
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
# Records as the API shows them: no search column, no answer keys, no free text of a review, the
# computed `is_expired` of a learning record. Date-times are written in UTC (the trigger functions run
# with timezone UTC); readers show them with `Z` (events.store.event_json), which keeps that work off
# the write path.
_RECORD = r"""
-- An assessment's questions without their answer keys (`correct`).
CREATE FUNCTION stride_without_answers(p jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(p -> 'questions') = 'array'
        THEN p || jsonb_build_object('questions', (
            SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(q) = 'object' THEN q - 'correct' ELSE q END
                                      ORDER BY n), '[]'::jsonb)
            FROM jsonb_array_elements(p -> 'questions') WITH ORDINALITY AS x(q, n)))
        ELSE p END
$$;

-- One expression, which PostgreSQL inlines into the trigger's statement.
CREATE FUNCTION stride_record_json(p_kind text, p jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT CASE p_kind
        WHEN 'learning_record' THEN (p - 'search') || jsonb_build_object(
            'is_expired', coalesce((p ->> 'expires_at')::timestamptz < now(), false))
        WHEN 'assessment' THEN stride_without_answers(p - 'search')
        WHEN 'review' THEN p - 'strengths' - 'growth_areas' - 'discussion_topics' - 'reviewer_notes'
                           - 'action_items'
        ELSE p - 'search' END
$$;

-- The member of an event's data that carries its record.
CREATE FUNCTION stride_record_key(p_kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_kind WHEN 'review' THEN 'review' WHEN 'review_cycle' THEN 'cycle' ELSE 'record' END
$$;

-- The names of the fields an update changed (the stamps every write moves are left out).
CREATE FUNCTION stride_changed(p_old jsonb, p_new jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(n.key ORDER BY n.key), '[]'::jsonb)
    FROM jsonb_each(p_new) n
    WHERE n.key NOT IN ('version', 'updated_at', 'updated_by', 'search')
      AND n.value IS DISTINCT FROM p_old -> n.key
$$;
"""

# The triggers are per statement, with transition tables: a statement's changes become its events in
# one INSERT, whatever the number of rows. The functions run with timezone UTC, so that date-times are
# written in UTC (readers show them with `Z`).
_TRIGGER = """RETURNS trigger LANGUAGE plpgsql SET timezone TO 'UTC' AS $$
DECLARE
    ids text[];
    deliveries bigint;"""

# Data API records (and assessment responses): `{record}`, and `changed` for updates; a soft delete is
# `.deleted`; a key result's update that appends to its history is a check-in.
_ON_RECORD = f"""
CREATE FUNCTION stride_record_inserted() {_TRIGGER}
BEGIN
    {
    _written(r'''
        SELECT ROW(n.tenant_id, TG_ARGV[0], n.id,
                   TG_ARGV[0] || CASE WHEN TG_ARGV[0] = 'assessment_response' THEN '.submitted' ELSE '.created' END,
                   jsonb_build_object(stride_record_key(TG_ARGV[0]),
                                      stride_record_json(TG_ARGV[0], to_jsonb(n))))::stride_event_draft
        FROM new_rows n''')
}
    RETURN NULL;
END $$;

CREATE FUNCTION stride_record_updated() {_TRIGGER}
BEGIN
    {
    _written(r'''
        SELECT ROW(c.tenant_id, TG_ARGV[0], c.id, TG_ARGV[0] || '.' || CASE
                       WHEN (c.new_row ->> 'is_deleted')::boolean
                            AND NOT coalesce((c.old_row ->> 'is_deleted')::boolean, false) THEN 'deleted'
                       WHEN TG_ARGV[0] = 'key_result'
                            AND jsonb_array_length(coalesce(c.new_row -> 'history', '[]'))
                                > jsonb_array_length(coalesce(c.old_row -> 'history', '[]')) THEN 'checked_in'
                       ELSE 'updated' END,
                   jsonb_build_object('record', stride_record_json(TG_ARGV[0], c.new_row),
                                      'changed', stride_changed(c.old_row, c.new_row)))::stride_event_draft
        FROM (SELECT n.tenant_id, n.id, to_jsonb(o) AS old_row, to_jsonb(n) AS new_row
              FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id) c
        WHERE c.old_row <> c.new_row''')
}
    RETURN NULL;
END $$;

CREATE FUNCTION stride_record_deleted() {_TRIGGER}
BEGIN
    {
    _written(r'''
        SELECT ROW(o.tenant_id, TG_ARGV[0], o.id, TG_ARGV[0] || '.deleted',
                   jsonb_build_object(stride_record_key(TG_ARGV[0]),
                                      stride_record_json(TG_ARGV[0], to_jsonb(o))))::stride_event_draft
        FROM old_rows o''')
}
    RETURN NULL;
END $$;
"""

# Reviews and cycles: their status moves are events of their own (in this order: the move, the
# completion, then the other changes).
_ON_REVIEW = f"""
CREATE FUNCTION stride_review_updated() {_TRIGGER}
BEGIN
    {
    _written(r'''
        SELECT ROW(c.tenant_id, 'review', c.id, e.type, e.data)::stride_event_draft
        FROM (SELECT n.tenant_id, n.id, o.status AS old_status, n.status AS new_status, n.user_id, n.reviewer_id,
                     o.updated_at IS DISTINCT FROM n.updated_at AS touched,
                     stride_record_json('review', to_jsonb(n)) AS review,
                     stride_changed(to_jsonb(o), to_jsonb(n)) - 'status' - 'completed_at' AS changed
              FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
              WHERE to_jsonb(o) <> to_jsonb(n)) c
        CROSS JOIN LATERAL (VALUES
            (1, CASE WHEN c.old_status IS DISTINCT FROM c.new_status THEN 'review.status_changed' END,
             jsonb_build_object('review_id', c.id, 'user_id', c.user_id, 'reviewer_id', c.reviewer_id,
                                'from', c.old_status, 'to', c.new_status)),
            (2, CASE WHEN c.old_status IS DISTINCT FROM c.new_status AND c.new_status = 'completed'
                     THEN 'review.completed' END,
             jsonb_build_object('review', c.review)),
            (3, CASE WHEN jsonb_array_length(c.changed) > 0
                          OR (c.old_status IS NOT DISTINCT FROM c.new_status AND c.touched)
                     THEN 'review.updated' END,
             jsonb_build_object('review', c.review, 'changed', c.changed))
        ) AS e(n, type, data)
        WHERE e.type IS NOT NULL
        ORDER BY c.id, e.n''')
}
    RETURN NULL;
END $$;

CREATE FUNCTION stride_cycle_updated() {_TRIGGER}
BEGIN
    {
    _written(r'''
        SELECT ROW(c.tenant_id, 'review_cycle', c.id, e.type, e.data)::stride_event_draft
        FROM (SELECT n.tenant_id, n.id, o.status AS old_status, n.status AS new_status,
                     o.updated_at IS DISTINCT FROM n.updated_at AS touched, to_jsonb(n) AS cycle,
                     stride_changed(to_jsonb(o), to_jsonb(n)) - 'status' - 'feedback_min_responses'
                         - 'upward_min_responses' AS changed
              FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
              WHERE to_jsonb(o) <> to_jsonb(n)) c
        CROSS JOIN LATERAL (VALUES
            (1, CASE WHEN c.old_status IS DISTINCT FROM c.new_status AND c.new_status IN ('open', 'closed')
                     THEN 'review_cycle.' || CASE c.new_status WHEN 'open' THEN 'opened' ELSE 'closed' END END,
             jsonb_build_object('cycle', c.cycle)),
            (2, CASE WHEN jsonb_array_length(c.changed) > 0
                          OR (c.old_status IS NOT DISTINCT FROM c.new_status AND c.touched)
                     THEN 'review_cycle.updated' END,
             jsonb_build_object('cycle', c.cycle, 'changed', c.changed))
        ) AS e(n, type, data)
        WHERE e.type IS NOT NULL
        ORDER BY c.id, e.n''')
}
    RETURN NULL;
END $$;
"""

# Feedback requests: ids, dates and statuses only, never an answer.
_ON_FEEDBACK = f"""
CREATE FUNCTION stride_request_json(r feedback_requests) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('request_id', r.id, 'cycle_id', r.cycle_id, 'subject_id', r.subject_id,
                              'reviewer_id', r.reviewer_id, 'direction', r.direction, 'due_date', r.due_date,
                              'status', r.status)
$$;

CREATE FUNCTION stride_feedback_request_changed() {_TRIGGER}
BEGIN
    IF TG_OP = 'INSERT' THEN
        {
    _written(r'''
            SELECT ROW(n.tenant_id, 'feedback_request', n.id, 'feedback_request.created', stride_request_json(n))::stride_event_draft
            FROM new_rows n''')
}
    ELSE
        {
    _written(r'''
            SELECT ROW(n.tenant_id, 'feedback_request', n.id, 'feedback_request.' || n.status,
                       stride_request_json(n))::stride_event_draft
            FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
            WHERE n.status IN ('declined', 'submitted') AND o.status IS DISTINCT FROM n.status''')
}
    END IF;
    RETURN NULL;
END $$;
"""

# The directory: ids and the names of the changed fields, never a name or an email.
_ON_DIRECTORY = f"""
CREATE FUNCTION stride_person_changed() {_TRIGGER}
BEGIN
    IF TG_OP = 'INSERT' THEN
        {
    _written(r'''
            SELECT ROW(n.tenant_id, 'person', n.id, 'person.created', jsonb_build_object(
                       'person_id', n.id, 'manager_id', n.manager_id, 'access_level', n.access_level,
                       'status', n.status))::stride_event_draft
            FROM new_rows n''')
}
        RETURN NULL;
    END IF;
    {
    _written(r'''
        SELECT ROW(c.tenant_id, 'person', c.id, e.type, e.data)::stride_event_draft
        FROM (SELECT n.tenant_id, n.id, o.status = 'active' AND n.status = 'inactive' AS deactivated,
                     stride_changed(to_jsonb(o), to_jsonb(n)) AS changed
              FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id) c
        CROSS JOIN LATERAL (VALUES
            (1, CASE WHEN c.deactivated THEN 'person.deactivated' END, jsonb_build_object('person_id', c.id)),
            (2, CASE WHEN jsonb_array_length(c.changed - CASE WHEN c.deactivated THEN 'status' ELSE '' END) > 0
                     THEN 'person.updated' END,
             jsonb_build_object('person_id', c.id,
                                'changed', c.changed - CASE WHEN c.deactivated THEN 'status' ELSE '' END))
        ) AS e(n, type, data)
        WHERE e.type IS NOT NULL
        ORDER BY c.id, e.n''')
}
    RETURN NULL;
END $$;

CREATE FUNCTION stride_group_changed() {_TRIGGER}
BEGIN
    IF TG_OP = 'INSERT' THEN
        {
    _written(r'''
            SELECT ROW(n.tenant_id, 'group', n.id, 'group.created', jsonb_build_object(
                       'group_id', n.id, 'kind', n.kind, 'parent_id', n.parent_id))::stride_event_draft
            FROM new_rows n''')
}
    ELSIF TG_OP = 'DELETE' THEN
        {
    _written(r'''
            SELECT ROW(o.tenant_id, 'group', o.id, 'group.deleted', jsonb_build_object('group_id', o.id))::stride_event_draft
            FROM old_rows o''')
}
    ELSE
        {
    _written(r'''
            SELECT ROW(c.tenant_id, 'group', c.id,
                       CASE WHEN c.deleted THEN 'group.deleted' ELSE 'group.updated' END,
                       CASE WHEN c.deleted THEN jsonb_build_object('group_id', c.id)
                            ELSE jsonb_build_object('group_id', c.id, 'changed', c.changed) END)::stride_event_draft
            FROM (SELECT n.tenant_id, n.id, n.is_deleted AND NOT o.is_deleted AS deleted,
                         stride_changed(to_jsonb(o), to_jsonb(n)) AS changed
                  FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id) c
            WHERE c.deleted OR jsonb_array_length(c.changed) > 0''')
}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION stride_membership_changed() {_TRIGGER}
BEGIN
    IF TG_OP = 'INSERT' THEN
        {
    _written(r'''
            SELECT ROW(n.tenant_id, 'group', n.group_id, 'membership.added', jsonb_build_object(
                       'group_id', n.group_id, 'person_id', n.person_id, 'role', n.role))::stride_event_draft
            FROM new_rows n''')
}
    ELSE
        {
    _written(r'''
            SELECT ROW(o.tenant_id, 'group', o.group_id, 'membership.removed', jsonb_build_object(
                       'group_id', o.group_id, 'person_id', o.person_id, 'role', o.role))::stride_event_draft
            FROM old_rows o''')
}
    END IF;
    RETURN NULL;
END $$;
"""

_RECORD_TRIGGERS = (
    ("INSERT", "stride_record_inserted"),
    ("UPDATE", "stride_record_updated"),
    ("DELETE", "stride_record_deleted"),
)
# (table, operation, trigger function, its argument): one trigger per operation, since a trigger with
# transition tables has one.
_TRIGGERS: tuple[Trigger, ...] = (
    *(
        (table, operation, function, kind)
        for table, kind in (
            ("person_goals", "person_goal"),
            ("learning_records", "learning_record"),
            ("objectives", "objective"),
            ("key_results", "key_result"),
            ("cohorts", "cohort"),
            ("assessments", "assessment"),
        )
        for operation, function in _RECORD_TRIGGERS
    ),
    ("assessment_responses", "INSERT", "stride_record_inserted", "assessment_response"),
    ("review_cycles", "INSERT", "stride_record_inserted", "review_cycle"),
    ("review_cycles", "UPDATE", "stride_cycle_updated", None),
    ("review_cycles", "DELETE", "stride_record_deleted", "review_cycle"),
    ("reviews", "INSERT", "stride_record_inserted", "review"),
    ("reviews", "UPDATE", "stride_review_updated", None),
    ("reviews", "DELETE", "stride_record_deleted", "review"),
    ("feedback_requests", "INSERT", "stride_feedback_request_changed", None),
    ("feedback_requests", "UPDATE", "stride_feedback_request_changed", None),
    ("people", "INSERT", "stride_person_changed", None),
    ("people", "UPDATE", "stride_person_changed", None),
    ("groups", "INSERT", "stride_group_changed", None),
    ("groups", "UPDATE", "stride_group_changed", None),
    ("groups", "DELETE", "stride_group_changed", None),
    ("group_members", "INSERT", "stride_membership_changed", None),
    ("group_members", "DELETE", "stride_membership_changed", None),
)

_FUNCTIONS = (
    "stride_wake_next_in_lock()",
    "stride_membership_changed()",
    "stride_group_changed()",
    "stride_person_changed()",
    "stride_feedback_request_changed()",
    "stride_request_json(feedback_requests)",
    "stride_cycle_updated()",
    "stride_review_updated()",
    "stride_record_deleted()",
    "stride_record_updated()",
    "stride_record_inserted()",
    "stride_changed(jsonb, jsonb)",
    "stride_record_key(text)",
    "stride_record_json(text, jsonb)",
    "stride_without_answers(jsonb)",
    "stride_emit(text, text, text, jsonb)",
    "stride_emit_all(stride_event_draft[])",
    "stride_events_on()",
    "stride_enqueue_delivery(text, text, text, text, text, int)",
    "stride_event_area(text)",
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


def upgrade() -> None:
    role = app_role()
    # The job queue: procrastinate's schema as this version of the library ships it.
    run_script(files("procrastinate").joinpath("sql/schema.sql").read_text())
    run_script(f"""
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
    # A hash index: events of subjects created together (one tenant's objectives, say) would share the
    # hot right-hand pages of a b-tree, and one tenant's concurrent writes would queue on them.
    op.create_index("ix_events_subject", "events", ["subject_id"], postgresql_using="hash")
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

    run_script(_enter(role) + _ULID + _AREA + _RECORD + _ENQUEUE + _emit(role) + _WAKE)
    run_script(_ON_RECORD + _ON_REVIEW + _ON_FEEDBACK + _ON_DIRECTORY)
    create_statement_triggers(_TRIGGERS)


def downgrade() -> None:
    drop_statement_triggers(_TRIGGERS)
    op.execute("DROP TRIGGER stride_wake_next_in_lock ON procrastinate_jobs")
    for function in _FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    op.execute("DROP TYPE stride_event_draft")
    op.execute("DROP SEQUENCE stride_event_seq")
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
    run_script("""
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
