"""The entity registry: the six seed entities declared once, as data.

Tables, request/response models, routes, filters, OpenAPI, the manifest and the SDK types are all
read from these declarations by generic code. A field is one `Field(...)` line; read it like the
seeds' field tables (descriptions are the seeds' words).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

# How a field is validated and stored. `seed_type` below is what the seed's table calls it.
Kind = Literal[
    "id",
    "string",
    "text",
    "enum",
    "datetime",
    "number",
    "pct",
    "integer",
    "boolean",
    "json_strings",
    "json_array",
    "json_object",
    "json_questions",
]
Operation = Literal["list", "get", "create", "update", "delete"]

PERIOD_PATTERN = r"^\d{4}-(Q[1-4]|H[12]|Annual)$"
SOURCE_TYPES = ("frontend", "backend", "server", "system", "api")


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    description: str
    seed_type: str = "string"
    required: bool = False  # required on create (after defaults)
    nullable: bool = True
    read_only: bool = False  # envelope stamps and computed fields: ignored when sent
    computed: bool = False  # kept current by the server (hooks), never written by clients
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    default: Any = None
    ref: str | None = None  # "person", "group", "review_cycle", or an entity name
    ref_group_kind: str | None = None
    searchable: bool = False  # part of `q` full-text search
    only_for_kinds: tuple[str, ...] | None = None  # Assessment kind-specific fields
    # A computed field with no column, evaluated in SQL when read (e.g. is_expired).
    expression: Callable[[Any], Any] | None = None

    @property
    def has_column(self) -> bool:
        return self.expression is None

    @property
    def is_scalar(self) -> bool:
        return not self.kind.startswith("json")

    @property
    def filterable(self) -> bool:
        return self.is_scalar or self.kind == "json_strings"

    @property
    def max_length(self) -> int | None:
        return {"string": 500, "text": 20_000, "id": 64, "enum": 64}.get(self.kind)


@dataclass(frozen=True, eq=False)
class Entity:
    name: str
    domain: str
    collection: str  # path segment
    table: str
    prefix: str
    description: str
    operations: tuple[Operation, ...]
    sdk_ts: str
    sdk_py: str
    fields: tuple[Field, ...]
    personal: bool = False  # PersonGoal/LearningRecord: visibility of §1.4 rule 3 via person_id
    owner_field: str | None = None  # what `mine=true` matches
    owner_is_array: bool = False

    @property
    def path(self) -> str:
        return f"/api/v1/{self.domain}/{self.collection}"

    @property
    def area(self) -> str:
        return self.domain

    @property
    def slug(self) -> str:
        """Stable operation-id stem, e.g. `goals`, `key-results`."""
        return self.collection

    @cached_property
    def field_map(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def writable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.read_only)

    @property
    def searchable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.searchable)


def _envelope() -> tuple[Field, ...]:
    return (
        Field(
            "id",
            "id",
            "Server-assigned ULID with type prefix (e.g. per_…).",
            "uuid",
            read_only=True,
            nullable=False,
        ),
        Field(
            "tenant_id",
            "string",
            "Tenant scope — auto-stamped from the caller's JWT.",
            read_only=True,
            nullable=False,
        ),
        Field(
            "app_id",
            "string",
            "App scope. Stamped ONLY when the caller's JWT was minted for a specific "
            "Application (integration API keys). Absent for human-user sessions. Filters reads when present.",
            read_only=True,
        ),
        Field("created_at", "datetime", "Server stamp.", "date-time", read_only=True, nullable=False),
        Field(
            "updated_at",
            "datetime",
            "Server stamp; updated on every patch.",
            "date-time",
            read_only=True,
            nullable=False,
        ),
        Field("created_by", "id", "Person id from the caller's JWT (sub).", "uuid", read_only=True),
        Field("updated_by", "id", "Person id from the last writer's JWT (sub).", "uuid", read_only=True),
        Field("source", "string", "Provenance tag — defaults to 'edm'.", default="edm", nullable=False),
        Field(
            "source_type",
            "enum",
            "Where the write originated. Defaults to 'api'.",
            "enum",
            enum=SOURCE_TYPES,
            default="api",
            nullable=False,
        ),
        Field(
            "is_deleted",
            "boolean",
            "Soft-delete flag. Excluded from default list queries.",
            "boolean",
            read_only=True,
            nullable=False,
            default=False,
        ),
        Field(
            "deleted_at",
            "datetime",
            "Stamped when soft-deleted; null otherwise.",
            "date-time",
            read_only=True,
        ),
        Field("deleted_by", "id", "Person id who soft-deleted; null otherwise.", "uuid", read_only=True),
        Field(
            "schema_version",
            "integer",
            "Document schema version. Bumped on incompatible writes.",
            "number",
            read_only=True,
            nullable=False,
            default=1,
        ),
        Field(
            "version",
            "integer",
            "Optimistic-lock version counter, incremented on each write.",
            "number",
            read_only=True,
            nullable=False,
            default=1,
        ),
    )


def _is_expired(table: Any) -> Any:
    from sqlalchemy import func

    return table.c.expires_at.is_not(None) & (table.c.expires_at < func.now())


ENVELOPE = _envelope()

PERSON_GOAL = Entity(
    name="PersonGoal",
    domain="performance",
    collection="goals",
    table="person_goals",
    prefix="pgl",
    description="A goal assigned to a Person, often quarterly.",
    operations=("list", "get", "create", "update"),
    sdk_ts="performance.goals",
    sdk_py="performance.goals",
    personal=True,
    owner_field="person_id",
    fields=ENVELOPE
    + (
        Field(
            "person_id", "id", "UUID of the Person this goal belongs to.", "uuid", required=True, ref="person"
        ),
        Field(
            "title",
            "string",
            "Short descriptive title for this goal.",
            required=True,
            nullable=False,
            searchable=True,
        ),
        Field(
            "description",
            "text",
            "Detailed description of the goal, its success criteria, and context.",
            searchable=True,
        ),
        Field("category", "string", "Classification of the goal's purpose.", searchable=True),
        Field(
            "period",
            "string",
            "The period this goal is scoped to (e.g. '2026-Q2', '2026-H1', '2026-Annual').",
            pattern=PERIOD_PATTERN,
        ),
        Field("target_date", "datetime", "ISO 8601 date by which this goal should be achieved.", "date-time"),
        Field(
            "status",
            "enum",
            "Current progress status of the goal.",
            enum=("not_started", "in_progress", "at_risk", "completed", "cancelled"),
            default="not_started",
            nullable=False,
        ),
        Field("progress_pct", "pct", "Percentage of completion, 0–100.", "number", default=0, nullable=False),
        Field(
            "linked_objective_id",
            "id",
            "UUID of a parent OKR Objective this goal contributes to, if applicable.",
            "uuid",
            ref="Objective",
        ),
        Field(
            "review_cycle_id",
            "id",
            "Identifier of the performance review cycle this goal is associated with.",
            ref="review_cycle",
        ),
    ),
)

LEARNING_RECORD = Entity(
    name="LearningRecord",
    domain="performance",
    collection="learning-records",
    table="learning_records",
    prefix="lrn",
    description="A completion record of a learning artifact.",
    operations=("list", "get", "create"),
    sdk_ts="performance.learningRecords",
    sdk_py="performance.learning_records",
    personal=True,
    owner_field="person_id",
    fields=ENVELOPE
    + (
        Field(
            "person_id",
            "id",
            "UUID of the Person this learning record belongs to.",
            "uuid",
            required=True,
            ref="person",
        ),
        Field(
            "title",
            "string",
            "Name of the course, certification, or learning activity.",
            required=True,
            nullable=False,
            searchable=True,
        ),
        Field(
            "provider",
            "string",
            "Name of the training provider or certification body (e.g. 'AWS', "
            "'Coursera', 'LinkedIn Learning').",
            searchable=True,
        ),
        Field(
            "completed_at",
            "datetime",
            "ISO 8601 timestamp when the learner completed or passed the "
            "course/exam. Null if not yet completed.",
            "date-time",
        ),
        Field(
            "expires_at",
            "datetime",
            "ISO 8601 date when the certification or training record expires. Null if it does not expire.",
            "date-time",
        ),
        Field(
            "score",
            "number",
            "Numeric score achieved (0–100). Null if scoring is not applicable.",
            "number",
            minimum=0,
            maximum=100,
        ),
        Field(
            "passed",
            "boolean",
            "Whether the learner passed the assessment. Null if pass/fail is not applicable.",
            "boolean",
        ),
        Field(
            "certification_ref",
            "string",
            "External credential URL, badge ID, or certification reference number.",
        ),
        Field(
            "linked_cohort_id",
            "id",
            "UUID of the training cohort this record is associated with, if applicable.",
            "uuid",
            ref="Cohort",
        ),
        Field(
            "linked_assessment_id",
            "id",
            "UUID of the formal assessment that generated this learning record, if applicable.",
            "uuid",
            ref="Assessment",
        ),
        Field(
            "is_expired",
            "boolean",
            "True when expires_at lies in the past.",
            "boolean",
            read_only=True,
            computed=True,
            nullable=False,
            expression=_is_expired,
        ),
    ),
)

OBJECTIVE = Entity(
    name="Objective",
    domain="okr",
    collection="objectives",
    table="objectives",
    prefix="obj",
    description="A high-level outcome with an owner.",
    operations=("list", "get", "create", "update", "delete"),
    sdk_ts="okr.objectives",
    sdk_py="okr.objectives",
    owner_field="owner_id",
    fields=ENVELOPE
    + (
        Field(
            "period",
            "string",
            "Planning period this Objective belongs to (e.g. '2026-Q4').",
            required=True,
            nullable=False,
            pattern=PERIOD_PATTERN,
        ),
        Field(
            "title",
            "string",
            "Short, action-oriented title for the Objective.",
            required=True,
            nullable=False,
            searchable=True,
        ),
        Field(
            "description",
            "text",
            "Longer narrative describing the intent and context of the Objective.",
            searchable=True,
        ),
        Field("category", "string", "Strategic category this Objective contributes to.", searchable=True),
        Field(
            "owner_id",
            "id",
            "User ID of the person accountable for this Objective. Format: usr-<uuid>.",
            ref="person",
        ),
        Field(
            "group_id",
            "id",
            "Group (department/team) that owns this Objective. Format: grp-<uuid>.",
            ref="group",
        ),
        Field(
            "parent_objective_id", "id", "ID of the parent Objective for cascaded alignment.", ref="Objective"
        ),
        Field(
            "key_result_ids",
            "json_strings",
            "IDs of KeyResult records that contribute to this Objective. Format: krs-<uuid>.",
            "json",
            read_only=True,
            computed=True,
            nullable=False,
            default=(),
        ),
        Field(
            "status",
            "enum",
            "Current lifecycle status of the Objective.",
            enum=("draft", "active", "completed", "cancelled", "archived"),
            default="active",
            nullable=False,
        ),
        Field(
            "progress_pct",
            "pct",
            "Aggregate progress percentage (0–100), computed from linked KeyResults.",
            "number",
            read_only=True,
            computed=True,
            nullable=False,
            default=0,
        ),
        Field(
            "weight",
            "number",
            "Relative importance of this Objective within its parent (e.g. 0.3 = 30%).",
            "number",
            exclusive_minimum=0,
            maximum=1,
            default=1,
            nullable=False,
        ),
        Field(
            "linked_project_ids",
            "json_strings",
            "IDs of execution projects that contribute to this Objective.",
            "json",
        ),
        Field(
            "dependencies",
            "json_array",
            "External dependencies that affect delivery of this Objective.",
            "json",
        ),
        Field(
            "check_in_frequency",
            "enum",
            "How often progress check-ins are expected for this Objective.",
            enum=("weekly", "biweekly", "monthly", "quarterly"),
        ),
        Field(
            "last_check_in_at",
            "datetime",
            "ISO 8601 timestamp of the most recent check-in.",
            "date-time",
            read_only=True,
            computed=True,
        ),
        Field("tags", "json_strings", "Free-form string tags for filtering and grouping.", "json"),
    ),
)

KEY_RESULT = Entity(
    name="KeyResult",
    domain="okr",
    collection="key-results",
    table="key_results",
    prefix="krs",
    description="A measurable result rolling up to an Objective.",
    operations=("list", "get", "create", "update", "delete"),
    sdk_ts="okr.keyResults",
    sdk_py="okr.key_results",
    owner_field="owner_id",
    fields=ENVELOPE
    + (
        Field(
            "objective_id",
            "id",
            "ID of the Objective this KeyResult contributes to.",
            required=True,
            nullable=False,
            ref="Objective",
        ),
        Field(
            "title",
            "string",
            "Short, descriptive title for this KeyResult.",
            required=True,
            nullable=False,
            searchable=True,
        ),
        Field(
            "metric_type",
            "enum",
            "The measurement type that governs how progress is computed.",
            enum=("number", "percentage", "currency", "boolean", "milestone"),
            default="number",
            nullable=False,
        ),
        Field(
            "baseline",
            "number",
            "Starting value of the metric at the time this KeyResult was created.",
            "number",
            default=0,
            nullable=False,
        ),
        Field(
            "target",
            "number",
            "The value the metric must reach for this KeyResult to be considered achieved.",
            "number",
            required=True,
            nullable=False,
        ),
        Field("current", "number", "Latest observed value of the metric.", "number"),
        Field(
            "unit",
            "string",
            "Human-readable unit label for the metric (e.g. 'MRR', '%', 'count', 'milestone').",
        ),
        Field(
            "direction",
            "enum",
            "Whether progress is made by the metric going up (increase) or down (decrease).",
            enum=("increase", "decrease"),
            default="increase",
            nullable=False,
        ),
        Field(
            "owner_id",
            "id",
            "User ID of the person accountable for this KeyResult. Format: usr-<uuid>.",
            ref="person",
        ),
        Field(
            "data_source",
            "enum",
            "How the current metric value is sourced.",
            enum=("manual", "connector", "query"),
            default="manual",
            nullable=False,
        ),
        Field(
            "connector_id",
            "string",
            "ID of the connector used to pull metric data automatically. Null for manual or query sources.",
        ),
        Field("query", "text", "Metric query expression used when dataSource is 'query'."),
        Field(
            "progress_pct",
            "pct",
            "Computed progress percentage (0–100) based on baseline, current, and target.",
            "number",
            read_only=True,
            computed=True,
            nullable=False,
            default=0,
        ),
        Field(
            "status",
            "enum",
            "Current health status of this KeyResult.",
            enum=("not_started", "on_track", "at_risk", "off_track", "achieved"),
            read_only=True,
            computed=True,
            nullable=False,
            default="not_started",
        ),
        Field(
            "last_update_at",
            "datetime",
            "ISO 8601 timestamp when the current metric value was last updated.",
            "date-time",
            read_only=True,
            computed=True,
        ),
        Field(
            "history",
            "json_array",
            "Ordered log of metric value snapshots over time.",
            "json",
            read_only=True,
            computed=True,
            nullable=False,
            default=(),
        ),
        Field("tags", "json_strings", "Free-form string tags for filtering and grouping.", "json"),
    ),
)

COHORT = Entity(
    name="Cohort",
    domain="learning",
    collection="cohorts",
    table="cohorts",
    prefix="coh",
    description="A group of learners in a program.",
    operations=("list", "get", "create", "update"),
    sdk_ts="learning.cohorts",
    sdk_py="learning.cohorts",
    owner_field="facilitator_ids",
    owner_is_array=True,
    fields=ENVELOPE
    + (
        Field(
            "group_id",
            "id",
            "Underlying Group with kind=cohort. Format: grp-<uuid>.",
            ref="group",
            ref_group_kind="cohort",
        ),
        Field("program_id", "string", "Programme catalogue identifier."),
        Field(
            "name", "string", "Human-readable cohort name.", required=True, nullable=False, searchable=True
        ),
        Field("start_date", "datetime", "Programme start date (ISO 8601).", "date-time"),
        Field("end_date", "datetime", "Programme end date (ISO 8601).", "date-time"),
        Field(
            "status",
            "enum",
            "Lifecycle status of the cohort.",
            enum=("planned", "active", "completed", "cancelled"),
            default="planned",
            nullable=False,
        ),
        Field("session_count", "integer", "Total number of sessions in the programme.", "number", minimum=0),
        Field(
            "facilitator_ids",
            "json_strings",
            "User IDs of facilitators responsible for this cohort.",
            "json",
            ref="person",
        ),
        Field(
            "assigned_assessment_ids",
            "json_strings",
            "Assessment IDs assigned to this cohort. Format: asm-<uuid>.",
            "json",
            ref="Assessment",
        ),
        Field(
            "completion_required_pct",
            "pct",
            "Minimum completion percentage required to pass the programme.",
            "number",
            default=100,
            nullable=False,
        ),
        Field(
            "current_completion_pct",
            "pct",
            "Computed current completion percentage across enrolled learners.",
            "number",
            read_only=True,
            computed=True,
            nullable=False,
            default=0,
        ),
        Field("metadata", "json_object", "Arbitrary key-value metadata for app-specific extensions.", "json"),
        Field("tags", "json_strings", "Free-form tags for filtering and categorisation.", "json"),
    ),
)

_CUSTOMER_KINDS = ("customer_health", "customer_feedback")
_GRC_KINDS = ("grc_self_assessment", "compliance_audit")

ASSESSMENT = Entity(
    name="Assessment",
    domain="learning",
    collection="assessments",
    table="assessments",
    prefix="asm",
    description="A test, quiz, or evaluation artifact.",
    operations=("list", "get", "create", "update"),
    sdk_ts="learning.assessments",
    sdk_py="learning.assessments",
    owner_field="responsible_user_id",
    fields=ENVELOPE
    + (
        Field(
            "kind",
            "enum",
            "Polymorphic kind of assessment.",
            required=True,
            nullable=False,
            enum=(
                "learning",
                "skills",
                "survey",
                "grc_self_assessment",
                "compliance_audit",
                "security_assessment",
                "customer_health",
                "customer_feedback",
            ),
        ),
        Field(
            "name",
            "string",
            "Human-readable assessment name.",
            required=True,
            nullable=False,
            searchable=True,
        ),
        Field("description", "text", "Optional description of the assessment's purpose.", searchable=True),
        Field(
            "responsible_user_id",
            "id",
            "User ID of the assessor or facilitator responsible for this assessment.",
            ref="person",
        ),
        Field(
            "target_cohort_id",
            "id",
            "Cohort this assessment is assigned to. Used when kind=learning.",
            ref="Cohort",
            only_for_kinds=("learning",),
        ),
        Field("target_group_id", "id", "Group this assessment is scoped to.", ref="group"),
        Field(
            "target_account_id",
            "string",
            "Customer account this assessment relates to. Used for customer-related kinds.",
            only_for_kinds=_CUSTOMER_KINDS,
        ),
        Field(
            "framework_ids",
            "json_strings",
            "GRC framework IDs. Used when kind=grc_self_assessment or compliance_audit.",
            "json",
            only_for_kinds=_GRC_KINDS,
        ),
        Field(
            "control_ids",
            "json_strings",
            "GRC control IDs in scope. Used when kind=grc_self_assessment or compliance_audit.",
            "json",
            only_for_kinds=_GRC_KINDS,
        ),
        Field(
            "questions",
            "json_questions",
            "Inline question definitions. Each item has id, text, type, options, weight, required.",
            "json",
        ),
        Field(
            "question_bank_id", "string", "Reference to a shared question bank instead of inline questions."
        ),
        Field("pass_score", "pct", "Score at or above which a response passes (extension).", "number"),
        Field(
            "frequency",
            "enum",
            "Recurrence frequency for scheduled assessments.",
            enum=("once", "weekly", "monthly", "quarterly", "annually"),
        ),
        Field("due_date", "datetime", "Deadline for completing the assessment.", "date-time"),
        Field("scheduled_start_at", "datetime", "Scheduled start time for the assessment.", "date-time"),
        Field(
            "status",
            "enum",
            "Lifecycle status of the assessment.",
            enum=("draft", "scheduled", "open", "closed", "archived"),
            default="draft",
            nullable=False,
        ),
        Field(
            "response_count",
            "integer",
            "Number of responses received.",
            "number",
            read_only=True,
            computed=True,
            nullable=False,
            default=0,
        ),
        Field(
            "completion_pct",
            "pct",
            "Percentage of expected responses received.",
            "number",
            read_only=True,
            computed=True,
        ),
        Field("findings", "json_array", "Key findings from the assessment.", "json"),
        Field(
            "recommendations", "json_array", "Recommendations arising from the assessment findings.", "json"
        ),
        Field(
            "assessment_tools",
            "json_strings",
            "Tools used to conduct the assessment (e.g. Nmap, Nessus, leadthe-ai).",
            "json",
            only_for_kinds=("security_assessment", "compliance_audit"),
        ),
        Field("output_document_id", "string", "ID of the final output report document."),
        Field("tags", "json_strings", "Free-form tags for filtering and categorisation.", "json"),
    ),
)

ENTITIES: tuple[Entity, ...] = (PERSON_GOAL, LEARNING_RECORD, OBJECTIVE, KEY_RESULT, COHORT, ASSESSMENT)
BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}

DOMAINS: dict[str, tuple[str, str]] = {
    "performance": ("Performance", "Goals and learning records on the performance review surface."),
    "okr": ("OKRs", "Objectives and Key Results."),
    "learning": ("Learning", "Cohorts and assessments in the L&D surface."),
}
