"""Validation rules of Objectives and KeyResults (CONTRACT §2.3), attached to the registry."""

from __future__ import annotations

from typing import Any

from stride.core.context import Context
from stride.core.problems import field_error
from stride.edm.registry import Hooks, install_hooks
from stride.okr import store


async def validate_key_result(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    baseline, target = record["baseline"], record["target"]
    if record["metric_type"] in ("boolean", "milestone") and (baseline != 0 or target != 1):
        raise field_error("target", f"a {record['metric_type']} key result has baseline 0 and target 1")
    if record["direction"] == "increase" and not target > baseline:
        raise field_error("target", "must be greater than baseline when direction is increase")
    if record["direction"] == "decrease" and not target < baseline:
        raise field_error("target", "must be less than baseline when direction is decrease")
    source = record["data_source"]
    if (source == "connector") != (record.get("connector_id") is not None):
        raise field_error("connector_id", "is required exactly when data_source is connector")
    if (source == "query") != (record.get("query") is not None):
        raise field_error("query", "is required exactly when data_source is query")


async def validate_objective(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    parent = record.get("parent_objective_id")
    if before is None or parent is None or parent == before.get("parent_objective_id"):
        return
    if parent == record["id"] or record["id"] in await store.ancestor_ids(ctx.conn, ctx.principal.tenant_id, parent):
        raise field_error("parent_objective_id", "would make the objective its own ancestor")


install_hooks("KeyResult", Hooks(validate=validate_key_result))
install_hooks("Objective", Hooks(validate=validate_objective))
