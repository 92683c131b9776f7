"""The event types of CONTRACT §8.1 and the patterns an endpoint subscribes with: `*`, a prefix of
whole dot-separated segments (`review.*`, never `review_cycle.*` for `review.*`), or an exact type."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stride_server.core.problems import BadRequest, Unprocessable

EVENT_TYPES: tuple[str, ...] = (
    # Data API records: {record}, and `changed` on updates (each entity's operations, §2.1).
    "person_goal.created",
    "person_goal.updated",
    "learning_record.created",
    *(f"objective.{verb}" for verb in ("created", "updated", "deleted")),
    *(f"key_result.{verb}" for verb in ("created", "updated", "deleted", "checked_in")),
    "cohort.created",
    "cohort.updated",
    "assessment.created",
    "assessment.updated",
    "assessment_response.submitted",
    # Reviews: {cycle} / {review} without free text.
    *(f"review_cycle.{verb}" for verb in ("created", "updated", "opened", "closed", "deleted")),
    *(f"review.{verb}" for verb in ("created", "updated", "deleted", "status_changed", "completed")),
    *(f"feedback_request.{verb}" for verb in ("created", "declined", "submitted")),
    *(f"nomination.{verb}" for verb in ("created", "approved", "rejected")),
    "calibration_session.created",
    "calibration_session.locked",
    "calibration.changed",
    # The directory: ids and changed field names, never a name or an email.
    *(f"person.{verb}" for verb in ("created", "updated", "deactivated", "erased")),
    *(f"group.{verb}" for verb in ("created", "updated", "deleted")),
    "membership.added",
    "membership.removed",
    # Reminders (§8.4) and the webhooks' own.
    "reminder.feedback_due",
    "reminder.self_assessment_due",
    "reminder.review_due",
    "webhook.ping",
    "webhook.disabled",
    # The platform (ids and changed field names, never a key or a secret).
    *(f"webhook.{verb}" for verb in ("created", "updated", "deleted")),
    *(f"application.{verb}" for verb in ("created", "updated", "deleted")),
    "api_key.created",
    "api_key.revoked",
    "settings.updated",
)
_TYPES = frozenset(EVENT_TYPES)
_PREFIXES = frozenset(t.split(".")[0] for t in EVENT_TYPES)
# Every pattern an endpoint may subscribe with (the OpenAPI enum of `event_types` items).
PATTERNS: tuple[str, ...] = ("*", *(f"{p}.*" for p in sorted(_PREFIXES)), *EVENT_TYPES)
# `GET /api/v1/events?type=`: a comma list of exact types and prefixes, as the OpenAPI pattern says it.
_ONE = "|".join(re.escape(p) for p in PATTERNS[1:])
TYPE_FILTER_PATTERN = f"^({_ONE})(,({_ONE}))*$"


def check_patterns(patterns: Iterable[str], *, field: str = "event_types") -> list[str]:
    """The patterns, deduplicated in order; an unknown type or prefix → 422 naming it."""
    checked: list[str] = []
    for pattern in patterns:
        if not is_pattern(pattern):
            raise Unprocessable(
                f"{field}: unknown event type or pattern {pattern!r} (use '*', '<prefix>.*' or a type "
                "of GET /api/v1/events).",
                slug="unknown-event-type",
            )
        if pattern not in checked:
            checked.append(pattern)
    return checked


def is_pattern(pattern: str) -> bool:
    if pattern == "*" or pattern in _TYPES:
        return True
    prefix, dot, rest = pattern.partition(".")
    return dot == "." and rest == "*" and prefix in _PREFIXES


def type_filter(value: str) -> tuple[list[str], list[str]]:
    """`GET /api/v1/events?type=`: a comma list of exact types and `prefix.*` → (types, prefixes)."""
    types, prefixes = [], []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        if not is_pattern(part) or part == "*":
            raise BadRequest(f"type: unknown event type or pattern {part!r}.", slug="unknown-event-type")
        if part.endswith(".*"):
            prefixes.append(part[:-2])
        else:
            types.append(part)
    return types, prefixes
