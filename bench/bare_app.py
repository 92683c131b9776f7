"""The framework floor for the Data API benchmark: FastAPI and an asyncpg pool running Stride's own SQL
(captured by bench/statements.py) for list-by-person, get, and the tenant's first and deep pages, and
a plain INSERT … RETURNING / UPDATE … RETURNING of the same columns for create and PATCH — as the
database owner, with no auth, no validation, no row-level security, no middleware.

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
