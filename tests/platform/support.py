"""Helpers of the platform tests: applications, keys and the exchange, through HTTP."""

from __future__ import annotations

import os
from typing import Any

import httpx
import jwt

from tests.factories import Org

APPLICATIONS = "/api/v1/platform/applications"
TOKEN = "/api/v1/auth/token"


async def create_app(
    api: httpx.AsyncClient, org: Org, permissions: list[str], *, name: str = "Integration", who: str = "exec"
) -> dict[str, Any]:
    response = await api.post(
        APPLICATIONS, json={"name": name, "permissions": permissions}, headers=org.headers(who)
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def create_key(api: httpx.AsyncClient, org: Org, app_id: str) -> dict[str, Any]:
    response = await api.post(f"{APPLICATIONS}/{app_id}/keys", headers=org.headers("exec"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def exchange(api: httpx.AsyncClient, key: str) -> str:
    response = await api.post(TOKEN, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def decode(token: str) -> dict[str, Any]:
    """The claims of a token the test server minted (it signs with the run's STRIDE_JWT_SECRET)."""
    return jwt.decode(token, os.environ["STRIDE_JWT_SECRET"], algorithms=["HS256"])


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status and problem["type"].startswith("https://stride.dev/problems/")
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    return problem
