"""GET /metrics behind STRIDE_METRICS_TOKEN (CONTRACT §6): "`GET /metrics` (Prometheus; when
`STRIDE_METRICS_TOKEN` is set, only with that bearer token)". A second `stride serve` runs with it set."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import TEST_SECRET, start_server, stop_server
from tests.core.test_malformed_input import assert_problem

METRICS_TOKEN = "metrics-" + secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def guarded(database_url: str) -> Iterator[str]:
    process, base = start_server(
        {
            "DATABASE_URL": database_url,
            "STRIDE_JWT_SECRET": TEST_SECRET,
            "STRIDE_LOG_LEVEL": "warning",
            "STRIDE_POOL_SIZE": "2",
            "STRIDE_METRICS_TOKEN": METRICS_TOKEN,
        }
    )
    try:
        yield base
    finally:
        stop_server(process)


def test_metrics_answer_the_configured_bearer_token(guarded: str) -> None:
    """§6: "when `STRIDE_METRICS_TOKEN` is set, only with that bearer token"."""
    httpx.get(guarded + "/api/v1/manifest", timeout=10)
    for scheme in ("Bearer", "bearer"):
        response = httpx.get(
            guarded + "/metrics", headers={"Authorization": f"{scheme} {METRICS_TOKEN}"}, timeout=10
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        assert (
            'stride_http_requests_total{method="GET",route="/api/v1/manifest",status="200"}' in response.text
        )


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer wrong",
        f"Bearer {METRICS_TOKEN}x",
        f"Bearer {METRICS_TOKEN[:-1]}",
        f"Basic {METRICS_TOKEN}",
        METRICS_TOKEN,
        b"Bearer \xe9",  # not ASCII
    ],
    ids=["none", "empty", "no-token", "wrong", "longer", "shorter", "basic", "no-scheme", "latin-1"],
)
def test_metrics_without_that_token_are_401_problem(guarded: str, authorization: str | bytes | None) -> None:
    """§6: "only with that bearer token"; §5: "401 | no/invalid token", as problem+json with a challenge."""
    headers = {} if authorization is None else {"Authorization": authorization}
    response = httpx.get(guarded + "/metrics", headers=headers, timeout=10)
    problem = assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "stride_http_requests_total" not in response.text
    assert METRICS_TOKEN not in problem["detail"]


def test_a_user_token_does_not_open_the_metrics(guarded: str, org) -> None:  # type: ignore[no-untyped-def]
    """§6: "only with that bearer token": a valid API token is not that token."""
    assert_problem(httpx.get(guarded + "/metrics", headers=org.headers("exec"), timeout=10), 401)
    assert (
        httpx.get(guarded + "/api/v1/okr/objectives", headers=org.headers("exec"), timeout=10).status_code
        == 200
    )


def test_metrics_are_public_when_no_token_is_set(server: str) -> None:
    """§6: the token guards /metrics only "when `STRIDE_METRICS_TOKEN` is set"."""
    response = httpx.get(server + "/metrics", timeout=10)
    assert response.status_code == 200
    assert "stride_http_requests_total" in response.text
