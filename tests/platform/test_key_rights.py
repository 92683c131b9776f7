"""Who may mint, list and revoke an application's keys, and how long a revoked key's token lives
(CONTRACT §1.2): "A caller may create, list or revoke keys only of applications whose permissions it
holds itself (the rule that already guards granting permissions), else 403. Revoking a key, or
deleting or disabling its application, stops every token minted from it within 60 s (401)."""

from __future__ import annotations

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

REVIEWS = "/api/performance/reviews"
OBJECTIVES = "/api/v1/okr/objectives"


async def test_a_platform_only_application_cannot_mint_a_key_of_a_stronger_one(api, org) -> None:  # type: ignore[no-untyped-def]
    """The attack: an app with only manage:platform created a key for a more privileged app, exchanged
    it and read every review."""
    admin = await create_app(api, org, ["manage:platform"], name="Platform admin")
    strong = await create_app(api, org, ["manage:performance", "view:okr"], name="HR sync")
    kept = await create_key(api, org, strong["id"])
    headers = org.app_headers(admin["id"], ["manage:platform"])

    minted = await api.post(f"{APPLICATIONS}/{strong['id']}/keys", headers=headers)
    problem = assert_problem(minted, 403)
    assert "manage:performance" in problem["detail"] and "sk_" not in minted.text
    assert_problem(await api.get(f"{APPLICATIONS}/{strong['id']}/keys", headers=headers), 403)
    assert_problem(await api.delete(f"{APPLICATIONS}/{strong['id']}/keys/{kept['id']}", headers=headers), 403)
    # The strong application's key still works: the refused revocation changed nothing.
    assert (await api.get(REVIEWS, headers=bearer(await exchange(api, kept["key"])))).status_code == 200

    # Keys of an application within its own rights stay its to manage.
    weak = await create_app(api, org, ["view:platform"], name="Reader")
    own = await api.post(f"{APPLICATIONS}/{weak['id']}/keys", headers=headers)
    assert own.status_code == 201, own.text
    assert (await api.get(f"{APPLICATIONS}/{weak['id']}/keys", headers=headers)).status_code == 200
    revoked = await api.delete(f"{APPLICATIONS}/{weak['id']}/keys/{own.json()['id']}", headers=headers)
    assert revoked.status_code == 204


async def test_a_person_with_manage_platform_alone_cannot_mint_a_stronger_key(api, org) -> None:  # type: ignore[no-untyped-def]
    strong = await create_app(api, org, ["manage:directory"])
    narrow = org.headers("exec", permissions=["manage:platform"])
    assert_problem(await api.post(f"{APPLICATIONS}/{strong['id']}/keys", headers=narrow), 403)
    assert_problem(await api.get(f"{APPLICATIONS}/{strong['id']}/keys", headers=narrow), 403)
    # The executive with every default permission may.
    assert (
        await api.post(f"{APPLICATIONS}/{strong['id']}/keys", headers=org.headers("exec"))
    ).status_code == 201


async def test_another_tenants_application_stays_404_not_403(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    theirs = await create_app(api, other_org, ["manage:performance"])
    narrow = org.headers("exec", permissions=["manage:platform"])
    assert_problem(await api.post(f"{APPLICATIONS}/{theirs['id']}/keys", headers=narrow), 404)


async def test_a_token_of_a_revoked_key_stops_at_once(api, org) -> None:  # type: ignore[no-untyped-def]
    """Before: a JWT minted from a revoked key kept working until it expired (an hour)."""
    app = await create_app(api, org, ["view:okr"])
    first, second = await create_key(api, org, app["id"]), await create_key(api, org, app["id"])
    token, other = await exchange(api, first["key"]), await exchange(api, second["key"])
    assert decode(token)["key_id"] == first["id"]
    assert (await api.get(OBJECTIVES, headers=bearer(token))).status_code == 200

    url = f"{APPLICATIONS}/{app['id']}/keys/{first['id']}"
    assert (await api.delete(url, headers=org.headers("exec"))).status_code == 204
    assert_problem(await api.get(OBJECTIVES, headers=bearer(token)), 401)
    assert_problem(await api.post(TOKEN, json={"api_key": first["key"]}), 401)
    # Only that key's tokens: the application's other key and its token are untouched.
    assert (await api.get(OBJECTIVES, headers=bearer(other))).status_code == 200


async def test_a_token_naming_a_key_of_another_application_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    """A `key_id` claim must name a live key of the token's own application."""
    from stride_server.auth.tokens import mint

    first, second = await create_app(api, org, ["view:okr"]), await create_app(api, org, ["view:okr"])
    key = await create_key(api, org, second["id"])
    forged = mint(
        org.tenant_id, first["id"], app_id=first["id"], permissions=["view:okr"], extra={"key_id": key["id"]}
    )
    assert_problem(await api.get(OBJECTIVES, headers=bearer(forged)), 401)
    for bad in (5, ["key"], {"id": key["id"]}):
        odd = mint(
            org.tenant_id, first["id"], app_id=first["id"], permissions=["view:okr"], extra={"key_id": bad}
        )
        assert_problem(await api.get(OBJECTIVES, headers=bearer(odd)), 401)
