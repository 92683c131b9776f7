"""Malformed input of every kind is a clear problem+json 4xx on a Data API create, update and list:
never a 500 and never a hang (CONTRACT §5)."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import orjson
import pytest

OBJECTIVES = "/api/v1/okr/objectives"
COHORTS = "/api/v1/learning/cohorts"
TIMEOUT = httpx.Timeout(10.0)
JSON = {"Content-Type": "application/json"}


def assert_problem(response: httpx.Response, status: int, slug: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].startswith("https://stride.dev/problems/")
    assert isinstance(problem["title"], str) and problem["title"]
    assert problem["status"] == status
    assert isinstance(problem["detail"], str) and problem["detail"]
    assert problem["request_id"] and problem["request_id"] == response.headers["x-request-id"]
    if slug:
        assert problem["type"].endswith("/" + slug), problem
    return problem  # type: ignore[no-any-return]


@pytest.fixture
async def objective_path(api, org) -> str:  # type: ignore[no-untyped-def]
    response = await api.post(
        OBJECTIVES, json={"title": "Target", "period": "2026-Q1"}, headers=org.headers("exec")
    )
    assert response.status_code == 201, response.text
    return f"{OBJECTIVES}/{response.json()['id']}"


def _deep(levels: int) -> bytes:
    return b'{"title": "t", "period": "2026-Q1", "dependencies": ' + b"[" * levels + b"]" * levels + b"}"


# (name, raw body, content type, expected status)
BAD_BODIES: list[tuple[str, bytes, str | None, int]] = [
    ("truncated JSON", b'{"title": ', "application/json", 422),
    ("trailing garbage", b'{"title": "t"} x', "application/json", 422),
    ("single quotes", b"{'title': 't'}", "application/json", 422),
    ("wrong type", b'{"title": 5, "period": "2026-Q1"}', "application/json", 422),
    (
        "wrong nested type",
        b'{"title": "t", "period": "2026-Q1", "tags": [1, {"a": []}]}',
        "application/json",
        422,
    ),
    ("1e400", b'{"title": "t", "period": "2026-Q1", "weight": 1e400}', "application/json", 422),
    ("-1e400", b'{"title": "t", "period": "2026-Q1", "weight": -1e400}', "application/json", 422),
    ("NaN", b'{"title": "t", "period": "2026-Q1", "weight": NaN}', "application/json", 422),
    ("Infinity", b'{"title": "t", "period": "2026-Q1", "weight": Infinity}', "application/json", 422),
    (
        "huge integer",
        b'{"title": "t", "period": "2026-Q1", "weight": ' + b"9" * 5000 + b"}",
        "application/json",
        422,
    ),
    ("deep nesting", _deep(10_000), "application/json", 422),
    ("invalid UTF-8", b'{"title": "\xff\xfe\xc3", "period": "2026-Q1"}', "application/json", 422),
    ("lone surrogate escape", b'{"title": "\\ud800", "period": "2026-Q1"}', "application/json", 422),
    ("raw NUL in a value", b'{"title": "a\x00b", "period": "2026-Q1"}', "application/json", 422),
    ("escaped NUL in a value", b'{"title": "a\\u0000b", "period": "2026-Q1"}', "application/json", 422),
    ("escaped NUL in a key", b'{"title\\u0000": "a", "period": "2026-Q1"}', "application/json", 422),
    (
        "escaped NUL nested",
        b'{"title": "t", "period": "2026-Q1", "tags": ["\\u0000"]}',
        "application/json",
        422,
    ),
    ("raw NUL in a key", b'{"ti\x00tle": "a", "period": "2026-Q1"}', "application/json", 422),
    ("JSON array", b'[{"title": "t", "period": "2026-Q1"}]', "application/json", 422),
    ("JSON string", b'"title"', "application/json", 422),
    ("JSON null", b"null", "application/json", 422),
    ("JSON number", b"42", "application/json", 422),
    ("text/plain", b'{"title": "t", "period": "2026-Q1"}', "text/plain", 415),
    ("form", b"title=t&period=2026-Q1", "application/x-www-form-urlencoded", 415),
    ("no content type", b'{"title": "t", "period": "2026-Q1"}', None, 415),
    ("garbage content type", b'{"title": "t", "period": "2026-Q1"}', ";;;", 415),
]


async def _send(
    api: httpx.AsyncClient,
    method: str,
    path: str,
    body: bytes,
    content_type: str | None,
    headers: dict[str, str],
) -> httpx.Response:
    if content_type is not None:
        headers = {**headers, "Content-Type": content_type}
    return await api.request(method, path, content=body, headers=headers, timeout=TIMEOUT)


@pytest.mark.parametrize(
    ("name", "body", "content_type", "status"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
async def test_bad_create_body_is_a_clear_4xx(api, org, name, body, content_type, status) -> None:  # type: ignore[no-untyped-def]
    response = await _send(api, "POST", OBJECTIVES, body, content_type, org.headers("exec"))
    assert_problem(response, status)


@pytest.mark.parametrize(
    ("name", "body", "content_type", "status"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
async def test_bad_update_body_is_a_clear_4xx(
    api, org, objective_path, name, body, content_type, status
) -> None:  # type: ignore[no-untyped-def]
    response = await _send(api, "PATCH", objective_path, body, content_type, org.headers("exec"))
    assert_problem(response, status)
    unchanged = await api.get(objective_path, headers=org.headers("exec"))
    assert unchanged.json()["title"] == "Target" and unchanged.json()["version"] == 1


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_body_over_1_mib_is_413(api, org, objective_path, method) -> None:  # type: ignore[no-untyped-def]
    path = OBJECTIVES if method == "POST" else objective_path
    body = orjson.dumps({"title": "t", "period": "2026-Q1", "description": "x" * (2 * 1024 * 1024)})
    response = await _send(api, method, path, body, "application/json", org.headers("exec"))
    assert_problem(response, 413)


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_chunked_body_over_1_mib_is_413(api, org, objective_path, method) -> None:  # type: ignore[no-untyped-def]
    """Without Content-Length the limit is enforced while reading."""
    path = OBJECTIVES if method == "POST" else objective_path

    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"title": "t", "period": "2026-Q1", "description": "'
        for _ in range(32):
            yield b"x" * 65536
        yield b'"}'

    response = await api.request(
        method, path, content=chunks(), headers={**org.headers("exec"), **JSON}, timeout=TIMEOUT
    )
    assert_problem(response, 413)


@pytest.mark.parametrize("content_length", ["abc", "-1", "99999999999999999999"])
async def test_bad_content_length_is_4xx(api, org, content_length) -> None:  # type: ignore[no-untyped-def]
    """The server refuses these before the app (400) or the app refuses them (413)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(str(api.base_url))
    token = org.token("exec")
    request = (
        f"POST {OBJECTIVES} HTTP/1.1\r\nHost: {parts.hostname}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {content_length}\r\nConnection: close\r\n\r\n{{}}"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(1024).split(b"\r\n", 1)[0]
    status = int(status_line.split()[1])
    assert 400 <= status < 500, status_line


async def test_empty_create_body_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await _send(api, "POST", OBJECTIVES, b"", "application/json", org.headers("exec"))
    assert_problem(response, 422)


# --- list query strings -----------------------------------------------------------------------------

BAD_QUERIES: list[tuple[str, dict[str, str] | str]] = [
    ("unknown parameter", {"colour": "red"}),
    ("unknown field with operator", {"colour[gt]": "1"}),
    ("unknown operator", {"title[like]": "x"}),
    ("uppercase operator", {"weight[GT]": "1"}),
    ("empty operator", {"weight[]": "1"}),
    ("number filter not a number", {"weight": "heavy"}),
    ("number filter NaN", {"weight[gt]": "NaN"}),
    ("number filter inf", {"weight[lt]": "inf"}),
    ("number filter 1e400", {"weight[gte]": "1e400"}),
    ("enum filter value", {"status": "bogus"}),
    ("enum filter in list", {"status[in]": "active,bogus"}),
    ("date filter", {"created_at[gt]": "yesterday"}),
    ("date filter too long", {"created_at[gt]": "2026-01-01" + "0" * 100}),
    ("is_null value", {"parent_objective_id[is_null]": "maybe"}),
    ("contains on a scalar", {"title[contains]": "x"}),
    ("gt on an array", {"tags[gt]": "x"}),
    ("json array not filterable", {"dependencies": "x"}),
    ("limit 0", {"limit": "0"}),
    ("limit 201", {"limit": "201"}),
    ("limit abc", {"limit": "abc"}),
    ("limit negative", {"limit": "-1"}),
    ("limit empty", {"limit": ""}),
    ("limit float", {"limit": "1.5"}),
    ("limit huge", {"limit": "9" * 400}),
    ("limit beyond int parsing", {"limit": "9" * 5000}),
    ("integer filter beyond int parsing", {"version": "9" * 5000}),
    ("integer filter not an integer", {"version[gt]": "1.5"}),
    ("integer filter beyond int4", {"version": "99999999999999999999"}),
    ("integer filter below int4", {"version[gt]": "-99999999999999999999"}),
    ("limit unicode digits", {"limit": "\u0661\u0662"}),
    ("limit twice", "limit=1&limit=2"),
    ("mine not a flag", {"mine": "yes"}),
    ("count not a flag", {"count": "2"}),
    ("include_deleted not a flag", {"include_deleted": "sure"}),
    ("sort unknown field", {"sort": "colour"}),
    ("sort json field", {"sort": "tags"}),
    ("sort empty part", {"sort": "title,,"}),
    ("sort empty", {"sort": ""}),
    ("sort with spaces", {"sort": " title"}),
    ("sort with two dashes", {"sort": "--title"}),
    ("NUL in a value", {"title": "a\x00b"}),
    ("NUL in a name", {"ti\x00tle": "a"}),
    ("percent-encoded NUL", "title=a%00b"),
    ("invalid UTF-8 in a value", "title=%ff%fe"),
    ("invalid UTF-8 in a name", "%ff%fe=1"),
    ("bracket garbage", "title[[gt]]=1"),
    ("cursor garbage", {"cursor": "not-a-cursor"}),
    ("cursor bad base64", {"cursor": "%%%"}),
    ("cursor base64 of text", {"cursor": base64.urlsafe_b64encode(b"hello").decode()}),
    ("cursor base64 of a list", {"cursor": base64.urlsafe_b64encode(b"[1,2]").decode()}),
    ("cursor base64 of deep JSON", {"cursor": base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode()}),
    ("cursor with NUL", {"cursor": base64.urlsafe_b64encode(b'{"h":"\\u0000","v":[]}').decode()}),
]


@pytest.mark.parametrize(("name", "params"), BAD_QUERIES, ids=[q[0] for q in BAD_QUERIES])
async def test_bad_list_query_is_400(api, org, name, params) -> None:  # type: ignore[no-untyped-def]
    url = f"{OBJECTIVES}?{params}" if isinstance(params, str) else OBJECTIVES
    response = await api.get(
        url, params=None if isinstance(params, str) else params, headers=org.headers("exec"), timeout=TIMEOUT
    )
    assert_problem(response, 400)


async def _first_page(api: httpx.AsyncClient, org: Any, path: str, params: dict[str, str]) -> str:
    for i in range(3):
        body = {"title": f"O{i}", "period": "2026-Q1"} if path == OBJECTIVES else {"name": f"C{i}"}
        assert (await api.post(path, json=body, headers=org.headers("exec"))).status_code == 201
    page = await api.get(path, params={**params, "limit": "1"}, headers=org.headers("exec"))
    assert page.status_code == 200, page.text
    cursor = page.json()["next_cursor"]
    assert cursor
    return str(cursor)


def _tamper(cursor: str, change: Any) -> str:
    payload = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    change(payload)
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def _set(key: str, value: Any) -> Any:
    return lambda payload: payload.__setitem__(key, value)


def _set_value(index: int, value: Any) -> Any:
    return lambda payload: payload["v"].__setitem__(index, value)


TAMPERINGS = [
    ("fingerprint changed", _set("h", "0000000000000000")),
    ("values dropped", _set("v", [])),
    ("values not a list", _set("v", {"a": 1})),
    ("created_at not a date", _set_value(0, "not a date")),
    ("created_at a number", _set_value(0, 12)),
    ("created_at null", _set_value(0, None)),
    ("id a number", _set_value(1, 1)),
    ("id an object", _set_value(1, {"$gt": ""})),
    ("id with NUL", _set_value(1, "obj_\x00")),
    ("extra value", lambda payload: payload["v"].append("x")),
]


@pytest.mark.parametrize(("name", "change"), TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
async def test_tampered_cursor_is_400(api, org, name, change) -> None:  # type: ignore[no-untyped-def]
    cursor = await _first_page(api, org, OBJECTIVES, {})
    response = await api.get(
        OBJECTIVES, params={"limit": "1", "cursor": _tamper(cursor, change)}, headers=org.headers("exec")
    )
    assert_problem(response, 400)


@pytest.mark.parametrize("value", [2**40, -(2**40), 1.5, "1", True, None, [1]])
async def test_tampered_integer_cursor_is_400(api, org, value) -> None:  # type: ignore[no-untyped-def]
    cursor = await _first_page(api, org, OBJECTIVES, {"sort": "version"})
    response = await api.get(
        OBJECTIVES,
        params={"sort": "version", "limit": "1", "cursor": _tamper(cursor, _set_value(0, value))},
        headers=org.headers("exec"),
    )
    assert_problem(response, 400)


async def test_cursor_reused_with_other_filters_or_sort_is_400(api, org) -> None:  # type: ignore[no-untyped-def]
    cursor = await _first_page(api, org, OBJECTIVES, {"status": "active"})
    for params in (
        {"status": "draft"},
        {},
        {"status": "active", "sort": "title"},
        {"status": "active", "q": "o"},
        {"status": "active", "mine": "true"},
    ):
        response = await api.get(
            OBJECTIVES, params={**params, "limit": "1", "cursor": cursor}, headers=org.headers("exec")
        )
        assert_problem(response, 400)
    same = await api.get(
        OBJECTIVES, params={"status": "active", "limit": "1", "cursor": cursor}, headers=org.headers("exec")
    )
    assert same.status_code == 200 and len(same.json()["data"]) == 1


async def test_cursor_of_another_collection_is_400(api, org) -> None:  # type: ignore[no-untyped-def]
    cursor = await _first_page(api, org, COHORTS, {})
    response = await api.get(OBJECTIVES, params={"cursor": cursor, "limit": "1"}, headers=org.headers("exec"))
    assert_problem(response, 400)


async def test_cursor_of_another_tenant_reveals_nothing(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    """A cursor only carries sort values; in another tenant it pages over that tenant's own rows."""
    cursor = await _first_page(api, org, OBJECTIVES, {})
    response = await api.get(
        OBJECTIVES, params={"cursor": cursor, "limit": "1"}, headers=other_org.headers("exec")
    )
    assert response.status_code == 200 and response.json()["data"] == []


# --- paths --------------------------------------------------------------------------------------------

BAD_IDS = [
    "obj_" + "9" * 5000,
    "9" * 400,
    "obj_01JD3ZZZZZZZZZZZZZZZZZZZZZ",
    "krs_01JD3ZZZZZZZZZZZZZZZZZZZZZ",
    "%00",
    "obj_%00",
    "%ff%fe%fd",
    "%C0%AF",
    "%E2%80%AE",
    "..%2F..%2Fetc%2Fpasswd",
    "%25%25%25",
    "obj_01JD3ZZZZZZZZZZZZZZZZZZZZ%00",
    "%F0%9F%92%A9",
    "'; DROP TABLE objectives; --",
    "%5Cu0000",
]


@pytest.mark.parametrize("record_id", BAD_IDS)
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_unknown_or_garbage_ids_are_404(api, org, method, record_id) -> None:  # type: ignore[no-untyped-def]
    body = b'{"title": "t"}' if method == "PATCH" else None
    response = await api.request(
        method,
        f"{OBJECTIVES}/{record_id}",
        content=body,
        headers={**org.headers("exec"), **JSON},
        timeout=TIMEOUT,
    )
    assert_problem(response, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/okr/%00",
        "/api/v1/%ff/objectives",
        "/api/v1/okr/objectives/x/y",
        "/api/v1/okr/objectives%2Fx",
        "/api/v1/okr/objectives/" + "a" * 8000,
    ],
)
async def test_garbage_paths_are_404(api, org, path) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(path, headers=org.headers("exec"), timeout=TIMEOUT)
    assert_problem(response, 404)


async def test_get_with_bad_flag_is_400(api, org, objective_path) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(objective_path, params={"include_deleted": "maybe"}, headers=org.headers("exec"))
    assert_problem(response, 400)
    response = await api.get(objective_path, params={"colour": "red"}, headers=org.headers("exec"))
    assert_problem(response, 400)


# (Control characters in a header never reach the app: the HTTP server answers 400 itself.)
@pytest.mark.parametrize("if_match", ['"abc"', '"99999999999999999999999"', "W/", "", '"1", "2"'])
async def test_garbage_if_match_is_412(api, org, objective_path, if_match) -> None:  # type: ignore[no-untyped-def]
    response = await api.patch(
        objective_path, json={"title": "x"}, headers={**org.headers("exec"), "If-Match": if_match}
    )
    if if_match == "":
        assert response.status_code in (200, 412)
    else:
        assert_problem(response, 412)


@pytest.mark.parametrize(
    ("version", "status"),
    [
        ("1", 422),
        (1.5, 422),
        (True, 422),
        ([1], 422),
        (-1, 409),
        (2**70, 409),
        (None, 200),
        (1.0, 200),
        (1, 200),
    ],
)
async def test_body_versions_of_every_shape(api, org, objective_path, version, status) -> None:  # type: ignore[no-untyped-def]
    """JSON Schema's integer includes 1.0; a string, a fraction or a boolean is 422; a stale one 409."""
    response = await api.patch(
        objective_path, json={"title": "x", "version": version}, headers=org.headers("exec")
    )
    if status == 200:
        assert response.status_code == 200, response.text
    else:
        assert_problem(response, status)


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "2026-02-30",
        "2026-01-01T25:00:00Z",
        "+002026-01-01",
        "2026-01-01T00:00:00+99:00",
    ],
)
async def test_dates_out_of_range_are_422(api, org, value) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(COHORTS, json={"name": "C", "start_date": value}, headers=org.headers("exec"))
    assert_problem(response, 422)


@pytest.mark.parametrize(
    ("value", "created"),
    [
        ("9999-12-31T23:59:59-23:59", "created_at[lt]"),
        ("0001-01-01T00:00:00+23:59", "created_at[gt]"),
        ("9999-12-31T23:59:60Z", "created_at[lt]"),
        ("2000-01-01t00:00:00z", "created_at[gt]"),
    ],
)
async def test_date_filters_at_the_calendar_edges_still_compare(api, org, value, created) -> None:  # type: ignore[no-untyped-def]
    """RFC 3339 allows what Python's datetime cannot hold once in UTC; as a filter it is pinned to the
    nearest representable moment, which compares the same way with every stored value."""
    await _first_page(api, org, OBJECTIVES, {})
    everything = await api.get(OBJECTIVES, params={created: value}, headers=org.headers("exec"))
    assert everything.status_code == 200, everything.text
    assert len(everything.json()["data"]) == 3
    nothing = await api.get(OBJECTIVES, params={"created_at": value}, headers=org.headers("exec"))
    assert nothing.status_code == 200 and nothing.json()["data"] == []


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2026-04-15t10:00:00z", "2026-04-15T10:00:00Z"),
        ("2026-12-31T23:59:60Z", "2027-01-01T00:00:00Z"),
        ("2026-04-15T10:00:00.123456789+02:00", "2026-04-15T08:00:00.123456Z"),
        ("2026-04-15", "2026-04-15T00:00:00Z"),
    ],
)
async def test_rfc3339_dates_are_accepted(api, org, value, stored) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(COHORTS, json={"name": "C", "start_date": value}, headers=org.headers("exec"))
    assert response.status_code == 201, response.text
    assert response.json()["start_date"] == stored


async def test_extreme_numbers_in_json_fields_read_back_unchanged(api, org) -> None:  # type: ignore[no-untyped-def]
    """jsonb prints 1e300 as a 301-digit integer; it must read back as the float it was (not a 500)."""
    metadata = {
        "big": 1e300,
        "tiny": -2.5e-300,
        "int64": 2**63 - 1,
        "uint64": 2**64 - 1,
        "nested": [[-1.5e308]],
    }
    created = await api.post(
        COHORTS, json={"name": "Numbers", "metadata": metadata}, headers=org.headers("exec")
    )
    assert created.status_code == 201, created.text
    assert created.json()["metadata"] == metadata
    got = await api.get(f"{COHORTS}/{created.json()['id']}", headers=org.headers("exec"))
    assert got.status_code == 200 and got.json()["metadata"] == metadata
    listed = await api.get(COHORTS, headers=org.headers("exec"))
    assert listed.status_code == 200 and listed.json()["data"][0]["metadata"] == metadata
