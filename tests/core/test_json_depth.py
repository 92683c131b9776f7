"""CONTRACT §7: "JSON nested deeper than 64 levels → 422, never 500." A body's own braces are its
first level, so `{"metadata": <63 levels>}` is 64 levels deep and accepted where the field takes
JSON; one level more is a 422 problem naming the field, on every kind of endpoint, with and without
an Idempotency-Key (1,000 levels used to be a 500 from the size check's orjson.dumps)."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import orjson
import pytest

from tests.factories import Org

COHORTS = "/api/v1/learning/cohorts"
CYCLES = "/api/performance/cycles"
APPLICATIONS = "/api/v1/platform/applications"
LIMIT = 64
DEPTH_PROBLEM = "https://stride.dev/problems/json-too-deep"


def _is_object(position: int) -> bool:
    """Objects and arrays in turn, an object outermost (position 1), as a JSON object field needs."""
    return position % 2 == 1


def nested(levels: int) -> Any:
    """A JSON value `levels` deep, a number at the bottom."""
    value: Any = 1
    for position in range(levels, 0, -1):
        value = {"a": value} if _is_object(position) else [value]
    return value


def nested_bytes(levels: int) -> bytes:
    """The same value as raw JSON, for depths orjson.dumps itself refuses (over 254 levels)."""
    opening = "".join('{"a": ' if _is_object(position) else "[" for position in range(1, levels + 1))
    closing = "".join("}" if _is_object(position) else "]" for position in range(levels, 0, -1))
    return f"{opening}1{closing}".encode()


def body_with(fields: dict[str, Any], name: str, levels: int) -> bytes:
    """`fields` plus `name` holding a value that makes the whole body `levels` deep."""
    head = orjson.dumps(fields)[:-1]
    separator = b", " if fields else b""
    return head + separator + orjson.dumps(name) + b": " + nested_bytes(levels - 1) + b"}"


def headers(org: Org, keyed: bool) -> dict[str, str]:
    extra = {"Idempotency-Key": f"depth-{secrets.token_hex(8)}"} if keyed else {}
    return {**org.headers("exec"), "Content-Type": "application/json", **extra}


def assert_too_deep(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == DEPTH_PROBLEM
    assert problem["errors"] == [{"field": field, "message": f"JSON nested deeper than {LIMIT} levels"}]


def test_the_helpers_build_what_they_say() -> None:
    assert orjson.loads(nested_bytes(5)) == nested(5)
    assert orjson.loads(body_with({"name": "x"}, "metadata", 3)) == {"name": "x", "metadata": nested(2)}


@pytest.fixture
async def cohort(api: httpx.AsyncClient, org: Org) -> dict[str, Any]:
    response = await api.post(COHORTS, json={"name": "Depth"}, headers=org.headers("exec"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
async def cycle(api: httpx.AsyncClient, org: Org) -> dict[str, Any]:
    body = {"type": "quarterly", "name": "Q1", "period_start": "2026-01-01", "period_end": "2026-03-31"}
    response = await api.post(CYCLES, json=body, headers=org.headers("exec"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("keyed", [False, True], ids=["plain", "idempotency-key"])
async def test_64_levels_are_accepted_in_a_json_field(api, org, cohort, keyed) -> None:  # type: ignore[no-untyped-def]
    created = await api.post(
        COHORTS, content=body_with({"name": "Deep"}, "metadata", LIMIT), headers=headers(org, keyed)
    )
    assert created.status_code == 201, created.text
    assert created.json()["metadata"] == nested(LIMIT - 1)
    patched = await api.patch(
        f"{COHORTS}/{cohort['id']}", content=body_with({}, "metadata", LIMIT), headers=headers(org, keyed)
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["metadata"] == nested(LIMIT - 1)


@pytest.mark.parametrize("keyed", [False, True], ids=["plain", "idempotency-key"])
@pytest.mark.parametrize("levels", [LIMIT + 1, 1_000, 100_000])
async def test_deeper_than_64_levels_is_422_on_every_kind_of_endpoint(  # type: ignore[no-untyped-def]
    api, org, cohort, cycle, levels, keyed
) -> None:
    # (method, path, the rest of a valid body, the field holding the deep value)
    writes: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", COHORTS, {"name": "Deep"}, "metadata"),  # Data API create
        ("PATCH", f"{COHORTS}/{cohort['id']}", {}, "metadata"),  # Data API update
        ("PUT", f"{CYCLES}/{cycle['id']}", {}, "name"),  # reviews PUT
        ("POST", APPLICATIONS, {"permissions": ["view:okr"]}, "name"),  # platform POST
    ]
    for method, path, fields, field in writes:
        response = await api.request(
            method, path, content=body_with(fields, field, levels), headers=headers(org, keyed)
        )
        # orjson refuses over 1,024 levels while parsing, before any field is known: the body is named.
        assert_too_deep(response, field if levels <= 1_024 else "body")
    listed = await api.get(COHORTS, params={"count": "true"}, headers=org.headers("exec"))
    assert listed.json()["total"] == 1  # only the fixture's cohort: nothing deep was written


async def test_the_depth_limit_counts_the_body_itself(api, org) -> None:  # type: ignore[no-untyped-def]
    """A bare array 65 levels deep has no member to name; a string field 64 levels deep is a type error,
    not a depth one."""
    bare = b"[" * (LIMIT + 1) + b"]" * (LIMIT + 1)
    too_deep = await api.post(COHORTS, content=bare, headers=headers(org, False))
    assert_too_deep(too_deep, "body")
    wrong_type = await api.post(CYCLES, content=body_with({}, "name", LIMIT), headers=headers(org, False))
    assert wrong_type.status_code == 422, wrong_type.text
    assert wrong_type.json()["type"] != DEPTH_PROBLEM


@pytest.mark.parametrize("levels", [LIMIT + 1, 1_000, 100_000])
async def test_a_deep_json_line_in_the_people_import_is_422(api, org, levels) -> None:  # type: ignore[no-untyped-def]
    """The import reads JSON lines itself (not a JSON body): a deep line is a bad row, never a 500."""
    line = body_with({"email": "deep@example.com"}, "name", levels)
    response = await api.post(
        "/api/v1/directory/import",
        content=line + b"\n",
        headers={**org.headers("exec"), "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
