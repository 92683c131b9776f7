"""The framework floor for the Data API benchmark: FastAPI and an asyncpg pool running Stride's own SQL
(captured by bench/statements.py) for list-by-person, get, and the tenant's first and deep pages, a
plain INSERT … RETURNING / UPDATE … RETURNING of the same columns for create, PATCH and a review PUT,
and an OKR check-in's least SQL in one transaction — as the database owner, with no auth, no
validation, no row-level security, no middleware.

    BENCH_SPEC=statements.json BENCH_DSN=postgresql://… uvicorn bare_app:app --app-dir bench --workers 2
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from ulid import ULID

SPEC: dict[str, Any] = orjson.loads(Path(os.environ["BENCH_SPEC"]).read_bytes())
PAGE = 50
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC


def _values(name: str, inputs: dict[str, Any]) -> list[Any]:
    return [inputs[p["input"]] if "input" in p else p["const"] for p in SPEC[name]["params"]]


async def _fetch(request: Request, name: str, inputs: dict[str, Any]) -> list[asyncpg.Record]:
    pool: asyncpg.Pool = request.app.state.pool
    return await pool.fetch(SPEC[name]["sql"], *_values(name, inputs))


def _json(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data, option=_OPTIONS), status_code=status, media_type="application/json")


def _page(rows: list[asyncpg.Record]) -> Response:
    """The envelope Stride answers with; the cursor carries the last row's sort values."""
    data = [dict(r) for r in rows[:PAGE]]
    has_more = len(rows) > PAGE
    cursor = None
    if has_more:
        payload = orjson.dumps({"v": [data[-1]["created_at"].isoformat(), data[-1]["id"]]})
        cursor = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return _json({"data": data, "next_cursor": cursor, "has_more": has_more})


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("BENCH_POOL_SIZE", "10"))
    app.state.pool = await asyncpg.create_pool(
        os.environ["BENCH_DSN"],
        min_size=size,
        max_size=size,
        server_settings={"jit": "off", "application_name": "stride-bare"},
    )
    try:
        yield
    finally:
        await app.state.pool.close()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/healthz")
async def healthz() -> Response:
    return _json({"status": "ok"})


@app.get("/goals")
async def list_by_person(request: Request) -> Response:
    params = request.query_params
    return _page(await _fetch(request, "list", {"tenant": params["tenant"], "person": params["person"]}))


@app.get("/goals/{goal_id}")
async def get_goal(request: Request, goal_id: str) -> Response:
    params = request.query_params
    rows = await _fetch(
        request, "get", {"tenant": params["tenant"], "person": params["person"], "id": goal_id}
    )
    return _json(dict(rows[0])) if rows else _json({"status": 404}, 404)


@app.get("/tenant-goals")
async def tenant_page(request: Request) -> Response:
    params = request.query_params
    if "after_id" not in params:
        return _page(await _fetch(request, "first_page", {"tenant": params["tenant"]}))
    inputs = {
        "tenant": params["tenant"],
        "after_id": params["after_id"],
        "after_created_at": datetime.fromisoformat(params["after_created_at"]),
    }
    return _page(await _fetch(request, "deep_page", inputs))


# The writes' floor: the columns a goal create sends, one statement each, the row answered whole.
_CREATE = """
    INSERT INTO person_goals (tenant_id, id, created_at, updated_at, created_by, updated_by, source,
                              source_type, person_id, title, description, category, period, status,
                              progress_pct)
    VALUES ($1, $2, now(), now(), $3, $3, $4, 'api', $3, $5, $6, $7, $8, $9, $10)
    RETURNING *"""
_UPDATE = """
    UPDATE person_goals SET title = $3, updated_by = $4, updated_at = now(), version = version + 1
    WHERE tenant_id = $1 AND id = $2 AND NOT is_deleted
    RETURNING *"""


@app.post("/goals")
async def create_goal(request: Request) -> Response:
    params, body = request.query_params, orjson.loads(await request.body())
    pool: asyncpg.Pool = request.app.state.pool
    row = await pool.fetchrow(
        _CREATE,
        params["tenant"],
        f"pgl_{ULID()}",
        params["person"],
        body["source"],
        body["title"],
        body["description"],
        body["category"],
        body["period"],
        body["status"],
        body["progress_pct"],
    )
    return _json(dict(row), 201)


@app.patch("/goals/{goal_id}")
async def update_goal(request: Request, goal_id: str) -> Response:
    params, body = request.query_params, orjson.loads(await request.body())
    pool: asyncpg.Pool = request.app.state.pool
    row = await pool.fetchrow(_UPDATE, params["tenant"], goal_id, body["title"], params["person"])
    return _json(dict(row)) if row else _json({"status": 404}, 404)


# An OKR check-in at its least (CONTRACT §2.4), all in SQL: the key result's current value, progress,
# health against its objective's period, one history entry appended and last_update_at, in one
# statement; the objective tree's lock before it and the chain's recompute after it are Stride's own
# statements. (The value is always sent, so health is never `not_started`.)
_CHECK_IN = """
    WITH kr AS (
        SELECT k.metric_type, k.direction, k.baseline, k.target, o.period,
               make_timestamptz(split_part(o.period, '-', 1)::int,
                                CASE WHEN o.period LIKE '%-Annual' THEN 1
                                     WHEN o.period LIKE '%-H_' THEN 1 + 6 * (right(o.period, 1)::int - 1)
                                     ELSE 1 + 3 * (right(o.period, 1)::int - 1) END,
                                1, 0, 0, 0, 'UTC') AS starts,
               CASE WHEN o.period LIKE '%-Annual' THEN 12 WHEN o.period LIKE '%-H_' THEN 6 ELSE 3 END
                   AS months
        FROM key_results AS k JOIN objectives AS o ON o.tenant_id = k.tenant_id AND o.id = k.objective_id
        WHERE k.tenant_id = $1 AND k.id = $2 AND NOT k.is_deleted
    ), progress AS (
        SELECT CASE
                   WHEN metric_type IN ('boolean', 'milestone') THEN
                       CASE WHEN $3::float8 >= target THEN 100 ELSE 0 END
                   WHEN direction = 'decrease' THEN round(least(100, greatest(0,
                       (baseline - $3::float8)::numeric / (baseline - target)::numeric * 100)), 2)
                   ELSE round(least(100, greatest(0,
                       ($3::float8 - baseline)::numeric / (target - baseline)::numeric * 100)), 2)
               END AS pct,
               100 * least(1, greatest(0, extract(epoch FROM now() - starts)
                   / extract(epoch FROM starts + make_interval(months => months) - starts))) AS expected
        FROM kr
    )
    UPDATE key_results AS k SET
        current = $3::float8,
        progress_pct = p.pct,
        status = CASE WHEN p.pct >= 100 THEN 'achieved'
                      WHEN p.pct >= p.expected - 10 THEN 'on_track'
                      WHEN p.pct >= p.expected - 30 THEN 'at_risk'
                      ELSE 'off_track' END,
        history = k.history || jsonb_build_array(jsonb_build_object(
            'value', $3::float8,
            'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'by', $4::text,
            'note', $5::text)),
        last_update_at = now(), updated_at = now(), updated_by = $4, version = k.version + 1
    FROM progress AS p
    WHERE k.tenant_id = $1 AND k.id = $2 AND NOT k.is_deleted
    RETURNING k.tenant_id, k.id, k.app_id, k.created_at, k.updated_at, k.created_by, k.updated_by,
              k.source, k.source_type, k.is_deleted, k.deleted_at, k.deleted_by, k.schema_version,
              k.version, k.objective_id, k.title, k.metric_type, k.baseline, k.target, k.current, k.unit,
              k.direction, k.owner_id, k.data_source, k.connector_id, k.query, k.progress_pct, k.status,
              k.last_update_at, k.history, k.tags"""


@app.post("/key-results/{key_result_id}/check-ins")
async def check_in(request: Request, key_result_id: str) -> Response:
    params, body = request.query_params, orjson.loads(await request.body())
    tenant = params["tenant"]
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn, conn.transaction():
        lock = {"tenant": tenant, "namespace": f"okr-tree:{tenant}:", "key_result_ids": [key_result_id]}
        await conn.fetch(SPEC["okr_lock"]["sql"], *_values("okr_lock", lock))
        row = await conn.fetchrow(
            _CHECK_IN, tenant, key_result_id, float(body["value"]), params["person"], body.get("note")
        )
        if row is None:
            return _json({"status": 404}, 404)
        # Up the chain while the progress changes, as Stride does (bounded: a corrupt chain ends).
        objective, seen = row["objective_id"], set()
        while objective is not None and objective not in seen and len(seen) < 100:
            seen.add(objective)
            inputs = {"tenant": tenant, "objective": objective}
            level = await conn.fetchrow(SPEC["okr_recompute"]["sql"], *_values("okr_recompute", inputs))
            if level is None or not level["changed"]:
                break
            objective = level["parent_objective_id"]
    record = dict(row)
    for name in ("history", "tags"):  # jsonb arrives as text: answer it as the JSON it is
        if record[name] is not None:
            record[name] = orjson.Fragment(record[name])
    return _json(record, 201)


# A reviewer saving their texts on a review: the columns a review PUT sets, the review row answered.
_REVIEW_UPDATE = """
    UPDATE reviews SET strengths = $3, growth_areas = $4, reviewer_notes = $5, updated_at = now()
    WHERE tenant_id = $1 AND id = $2
    RETURNING id, cycle_id, user_id, reviewer_id, status, strengths, growth_areas, discussion_topics,
              reviewer_notes, action_items, kpi_pass_count, kpi_total_count, kpi_passed, completed_at,
              created_at, updated_at"""


@app.put("/reviews/{review_id}")
async def update_review(request: Request, review_id: str) -> Response:
    params, body = request.query_params, orjson.loads(await request.body())
    pool: asyncpg.Pool = request.app.state.pool
    row = await pool.fetchrow(
        _REVIEW_UPDATE,
        params["tenant"],
        review_id,
        body["strengths"],
        body["growth_areas"],
        body["reviewer_notes"],
    )
    return _json(dict(row)) if row else _json({"status": 404}, 404)
