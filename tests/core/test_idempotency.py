"""Idempotency keys (CONTRACT §2.6) through HTTP against the real server: replay, reuse with another
body, a key still in flight, and the scope of a key (caller and tenant)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import asyncpg
import httpx

from tests.factories import Org, build_org, in_tenant

OBJECTIVES = "/api/v1/okr/objectives"
COHORTS = "/api/v1/learning/cohorts"
GOALS = "/api/v1/performance/goals"


def keyed(org: Org, who: str, key: str) -> dict[str, str]:
    return {**org.headers(who), "Idempotency-Key": key}


def new_key() -> str:
    return f"key-{secrets.token_hex(8)}"


async def count(api: httpx.AsyncClient, org: Org, path: str, who: str = "exec") -> int:
    response = await api.get(path, params={"count": "true"}, headers=org.headers(who))
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


async def key_rows(owner_db: asyncpg.Pool, tenant_id: str) -> list[Any]:
    async with owner_db.acquire() as conn, conn.transaction():
        await conn.execute("SELECT set_config('stride.tenant_id', $1, true)", tenant_id)
        return list(await conn.fetch("SELECT * FROM idempotency_keys WHERE tenant_id = $1", tenant_id))


async def test_same_key_and_body_replays_the_first_response(api, org) -> None:  # type: ignore[no-untyped-def]
    key, body = new_key(), {"title": "Grow revenue", "period": "2026-Q3"}
    first = await api.post(OBJECTIVES, json=body, headers=keyed(org, "exec", key))
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers

    second = await api.post(OBJECTIVES, json=body, headers=keyed(org, "exec", key))
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    for header in ("location", "etag", "content-type", "content-length"):
        assert second.headers[header] == first.headers[header]
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert await count(api, org, OBJECTIVES) == 1


async def test_same_key_with_another_body_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    key = new_key()
    first = await api.post(
        OBJECTIVES, json={"title": "A", "period": "2026-Q1"}, headers=keyed(org, "exec", key)
    )
    assert first.status_code == 201
    other = await api.post(
        OBJECTIVES, json={"title": "B", "period": "2026-Q1"}, headers=keyed(org, "exec", key)
    )
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert await count(api, org, OBJECTIVES) == 1


async def test_same_key_on_another_path_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    key = new_key()
    assert (await api.post(COHORTS, json={"name": "C"}, headers=keyed(org, "exec", key))).status_code == 201
    other = await api.post(OBJECTIVES, json={"name": "C"}, headers=keyed(org, "exec", key))
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")


async def test_concurrent_requests_with_one_key_create_one_record(api, org) -> None:  # type: ignore[no-untyped-def]
    key, body = new_key(), {"name": "Leaders", "tags": ["a"]}
    responses = await asyncio.gather(
        *(api.post(COHORTS, json=body, headers=keyed(org, "exec", key)) for _ in range(2))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses in ([201, 201], [201, 409]), [r.text for r in responses]
    if statuses == [201, 201]:
        assert sorted(r.headers.get("idempotent-replayed", "") for r in responses) == ["", "true"]
        assert responses[0].content == responses[1].content
    else:
        conflict = next(r for r in responses if r.status_code == 409)
        assert conflict.json()["type"].endswith("/idempotency-in-flight")
    assert await count(api, org, COHORTS) == 1


async def _wait_for_in_flight(owner_db: asyncpg.Pool, tenant_id: str) -> None:
    for _ in range(200):
        if any(row["state"] == "in_flight" for row in await key_rows(owner_db, tenant_id)):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the first request never claimed its key")


async def test_key_in_flight_is_409_then_replays(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    """Hold the first request inside its INSERT (a SHARE lock on the table blocks it), so the second
    deterministically meets the key in flight."""
    key, body = new_key(), {"name": "Blocked cohort"}
    async with owner_db.acquire() as blocker:
        transaction = blocker.transaction()
        await transaction.start()
        await blocker.execute("LOCK TABLE cohorts IN SHARE MODE")
        try:
            first = asyncio.create_task(api.post(COHORTS, json=body, headers=keyed(org, "exec", key)))
            await _wait_for_in_flight(owner_db, org.tenant_id)
            second = await api.post(COHORTS, json=body, headers=keyed(org, "exec", key))
            assert second.status_code == 409, second.text
            assert second.headers["content-type"] == "application/problem+json"
            assert second.json()["type"].endswith("/idempotency-in-flight")
            assert not first.done()
        finally:
            await transaction.rollback()
    first_response = await first
    assert first_response.status_code == 201, first_response.text
    third = await api.post(COHORTS, json=body, headers=keyed(org, "exec", key))
    assert third.status_code == 201 and third.headers["idempotent-replayed"] == "true"
    assert third.content == first_response.content
    assert await count(api, org, COHORTS) == 1


async def test_keys_belong_to_their_caller(api, org) -> None:  # type: ignore[no-untyped-def]
    key, body = new_key(), {"title": "Learn Go"}
    alice = await api.post(GOALS, json=body, headers=keyed(org, "alice", key))
    bob = await api.post(GOALS, json=body, headers=keyed(org, "bob", key))
    assert alice.status_code == bob.status_code == 201
    assert "idempotent-replayed" not in bob.headers
    assert alice.json()["id"] != bob.json()["id"]
    assert alice.json()["person_id"] == org.people["alice"] and bob.json()["person_id"] == org.people["bob"]


async def test_keys_belong_to_their_tenant(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    """The same person id in two tenants is two callers: the key does not cross tenants."""
    twin = await build_org(owner_db)
    same_id = org.people["exec"]
    await in_tenant(
        owner_db,
        twin.tenant_id,
        [
            (
                "INSERT INTO people (tenant_id, id, name, email, access_level) "
                "VALUES ($1,$2,'Twin','twin@x.test','executive')",
                (twin.tenant_id, same_id),
            )
        ],
    )
    twin.people["twin"] = same_id
    key, body = new_key(), {"title": "Shared key", "period": "2026-Q2"}
    ours = await api.post(OBJECTIVES, json=body, headers=keyed(org, "exec", key))
    theirs = await api.post(OBJECTIVES, json=body, headers=keyed(twin, "twin", key))
    assert ours.status_code == theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["tenant_id"] == twin.tenant_id and theirs.json()["id"] != ours.json()["id"]


async def test_a_key_older_than_24_hours_counts_as_absent(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    key = new_key()
    first = await api.post(
        OBJECTIVES, json={"title": "Old", "period": "2026-Q1"}, headers=keyed(org, "exec", key)
    )
    assert first.status_code == 201
    await in_tenant(
        owner_db,
        org.tenant_id,
        [
            (
                "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
                "WHERE tenant_id = $1 AND key = $2",
                (org.tenant_id, key),
            )
        ],
    )
    again = await api.post(
        OBJECTIVES, json={"title": "New", "period": "2026-Q1"}, headers=keyed(org, "exec", key)
    )
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert await count(api, org, OBJECTIVES) == 2


async def test_validation_errors_replay_too(api, org) -> None:  # type: ignore[no-untyped-def]
    key, body = new_key(), {"title": "No period"}
    first = await api.post(OBJECTIVES, json=body, headers=keyed(org, "exec", key))
    assert first.status_code == 422
    second = await api.post(OBJECTIVES, json=body, headers=keyed(org, "exec", key))
    assert second.status_code == 422 and second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content


async def test_unauthenticated_request_is_401_and_stores_nothing(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    key = new_key()
    for authorization in ("Bearer not-a-jwt", ""):
        headers = {"Idempotency-Key": key, **({"Authorization": authorization} if authorization else {})}
        response = await api.post(OBJECTIVES, json={"title": "x", "period": "2026-Q1"}, headers=headers)
        assert response.status_code == 401
    # A well-signed token whose subject is not a person of the tenant: 401, and the key is released.
    ghost_headers = {
        "Authorization": "Bearer " + _token_for(org.tenant_id, "usr_01HXNOBODY00000000000000000"),
        "Idempotency-Key": key,
    }
    response = await api.post(OBJECTIVES, json={"title": "x", "period": "2026-Q1"}, headers=ghost_headers)
    assert response.status_code == 401
    assert await key_rows(owner_db, org.tenant_id) == []


def _token_for(tenant_id: str, sub: str) -> str:
    from stride_server.auth.tokens import mint

    return mint(tenant_id, sub)


async def test_malformed_keys_are_400(api, org) -> None:  # type: ignore[no-untyped-def]
    body = {"title": "x", "period": "2026-Q1"}
    for bad in ("k" * 256, "tab\there", b"caf\xe9", b""):
        response = await api.post(
            OBJECTIVES, json=body, headers={**org.headers("exec"), "Idempotency-Key": bad}
        )
        assert response.status_code == 400, (bad, response.text)
        problem = response.json()
        assert problem["type"].endswith("/idempotency-key") and problem["request_id"]
        assert response.headers["x-request-id"] == problem["request_id"]
    ok = await api.post(OBJECTIVES, json=body, headers={**org.headers("exec"), "Idempotency-Key": "k" * 255})
    assert ok.status_code == 201
    assert await count(api, org, OBJECTIVES) == 1


async def test_keys_are_ignored_on_other_methods(api, org) -> None:  # type: ignore[no-untyped-def]
    created = await api.post(
        OBJECTIVES, json={"title": "x", "period": "2026-Q1"}, headers=org.headers("exec")
    )
    path = f"{OBJECTIVES}/{created.json()['id']}"
    key = new_key()
    for title in ("y", "z"):
        response = await api.patch(path, json={"title": title}, headers=keyed(org, "exec", key))
        assert response.status_code == 200 and response.json()["title"] == title
        assert "idempotent-replayed" not in response.headers


# --- the middleware on a bare ASGI app: what is not stored (server errors, raises, huge bodies) ---


def _bare_app(outcomes: list[Any]) -> Any:
    """An app whose POST /things answers each of `outcomes` in turn: a status, an exception, or bytes."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from stride_server.core.idempotency import IdempotencyMiddleware
    from stride_server.db.engine import create_engine

    calls: list[bytes] = []

    async def things(request: Request) -> Response:
        calls.append(await request.body())
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        if isinstance(outcome, bytes):
            return Response(outcome, 201, media_type="application/octet-stream")
        return Response(b'{"n": %d}' % len(calls), outcome, media_type="application/json")

    app = Starlette(
        routes=[Route("/things", things, methods=["POST"])], middleware=[Middleware(IdempotencyMiddleware)]
    )
    app.state.engine = create_engine(pool_size=2)
    app.state.calls = calls
    return app


async def _post_twice(app: Any, org: Org, *, raise_app_exceptions: bool = True) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    headers = keyed(org, "exec", new_key())
    responses = []
    async with httpx.AsyncClient(transport=transport, base_url="http://stride.test") as client:
        for _ in range(2):
            try:
                responses.append(await client.post("/things", content=b'{"a": 1}', headers=headers))
            except RuntimeError:
                pass
    await app.state.engine.dispose()
    return responses


async def test_server_error_releases_the_key(org) -> None:  # type: ignore[no-untyped-def]
    app = _bare_app([503, 201, 201])
    first, second = await _post_twice(app, org)
    assert first.status_code == 503 and second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert app.state.calls == [b'{"a": 1}', b'{"a": 1}']  # the handler saw the body both times


async def test_raising_handler_releases_the_key(org) -> None:  # type: ignore[no-untyped-def]
    app = _bare_app([RuntimeError("boom"), 201])
    responses = await _post_twice(app, org)
    assert [r.status_code for r in responses] == [201] and len(app.state.calls) == 2


async def test_response_over_1_mib_is_not_stored(org) -> None:  # type: ignore[no-untyped-def]
    big = b"x" * (1024 * 1024 + 1)
    app = _bare_app([big, big])
    first, second = await _post_twice(app, org)
    assert first.content == second.content == big
    assert "idempotent-replayed" not in second.headers and len(app.state.calls) == 2


async def test_small_response_is_stored_and_replayed(org) -> None:  # type: ignore[no-untyped-def]
    app = _bare_app([201, 201])
    first, second = await _post_twice(app, org)
    assert second.headers["idempotent-replayed"] == "true" and second.content == first.content == b'{"n": 1}'
    assert len(app.state.calls) == 1


async def test_body_over_1_mib_with_a_key_is_413_and_claims_nothing(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    body = b'{"title": "t", "period": "2026-Q1", "description": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = await api.post(
        OBJECTIVES,
        content=body,
        headers={**keyed(org, "exec", new_key()), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert await key_rows(owner_db, org.tenant_id) == []


async def test_every_post_documents_the_key(api) -> None:  # type: ignore[no-untyped-def]
    schema = (await api.get("/openapi.json")).json()
    posts = [op for path in schema["paths"].values() for method, op in path.items() if method == "post"]
    assert posts
    for operation in posts:
        names = [p["name"] for p in operation.get("parameters", [])]
        assert "Idempotency-Key" in names and "400" in operation["responses"], operation["operationId"]
