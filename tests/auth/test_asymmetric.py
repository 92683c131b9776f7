"""RS256/ES256 verification (CONTRACT §1.1, §7): by a configured public key (STRIDE_JWT_PUBLIC_KEY)
and by a JWKS URL (STRIDE_JWKS_URL). Only the configured algorithms pass: an HS256 token keyed with
the public key (algorithm confusion), a token of another key or `alg: none` is 401. The API-key
exchange, which needs a signing secret, answers a clear 400 in these modes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.auth.support import (
    PROBE,
    assert_unauthorized,
    bearer,
    claims,
    ec_key,
    hmac_sign,
    hmac_token,
    private_pem,
    public_pem,
    raw_token,
    rsa_key,
    secret,
    serve_json,
)
from tests.conftest import start_server, stop_server
from tests.platform.support import create_app, create_key

RSA_KEY, OTHER_RSA_KEY, EC_KEY = rsa_key(), rsa_key(), ec_key()


def _server(database_url: str, **env: str) -> tuple[Any, str]:
    return start_server(
        {"DATABASE_URL": database_url, "STRIDE_LOG_LEVEL": "warning", "STRIDE_POOL_SIZE": "2", **env}
    )


@pytest.fixture(scope="module")
def pem_server(database_url: str) -> Iterator[str]:
    process, base = _server(database_url, STRIDE_JWT_PUBLIC_KEY=public_pem(RSA_KEY))
    try:
        yield base
    finally:
        stop_server(process)


def _jwk(key: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = RSAAlgorithm if alg == "RS256" else ECAlgorithm
    jwk: dict[str, Any] = algorithm.to_jwk(key.public_key(), as_dict=True)  # type: ignore[attr-defined]
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


@pytest.fixture(scope="module")
def jwks_server(database_url: str) -> Iterator[str]:
    document = {"keys": [_jwk(RSA_KEY, "rsa-1", "RS256"), _jwk(EC_KEY, "ec-1", "ES256")]}
    with serve_json(document) as url:
        process, base = _server(database_url, STRIDE_JWKS_URL=url)
        try:
            yield base
        finally:
            stop_server(process)


def _signed(payload: dict[str, Any], key: Any, alg: str = "RS256", kid: str | None = None) -> str:
    headers = {"kid": kid} if kid else None
    return jwt.encode(payload, private_pem(key), algorithm=alg, headers=headers)


async def _get(base: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base) as client:
        return await client.get(PROBE, headers=bearer(token))


# --- a configured public key ----------------------------------------------------------------------


async def test_public_key_mode_accepts_a_properly_signed_rs256_token(pem_server, org) -> None:  # type: ignore[no-untyped-def]
    response = await _get(pem_server, _signed(claims(org), RSA_KEY))
    assert response.status_code == 200, response.text


async def test_public_key_mode_applies_default_permissions_and_tenant(pem_server, org) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=pem_server) as client:
        denied = await client.get(
            "/api/v1/platform/applications", headers=bearer(_signed(claims(org, "alice"), RSA_KEY))
        )
        assert denied.status_code == 403
        allowed = await client.get(
            "/api/v1/platform/applications", headers=bearer(_signed(claims(org), RSA_KEY))
        )
        assert allowed.status_code == 200


async def test_hs256_token_keyed_with_the_public_key_is_401(pem_server, org) -> None:  # type: ignore[no-untyped-def]
    """Algorithm confusion: the public key is public, so an HMAC keyed with it proves nothing."""
    pem = public_pem(RSA_KEY)
    for key in (pem.encode(), pem.strip().encode()):
        assert_unauthorized(await _get(pem_server, hmac_token(claims(org), key)))


async def test_public_key_mode_refuses_the_hs256_secret_too(pem_server, org) -> None:  # type: ignore[no-untyped-def]
    assert_unauthorized(await _get(pem_server, jwt.encode(claims(org), secret(), algorithm="HS256")))


async def test_rs256_token_of_another_key_is_401(pem_server, org) -> None:  # type: ignore[no-untyped-def]
    assert_unauthorized(await _get(pem_server, _signed(claims(org), OTHER_RSA_KEY)))


async def test_public_key_mode_refuses_alg_none_and_expired_tokens(pem_server, org) -> None:  # type: ignore[no-untyped-def]
    assert_unauthorized(await _get(pem_server, raw_token({"alg": "none", "typ": "JWT"}, claims(org), None)))
    assert_unauthorized(
        await _get(pem_server, _signed(claims(org, exp=1_600_000_000, iat=1_599_990_000), RSA_KEY))
    )


async def test_token_exchange_is_400_without_an_hs256_secret(pem_server, api, org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])  # a real key, made on the HS256 server
    key = (await create_key(api, org, app["id"]))["key"]
    async with httpx.AsyncClient(base_url=pem_server) as client:
        for request in ({"json": {"api_key": key}}, {"headers": {"Authorization": f"Bearer {key}"}}):
            response = await client.post("/api/v1/auth/token", **request)  # type: ignore[arg-type]
            assert response.status_code == 400, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert "HS256" in response.json()["detail"]


# --- a JWKS URL -----------------------------------------------------------------------------------


async def test_jwks_mode_accepts_rs256_and_es256_tokens_of_listed_keys(jwks_server, org) -> None:  # type: ignore[no-untyped-def]
    assert (await _get(jwks_server, _signed(claims(org), RSA_KEY, kid="rsa-1"))).status_code == 200
    assert (await _get(jwks_server, _signed(claims(org), EC_KEY, "ES256", kid="ec-1"))).status_code == 200


@pytest.mark.parametrize(
    "case",
    [
        "no kid",
        "unknown kid",
        "other key under a listed kid",
        "key of another kid",
        "hs256 keyed with the jwk",
        "hs256 secret",
        "alg none",
    ],
)
async def test_jwks_mode_refuses_forged_tokens(jwks_server, org, case) -> None:  # type: ignore[no-untyped-def]
    payload = claims(org)
    token = {
        "no kid": lambda: _signed(payload, RSA_KEY),
        "unknown kid": lambda: _signed(payload, RSA_KEY, kid="rsa-2"),
        "other key under a listed kid": lambda: _signed(payload, OTHER_RSA_KEY, kid="rsa-1"),
        "key of another kid": lambda: _signed(payload, RSA_KEY, kid="ec-1"),
        "hs256 keyed with the jwk": lambda: raw_token(
            {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"},
            payload,
            lambda data: hmac_sign(data, public_pem(RSA_KEY).encode()),
        ),
        "hs256 secret": lambda: jwt.encode(payload, secret(), algorithm="HS256", headers={"kid": "rsa-1"}),
        "alg none": lambda: raw_token({"alg": "none", "typ": "JWT", "kid": "rsa-1"}, payload, None),
    }[case]()
    assert_unauthorized(await _get(jwks_server, token))


async def test_jwks_mode_token_exchange_is_400(jwks_server) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=jwks_server) as client:
        response = await client.post("/api/v1/auth/token", json={"api_key": "sk_" + "A" * 43})
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
