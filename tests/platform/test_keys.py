"""API keys and the token exchange (CONTRACT §1.2): a secret shown once and stored only as a hash, a
JWT for the application, app-scoped records (§1.4 rule 2), revocation and deletion."""

from __future__ import annotations

import hashlib
import re
import time

import pytest

from tests.factories import in_tenant
from tests.platform.support import (
    APPLICATIONS,
    TOKEN,
    assert_problem,
    bearer,
    create_app,
    create_key,
    decode,
    exchange,
)

KEY = re.compile(r"^sk_[A-Za-z0-9_-]{43,}$")  # at least 32 random bytes, base64url
OBJECTIVES = "/api/v1/okr/objectives"


async def test_key_is_shown_once_and_only_its_hash_is_stored(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    response = await api.post(f"{APPLICATIONS}/{app['id']}/keys", headers=org.headers("exec"))
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    created = response.json()
    secret = created["key"]
    assert KEY.match(secret) and created["id"].startswith("key_") and created["app_id"] == app["id"]
    assert created["hint"] == secret[-4:] and created["created_at"].endswith("Z")

    digest = hashlib.sha256(secret.encode()).hexdigest()
    async with owner_db.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT * FROM api_keys WHERE tenant_id = $1 AND id = $2", org.tenant_id, created["id"]
        )
        lookup = await conn.fetchrow("SELECT * FROM api_key_lookup WHERE key_id = $1", created["id"])
    assert row["key_hash"] == digest and row["app_id"] == app["id"] and row["revoked_at"] is None
    assert secret not in {str(v) for v in row.values()}  # the secret itself is nowhere
    assert dict(lookup) == {"key_hash": digest, "tenant_id": org.tenant_id, "key_id": created["id"]}

    listed = await api.get(f"{APPLICATIONS}/{app['id']}/keys", headers=org.headers("exec"))
    assert listed.status_code == 200
    assert listed.json()["data"] == [
        {
            "id": created["id"],
            "app_id": app["id"],
            "hint": secret[-4:],
            "created_at": created["created_at"],
            "revoked_at": None,
        }
    ]
    assert secret not in listed.text


async def test_every_key_is_different(api, org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    keys = [await create_key(api, org, app["id"]) for _ in range(3)]
    assert len({k["key"] for k in keys}) == 3 and len({k["id"] for k in keys}) == 3


@pytest.mark.parametrize("how", ["header", "body"])
async def test_exchange_gives_a_jwt_of_the_application(api, org, how) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr", "update:okr"])
    secret = (await create_key(api, org, app["id"]))["key"]
    if how == "header":
        response = await api.post(TOKEN, headers={"Authorization": f"Bearer {secret}"})
    else:
        response = await api.post(TOKEN, json={"api_key": secret})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    claims = decode(body["access_token"])
    assert claims["sub"] == app["id"] and claims["app_id"] == app["id"]
    assert claims["tenant_id"] == org.tenant_id
    assert claims["permissions"] == ["view:okr", "update:okr"]
    assert claims["exp"] - claims["iat"] == 3600 and abs(claims["iat"] - time.time()) < 60
    assert (await api.get(OBJECTIVES, headers=bearer(body["access_token"]))).status_code == 200


async def test_the_body_key_wins_over_the_header(api, org) -> None:  # type: ignore[no-untyped-def]
    # A client that sends its JWT on every call may still exchange a key passed in the body.
    app = await create_app(api, org, ["view:okr"])
    secret = (await create_key(api, org, app["id"]))["key"]
    response = await api.post(TOKEN, json={"api_key": secret}, headers=org.headers("exec"))
    assert response.status_code == 200 and decode(response.json()["access_token"])["sub"] == app["id"]
    revoked = await create_key(api, org, app["id"])
    await api.delete(f"{APPLICATIONS}/{app['id']}/keys/{revoked['id']}", headers=org.headers("exec"))
    mixed = await api.post(
        TOKEN, json={"api_key": revoked["key"]}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert_problem(mixed, 401)


async def test_app_records_are_stamped_and_each_app_sees_only_its_own(api, org) -> None:  # type: ignore[no-untyped-def]
    first = await create_app(api, org, ["view:okr", "update:okr"], name="First")
    second = await create_app(api, org, ["view:okr", "update:okr"], name="Second")
    first_token = await exchange(api, (await create_key(api, org, first["id"]))["key"])
    second_token = await exchange(api, (await create_key(api, org, second["id"]))["key"])

    made = await api.post(
        OBJECTIVES,
        json={"title": "Integrate", "period": "2026-Q3", "owner_id": org.people["alice"]},
        headers=bearer(first_token),
    )
    assert made.status_code == 201, made.text
    objective = made.json()
    assert objective["app_id"] == first["id"] and objective["created_by"] == first["id"]
    by_person = await api.post(
        OBJECTIVES, json={"title": "By hand", "period": "2026-Q3"}, headers=org.headers("exec")
    )
    assert by_person.json()["app_id"] is None

    mine = await api.get(OBJECTIVES, headers=bearer(first_token))
    assert [r["id"] for r in mine.json()["data"]] == [objective["id"]]
    assert (await api.get(OBJECTIVES, headers=bearer(second_token))).json()["data"] == []
    assert_problem(await api.get(f"{OBJECTIVES}/{objective['id']}", headers=bearer(second_token)), 404)
    assert_problem(await api.get(f"{OBJECTIVES}/{by_person.json()['id']}", headers=bearer(first_token)), 404)
    # People (no app_id in their token) see every app's records of their tenant.
    everyone = await api.get(OBJECTIVES, headers=org.headers("exec"))
    assert {objective["id"], by_person.json()["id"]} <= {r["id"] for r in everyone.json()["data"]}


async def test_app_token_holds_only_the_application_permissions(api, org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    token = await exchange(api, (await create_key(api, org, app["id"]))["key"])
    assert (await api.get(OBJECTIVES, headers=bearer(token))).status_code == 200
    created = await api.post(
        OBJECTIVES,
        json={"title": "x", "period": "2026-Q1", "owner_id": org.people["alice"]},
        headers=bearer(token),
    )
    assert_problem(created, 403)
    assert_problem(await api.get(APPLICATIONS, headers=bearer(token)), 403)


async def test_new_permissions_apply_to_tokens_exchanged_after_a_patch(api, org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    secret = (await create_key(api, org, app["id"]))["key"]
    await api.patch(
        f"{APPLICATIONS}/{app['id']}", json={"permissions": ["view:learning"]}, headers=org.headers("exec")
    )
    token = await exchange(api, secret)
    assert decode(token)["permissions"] == ["view:learning"]
    assert_problem(await api.get(OBJECTIVES, headers=bearer(token)), 403)


async def test_revoked_key_is_401_and_revoking_is_idempotent(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    kept, revoked = await create_key(api, org, app["id"]), await create_key(api, org, app["id"])
    url = f"{APPLICATIONS}/{app['id']}/keys/{revoked['id']}"
    response = await api.delete(url, headers=org.headers("exec"))
    assert response.status_code == 204 and response.content == b""

    assert_problem(await api.post(TOKEN, headers={"Authorization": f"Bearer {revoked['key']}"}), 401)
    assert_problem(await api.post(TOKEN, json={"api_key": revoked["key"]}), 401)
    await exchange(api, kept["key"])  # the other key still works

    keys = {
        k["id"]: k
        for k in (await api.get(f"{APPLICATIONS}/{app['id']}/keys", headers=org.headers("exec"))).json()[
            "data"
        ]
    }
    assert keys[kept["id"]]["revoked_at"] is None and keys[revoked["id"]]["revoked_at"].endswith("Z")
    assert (await api.delete(url, headers=org.headers("exec"))).status_code == 204
    again = (await api.get(f"{APPLICATIONS}/{app['id']}/keys", headers=org.headers("exec"))).json()["data"]
    assert {k["id"]: k["revoked_at"] for k in again}[revoked["id"]] == keys[revoked["id"]]["revoked_at"]
    async with owner_db.acquire() as conn:
        assert (
            await conn.fetchval("SELECT count(*) FROM api_key_lookup WHERE key_id = $1", revoked["id"]) == 0
        )


async def test_a_key_is_revoked_only_through_its_own_application(api, org) -> None:  # type: ignore[no-untyped-def]
    first, second = await create_app(api, org, ["view:okr"]), await create_app(api, org, ["view:okr"])
    key = await create_key(api, org, first["id"])
    response = await api.delete(
        f"{APPLICATIONS}/{second['id']}/keys/{key['id']}", headers=org.headers("exec")
    )
    assert_problem(response, 404)
    assert_problem(
        await api.delete(
            f"{APPLICATIONS}/{first['id']}/keys/key_01JD3ZZZZZZZZZZZZZZZZZZZZZ", headers=org.headers("exec")
        ),
        404,
    )
    await exchange(api, key["key"])


async def test_deleting_an_application_revokes_its_keys_and_its_tokens(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    keys = [await create_key(api, org, app["id"]) for _ in range(2)]
    token = await exchange(api, keys[0]["key"])
    assert (await api.get(OBJECTIVES, headers=bearer(token))).status_code == 200

    assert (await api.delete(f"{APPLICATIONS}/{app['id']}", headers=org.headers("exec"))).status_code == 204
    assert_problem(await api.get(OBJECTIVES, headers=bearer(token)), 401)  # the token it already had
    for key in keys:
        assert_problem(await api.post(TOKEN, json={"api_key": key["key"]}), 401)
    async with owner_db.acquire() as conn:
        rows = await conn.fetch(
            "SELECT revoked_at FROM api_keys WHERE tenant_id = $1 AND app_id = $2", org.tenant_id, app["id"]
        )
        app_row = await conn.fetchrow(
            "SELECT is_deleted FROM applications WHERE tenant_id = $1 AND id = $2", org.tenant_id, app["id"]
        )
        lookups = await conn.fetchval(
            "SELECT count(*) FROM api_key_lookup WHERE key_id = ANY($1::text[])", [k["id"] for k in keys]
        )
    assert len(rows) == 2 and all(r["revoked_at"] is not None for r in rows)
    assert app_row["is_deleted"] is True and lookups == 0


async def test_key_of_an_application_deleted_behind_the_api_is_401(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    # Belt and braces: even with the key row and its lookup intact, a deleted application mints nothing.
    app = await create_app(api, org, ["view:okr"])
    key = await create_key(api, org, app["id"])
    await in_tenant(
        owner_db, org.tenant_id, [("UPDATE applications SET is_deleted = true WHERE id = $1", (app["id"],))]
    )
    assert_problem(await api.post(TOKEN, json={"api_key": key["key"]}), 401)


@pytest.mark.parametrize(
    "headers, body",
    [
        ({}, None),
        ({}, {}),
        ({"Authorization": "Bearer sk_" + "A" * 43}, None),  # well formed, unknown
        ({"Authorization": "Bearer not-a-key"}, None),
        ({"Authorization": "Basic c2tfYWJjOnh5eg=="}, None),
        ({}, {"api_key": ""}),
        ({}, {"api_key": "sk_" + "x" * 300}),  # longer than any key we issue
        ({}, {"api_key": "sk_unknown"}),
    ],
)
async def test_missing_or_unknown_key_is_401(api, headers, body) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(TOKEN, json=body, headers=headers)
    assert_problem(response, 401)
    sent = [v.split(" ", 1)[1] for v in headers.values()] + [v for v in (body or {}).values() if v]
    assert not any(value in response.text for value in sent)  # a problem never echoes the key it was sent


async def test_a_jwt_is_not_an_api_key(api, org) -> None:  # type: ignore[no-untyped-def]
    assert_problem(await api.post(TOKEN, headers=org.headers("exec")), 401)


@pytest.mark.parametrize(
    "body", [{"api_key": 5}, {"api_key": None}, {"key": "sk_x"}, ["sk_x"], {"api_key": "sk_" + "x" * 600}]
)
async def test_malformed_exchange_body_is_422(api, body) -> None:  # type: ignore[no-untyped-def]
    assert_problem(await api.post(TOKEN, json=body), 422)


async def test_exchange_body_must_be_json(api) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(
        TOKEN, content=b"api_key=sk_x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert_problem(response, 415)


async def test_an_idempotency_key_does_not_store_the_secret(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    response = await api.post(
        f"{APPLICATIONS}/{app['id']}/keys", headers={**org.headers("exec"), "Idempotency-Key": "new-key-1"}
    )
    assert response.status_code == 201, response.text
    secret = response.json()["key"].encode()
    async with owner_db.acquire() as conn:
        bodies = await conn.fetch(
            "SELECT response_body FROM idempotency_keys WHERE tenant_id = $1", org.tenant_id
        )
    assert not any(secret in bytes(row["response_body"] or b"") for row in bodies)
