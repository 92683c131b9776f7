"""SQL of one review as its reads and writes load it (CONTRACT §3.3): the review with its names, its
detail (KPI ratings and goals alongside), its KPI and goal rows, and its previous reviews. Each is a
statement template (`db.reads.template`), built once per shape and run by a `Reader` — a read
context's pooled connection or a write context's. Visibility is `db.scope.review_scope`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Text, bindparam, func, select, type_coerce
from sqlalchemy.dialects.postgresql import JSON

from stride_server.auth.principal import Principal
from stride_server.db.reads import Reader, template
from stride_server.db.rows import json_array
from stride_server.db.scope import (
    joined,
    of_tenant,
    review_scope,
    review_visibility,
    same_tenant,
    visibility_params,
)
from stride_server.db.tables import review_cycles, review_goals, review_kpi_ratings, reviews
from stride_server.reviews.records.store import GOAL_FIELDS, KPI_FIELDS, joined_reviews, review_columns

_TENANT = bindparam("tenant_id", type_=Text())
_REVIEW = bindparam("review_id", type_=Text())


def _params(principal: Principal, review_id: str) -> dict[str, Any]:
    return {"tenant_id": principal.tenant_id, "review_id": review_id, **visibility_params(principal)}


def _json_list(table: Any, fields: tuple[str, ...], review: Any) -> Any:
    """A review's rows of `table` as a JSON array of `fields`, in their order."""
    item = func.json_build_object(*(part for f in fields for part in (f, table.c[f])))
    return type_coerce(
        select(json_array(item, table.c.sort_order, table.c.id))
        .where(same_tenant(table, review), table.c.review_id == review.c.id)
        .scalar_subquery(),
        JSON,
    )


async def fetch_review(
    reader: Reader, principal: Principal, review_id: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    """A review the caller sees, with its person's, reviewer's and cycle's names and its cycle's type
    and period; `for_update` locks the review's row."""
    visible = review_visibility(principal)

    def build() -> Any:
        statement = (
            select(*review_columns())
            .select_from(joined_reviews())
            .where(review_scope(principal, tenant=_TENANT), reviews.c.id == _REVIEW)
        )
        return statement.with_for_update(of=reviews) if for_update else statement

    statement = template(("reviews.review", visible, for_update), build)
    rows = await reader.records(statement, _params(principal, review_id))
    return rows[0] if rows else None


async def fetch_detail(reader: Reader, principal: Principal, review_id: str) -> dict[str, Any] | None:
    """`fetch_review` with its `kpi_ratings` and `goals` (`KPI_FIELDS`, `GOAL_FIELDS`), in one
    statement."""
    visible = review_visibility(principal)

    def build() -> Any:
        return (
            select(
                *review_columns(),
                _json_list(review_kpi_ratings, KPI_FIELDS, reviews).label("kpi_ratings"),
                _json_list(review_goals, GOAL_FIELDS, reviews).label("goals"),
            )
            .select_from(joined_reviews())
            .where(review_scope(principal, tenant=_TENANT), reviews.c.id == _REVIEW)
        )

    statement = template(("reviews.review_detail", visible), build)
    rows = await reader.records(statement, _params(principal, review_id))
    return rows[0] if rows else None


async def _review_rows(
    reader: Reader, table: Any, fields: tuple[str, ...], tenant_id: str, review_id: str
) -> list[dict[str, Any]]:
    """A review's rows of `table` (KPI ratings, goals) in their order."""

    def build() -> Any:
        return (
            select(*(table.c[n] for n in fields))
            .where(of_tenant(table, _TENANT), table.c.review_id == _REVIEW)
            .order_by(table.c.sort_order, table.c.id)
        )

    statement = template(("reviews.rows", table.name), build)
    return await reader.records(statement, {"tenant_id": tenant_id, "review_id": review_id})


async def kpi_rows(reader: Reader, tenant_id: str, review_id: str) -> list[dict[str, Any]]:
    return await _review_rows(reader, review_kpi_ratings, KPI_FIELDS, tenant_id, review_id)


async def goal_rows(reader: Reader, tenant_id: str, review_id: str) -> list[dict[str, Any]]:
    return await _review_rows(reader, review_goals, GOAL_FIELDS, tenant_id, review_id)


def _previous_template(is_annual: bool) -> Any:
    def build() -> Any:
        r, c = reviews.alias("prev"), review_cycles.alias("prev_cycle")
        period_start = bindparam("period_start", type_=Date())
        period_end = bindparam("period_end", type_=Date())
        statement = (
            select(
                r.c.id,
                c.c.name.label("cycle_name"),
                r.c.reviewer_notes,
                r.c.action_items,
                _json_list(review_kpi_ratings, ("template_item_id", "rating"), r).label("kpi_ratings"),
                _json_list(review_goals, ("id", "goal", "status"), r).label("goals"),
            )
            .select_from(r.join(c, joined(c, r, c.c.id == r.c.cycle_id)))
            .where(
                of_tenant(r, _TENANT),
                r.c.user_id == bindparam("user_id", type_=Text()),
                r.c.status == "completed",
                r.c.id != _REVIEW,
            )
        )
        if is_annual:
            return statement.where(
                c.c.type == "quarterly", c.c.period_start >= period_start, c.c.period_end <= period_end
            ).order_by(c.c.period_start, c.c.id)
        return (
            statement.where(c.c.period_start < period_start, c.c.period_end < period_end)
            .order_by(c.c.period_end.desc(), r.c.completed_at.desc())
            .limit(1)
        )

    return template(("reviews.previous", is_annual), build)


async def previous_reviews(reader: Reader, review: dict[str, Any], tenant_id: str) -> list[dict[str, Any]]:
    """§3.3: for a quarterly review the user's latest completed review before this cycle; for an
    annual one every completed quarterly review whose cycle lies within the annual period. One
    statement, KPI ratings and goals aggregated alongside."""
    statement = _previous_template(review["cycle_type"] == "annual")
    params = {
        "tenant_id": tenant_id,
        "review_id": review["id"],
        "user_id": review["user_id"],
        "period_start": review["period_start"],
        "period_end": review["period_end"],
    }
    return await reader.records(statement, params)
