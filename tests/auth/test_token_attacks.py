"""JWT verification in HS256 mode (CONTRACT §1.1), attacked through HTTP on a Data API call: every
malformed, forged, expired or out-of-tenant token is a 401 problem with `WWW-Authenticate: Bearer`."""

from __future__ import annotations

import time

import jwt
import pytest

from tests.auth.support import (
    PROBE,
    assert_unauthorized,
    b64json,
    b64url,
    bearer,
    claims,
    hmac_sign,
    hmac_token,
    raw_token,
    secret,
)
from tests.factories import create_application, in_tenant


async def test_a_valid_token_passes(api, org) -> None:  # type: ignore[no-untyped-def]
    """The control: the attacks below fail for the reason they test, not for a broken setup."""
    response = await api.get(PROBE, headers=bearer(jwt.encode(claims(org), secret(), algorithm="HS256")))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer  x",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "bearer-abc",
        "Bearer garbage",
        "Bearer a.b.c",
        "Bearer ...",
        "Bearer " + "x" * 4000,
        "Bearer eyJhbGciOiJIUzI1NiJ9",
    ],
)
async def test_missing_or_garbage_authorization_is_401(api, authorization) -> None:  # type: ignore[no-untyped-def]
    headers = {} if authorization is None else {"Authorization": authorization}
    assert_unauthorized(await api.get(PROBE, headers=headers))


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_alg_none_is_401(api, org, alg) -> None:  # type: ignore[no-untyped-def]
    token = raw_token({"alg": alg, "typ": "JWT"}, claims(org), None)
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))
    assert_unauthorized(await api.get(PROBE, headers=bearer(token.rstrip("."))))


async def test_token_signed_with_another_secret_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    token = jwt.encode(claims(org), "not-the-secret-" + "x" * 32, algorithm="HS256")
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
async def test_another_hmac_algorithm_with_the_right_secret_is_401(api, org, alg) -> None:  # type: ignore[no-untyped-def]
    """The allow-list is fixed by configuration (HS256 here), whatever the token's header says."""
    token = hmac_token(claims(org), secret().encode(), alg)
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


async def test_header_claiming_hs256_over_another_mac_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    good = hmac_token(claims(org), secret().encode(), "HS512")
    _, payload, signature = good.split(".")
    forged = f"{b64json({'alg': 'HS256', 'typ': 'JWT'})}.{payload}.{signature}"
    assert_unauthorized(await api.get(PROBE, headers=bearer(forged)))


async def test_expired_token_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    now = int(time.time())
    token = jwt.encode(claims(org, iat=now - 7200, exp=now - 60), secret(), algorithm="HS256")
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


async def test_not_yet_valid_token_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    token = jwt.encode(claims(org, nbf=int(time.time()) + 600), secret(), algorithm="HS256")
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


async def test_token_issued_in_the_future_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    now = int(time.time())
    token = jwt.encode(claims(org, iat=now + 600, exp=now + 1200), secret(), algorithm="HS256")
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


@pytest.mark.parametrize(
    "change",
    [
        {"sub": "exec"},  # become someone else
        {"permissions": ["manage:platform"]},  # grant oneself a permission
        {"exp": 4102444800},  # live forever
        {"tenant_id": "another-tenant"},  # hop tenants
    ],
)
async def test_tampered_payload_with_the_original_signature_is_401(api, org, change) -> None:  # type: ignore[no-untyped-def]
    original = jwt.encode(claims(org, "alice"), secret(), algorithm="HS256")
    header, _, signature = original.split(".")
    payload = claims(org, "alice")
    payload.update({k: (org.people[v] if k == "sub" else v) for k, v in change.items()})
    tampered = f"{header}.{b64json(payload)}.{signature}"
    assert_unauthorized(await api.get(PROBE, headers=bearer(tampered)))


async def test_truncated_or_stripped_signature_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    token = jwt.encode(claims(org), secret(), algorithm="HS256")
    header, payload, signature = token.split(".")
    for broken in (
        f"{header}.{payload}.",
        f"{header}.{payload}",
        f"{header}.{payload}.{signature[:-4]}",
        f"{header}.{payload}.{b64url(b'x' * 32)}",
    ):
        assert_unauthorized(await api.get(PROBE, headers=bearer(broken)))


@pytest.mark.parametrize("claim", ["sub", "tenant_id", "exp", "iat"])
async def test_missing_required_claim_is_401(api, org, claim) -> None:  # type: ignore[no-untyped-def]
    payload = claims(org)
    del payload[claim]
    assert_unauthorized(
        await api.get(PROBE, headers=bearer(jwt.encode(payload, secret(), algorithm="HS256")))
    )


@pytest.mark.parametrize(
    "change",
    [
        {"sub": ""},
        {"tenant_id": ""},
        {"sub": 42},
        {"tenant_id": ["t"]},
        {"app_id": 7},
        {"permissions": "manage:platform"},
        {"permissions": [1, 2]},
        {"exp": "tomorrow"},
    ],
)
async def test_claims_of_the_wrong_type_are_401(api, org, change) -> None:  # type: ignore[no-untyped-def]
    payload = {**claims(org), **change}
    token = hmac_token(payload, secret().encode())  # by hand: PyJWT refuses to encode some of these
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


@pytest.mark.parametrize("payload", [b"[1,2]", b"null", b'"sub"', b"\xff\xfe", b"{"])
async def test_payload_that_is_not_a_json_object_is_401(api, payload) -> None:  # type: ignore[no-untyped-def]
    signing_input = f"{b64json({'alg': 'HS256', 'typ': 'JWT'})}.{b64url(payload)}"
    token = f"{signing_input}.{b64url(hmac_sign(signing_input.encode(), secret().encode()))}"
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


async def test_person_of_another_tenant_is_401(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    # A correctly signed token naming the tenant of one organisation and a person of the other.
    stranger = jwt.encode(claims(org, sub=other_org.people["exec"]), secret(), algorithm="HS256")
    assert_unauthorized(await api.get(PROBE, headers=bearer(stranger)))
    assert_unauthorized(await api.get("/api/v1/platform/applications", headers=bearer(stranger)))


async def test_unknown_person_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    token = jwt.encode(claims(org, sub="usr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"), secret(), algorithm="HS256")
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


async def test_inactive_person_is_401(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    token = org.token("bob")
    assert (await api.get(PROBE, headers=bearer(token))).status_code == 200
    await in_tenant(
        owner_db,
        org.tenant_id,
        [("UPDATE people SET status = 'inactive' WHERE id = $1", (org.people["bob"],))],
    )
    assert_unauthorized(await api.get(PROBE, headers=bearer(token)))


async def test_application_token_must_name_a_live_application_of_the_tenant(
    api, org, other_org, owner_db
) -> None:  # type: ignore[no-untyped-def]
    app_id = await create_application(owner_db, org, ["view:okr"])
    good = claims(org, sub=app_id, app_id=app_id, permissions=["view:okr"])
    assert (
        await api.get(PROBE, headers=bearer(jwt.encode(good, secret(), algorithm="HS256")))
    ).status_code == 200
    for bad in (
        {**good, "app_id": None},  # sub app_… without app_id
        {**good, "app_id": "app_01JD3ZZZZZZZZZZZZZZZZZZZZZ"},  # app_id differs from sub
        {**good, "sub": "app_01JD3ZZZZZZZZZZZZZZZZZZZZZ", "app_id": "app_01JD3ZZZZZZZZZZZZZZZZZZZZZ"},
        {**good, "tenant_id": other_org.tenant_id},  # the app of another tenant
    ):
        payload = {k: v for k, v in bad.items() if v is not None}
        assert_unauthorized(
            await api.get(PROBE, headers=bearer(jwt.encode(payload, secret(), algorithm="HS256")))
        )
