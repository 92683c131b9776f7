"""Shared type aliases: list filters (CONTRACT §2.5) and per-call request options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias, TypedDict, TypeVar

_V = TypeVar("_V")

FilterOperator = Literal["ne", "gt", "gte", "lt", "lte", "in", "contains", "is_null"]
"""The operators of `field[op]=value`."""

Filter: TypeAlias = _V | Sequence[_V] | Mapping[FilterOperator, Any]
"""One field's filter: a value (equality), several values (any of), or operators, e.g.
`status="at_risk"`, `status=["at_risk", "in_progress"]`, `progress_pct={"gte": 40, "lt": 100}`."""


class RequestOptions(TypedDict, total=False):
    """Options of one call, passed as `request_options={...}` to any SDK method."""

    extra_headers: Mapping[str, str]
    """Headers added to (or overriding) the SDK's own."""
    extra_query: Mapping[str, Any]
    """Query parameters added as they are, in the filter grammar (e.g. `{"tags": {"contains": "x"}}`)."""
    timeout: float
    """Seconds one attempt may take (default: the client's)."""
    max_retries: int
    """Retries after the first attempt (default: the client's)."""
    idempotency_key: str
    """POST only: the Idempotency-Key to send (default: a fresh UUID, the same for every retry)."""
