"""GET /explorer and its static assets; in embedded mode, demo-token helpers for the `demo` tenant.

The page itself is plain HTML/CSS/JS (no build step) that reads GET /api/v1/manifest and calls the
API with whatever bearer token the user pastes. The two demo helpers exist only when Stride runs on
its embedded PostgreSQL (DATABASE_URL unset) and only ever act for the `demo` tenant; anywhere else
they answer 404, so a production deployment never mints tokens over HTTP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from stride_server.auth.tokens import mint
from stride_server.config import get_settings
from stride_server.core.body import StrideRoute
from stride_server.core.context import tenant_transaction
from stride_server.core.problems import NotFound
from stride_server.core.responses import NO_STORE, json_response
from stride_server.db.reads import Reader
from stride_server.directory import store as directory_store

router = APIRouter(route_class=StrideRoute, include_in_schema=False)

STATIC = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
ASSETS = frozenset({"explorer.css", "util.js", "snippets.js", "console.js", "explorer.js"})
DEMO_TENANT = "demo"
DEMO_TOKEN_TTL = 8 * 3600
LEVELS = ("executive", "head", "manager", "lead", "employee")
HEADERS = {"Cache-Control": "no-cache"}  # nosniff, no-referrer and the CSP: RequestMiddleware


def _file(name: str) -> Response:
    path = STATIC / name
    return Response(path.read_bytes(), media_type=MEDIA_TYPES[path.suffix], headers=HEADERS)


@router.get("/explorer")
async def explorer() -> Response:
    return _file("index.html")


@router.get("/explorer/static/{name}")
async def asset(name: str) -> Response:
    if name not in ASSETS:
        raise NotFound("No such explorer asset.")
    return _file(name)


def _require_embedded() -> None:
    if not get_settings().is_embedded:
        raise NotFound("No such path.")


async def _demo_people(request: Request) -> list[dict[str, Any]]:
    async with tenant_transaction(request.app.state.engine, DEMO_TENANT) as conn:
        rows = await directory_store.list_people(conn, DEMO_TENANT, {"status": "active"}, None, 1000)
    return rows[:1000]


@router.get("/api/v1/explorer/demo-people")
async def demo_people(request: Request) -> Response:
    """The demo tenant's active people, executives first, for the explorer's token picker."""
    _require_embedded()
    people = await _demo_people(request)
    rank = {level: i for i, level in enumerate(LEVELS)}
    people.sort(key=lambda p: (rank.get(p["access_level"], len(LEVELS)), p["name"]))
    return json_response(
        {
            "data": [
                {
                    "id": p["id"],
                    "name": p["name"],
                    "access_level": p["access_level"],
                    "job_title": p.get("job_title"),
                }
                for p in people
            ]
        }
    )


class DemoTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: str


@router.post("/api/v1/explorer/demo-token")
async def demo_token(request: Request, body: DemoTokenRequest) -> Response:
    """A short-lived token for one demo person (embedded mode only)."""
    _require_embedded()
    async with tenant_transaction(request.app.state.engine, DEMO_TENANT) as conn:
        person = await directory_store.get_person(Reader(conn), DEMO_TENANT, body.person_id)
    if person is None or person.get("status") not in (None, "active"):
        raise NotFound("No such demo person.")
    token = mint(DEMO_TENANT, body.person_id, ttl=DEMO_TOKEN_TTL)
    return json_response(
        {"token": token, "person_id": body.person_id, "tenant_id": DEMO_TENANT, "expires_in": DEMO_TOKEN_TTL},
        headers=NO_STORE,
    )
