"""`iss` and `aud` are checked when configured (CONTRACT §1.1, §7): a server started with
STRIDE_JWT_ISSUER and STRIDE_JWT_AUDIENCE refuses tokens of another issuer or audience, and the
tokens it mints itself (the API-key exchange) carry both."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import jwt
import pytest

from tests.auth.support import PROBE, assert_unauthorized, bearer, claims, secret
from tests.conftest import start_server, stop_server

ISSUER = "https://issuer.stride.test"
AUDIENCE = "stride-api"


@pytest.fixture(scope="module")
def checked_server(database_url: str) -> Iterator[str]:
    process, base = start_server(
        {
            "DATABASE_URL": database_url,
            "STRIDE_JWT_ISSUER": ISSUER,
            "STRIDE_JWT_AUDIENCE": AUDIENCE,
            "STRIDE_LOG_LEVEL": "warning",
            "STRIDE_POOL_SIZE": "2",
        }
    )
    try:
        yield base
    finally:
        stop_server(process)


def _token(org, **overrides) -> str:  # type: ignore[no-untyped-def]
    return jwt.encode(
        claims(org, **{"iss": ISSUER, "aud": AUDIENCE, **overrides}), secret(), algorithm="HS256"
    )


async def test_matching_issuer_and_audience_pass(checked_server, org) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=checked_server) as client:
        assert (await client.get(PROBE, headers=bearer(_token(org)))).status_code == 200
        listed_audience = _token(org, aud=["another-api", AUDIENCE])
        assert (await client.get(PROBE, headers=bearer(listed_audience))).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "https://evil.test"},
        {"iss": ISSUER + "/"},
        {"iss": None},
        {"aud": "another-api"},
        {"aud": ["another-api"]},
        {"aud": None},
    ],
)
async def test_wrong_or_missing_issuer_or_audience_is_401(checked_server, org, overrides) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=checked_server) as client:
        assert_unauthorized(await client.get(PROBE, headers=bearer(_token(org, **overrides))))


async def test_unconfigured_server_ignores_iss_and_aud(api, org) -> None:  # type: ignore[no-untyped-def]
    token = _token(org, iss="https://anyone.test", aud="anything")
    assert (await api.get(PROBE, headers=bearer(token))).status_code == 200


async def test_exchanged_token_carries_issuer_and_audience(checked_server, org) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=checked_server) as client:
        admin = bearer(_token(org))
        app = (
            await client.post(
                "/api/v1/platform/applications",
                json={"name": "i", "permissions": ["view:okr"]},
                headers=admin,
            )
        ).json()
        key = (await client.post(f"/api/v1/platform/applications/{app['id']}/keys", headers=admin)).json()[
            "key"
        ]
        response = await client.post("/api/v1/auth/token", json={"api_key": key})
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        decoded = jwt.decode(token, secret(), algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
        assert decoded["sub"] == app["id"]
        assert (await client.get(PROBE, headers=bearer(token))).status_code == 200
