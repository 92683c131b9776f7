"""Responses that carry a token or a secret are never cached nor stored (CONTRACT §6): "Responses that
carry a token or secret send `Cache-Control: no-store`." The finding: the explorer's demo-token
response lacked it, so an `Idempotency-Key` stored the token in the idempotency table."""

from __future__ import annotations

from types import SimpleNamespace

import httpx

from tests.platform.support import APPLICATIONS, TOKEN, create_app, create_key


async def test_the_demo_token_is_no_store_and_never_kept_for_idempotency(
    api, org, owner_db, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from stride_server.app import create_app as create_server
    from stride_server.db.engine import create_engine
    from stride_server.explorer import router as explorer

    # This test's organisation stands in for the `demo` tenant of an embedded installation.
    monkeypatch.setattr(explorer, "DEMO_TENANT", org.tenant_id)
    monkeypatch.setattr(explorer, "get_settings", lambda: SimpleNamespace(is_embedded=True))
    app = create_server()
    app.state.engine = create_engine(pool_size=2)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://explorer"
        ) as client:
            headers = {**org.headers("exec"), "Idempotency-Key": "demo-token-1"}
            minted = await client.post(
                "/api/v1/explorer/demo-token", json={"person_id": org.people["alice"]}, headers=headers
            )
            assert minted.status_code == 200, minted.text
            assert minted.headers["cache-control"] == "no-store"
            token = minted.json()["token"].encode()
            again = await client.post(
                "/api/v1/explorer/demo-token", json={"person_id": org.people["alice"]}, headers=headers
            )
            assert again.status_code == 200 and "idempotent-replayed" not in again.headers
    finally:
        await app.state.engine.dispose()
    async with owner_db.acquire() as conn:
        stored = await conn.fetch(
            "SELECT response_body FROM idempotency_keys WHERE tenant_id = $1", org.tenant_id
        )
    assert not any(token in bytes(row["response_body"] or b"") for row in stored)


async def test_every_secret_bearing_response_is_no_store(api, org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    key = await api.post(f"{APPLICATIONS}/{app['id']}/keys", headers=org.headers("exec"))
    assert key.headers["cache-control"] == "no-store"
    exchanged = await api.post(TOKEN, json={"api_key": (await create_key(api, org, app["id"]))["key"]})
    assert exchanged.headers["cache-control"] == "no-store"
