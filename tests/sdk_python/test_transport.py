"""The request machinery against the live server: retries that reuse one Idempotency-Key, backoff that
honours Retry-After, network errors and timeouts, and API-key login with token renewal."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
import stride

from tests.sdk_python.conftest import FAST, Attempt, Forward, RecordingTransport, marker, problem

TOKEN_PATH = "/api/v1/auth/token"


def test_a_post_whose_answer_was_lost_is_retried_with_the_same_key_and_creates_one_record(
    client_for: Callable[..., stride.Client], client: stride.Client
) -> None:
    category = marker("idem")
    first_created: dict[str, object] = {}

    def lose_first_answer(attempt: Attempt, forward: Forward) -> httpx.Response | None:
        if attempt.request.method != "POST" or attempt.index != 0:
            return None
        first_created.update(forward().json())  # the server creates the goal, but its answer is lost
        return problem(503, "Service Unavailable", {"Retry-After": "0"})

    network = RecordingTransport(lose_first_answer)
    goal = client_for(transport=network).performance.goals.create(title="Exactly once", category=category)

    keys = network.header("idempotency-key")
    assert len(keys) == 2 and keys[0], "the POST carried an Idempotency-Key"
    assert keys[0] == keys[1], "both attempts carried the same key"
    assert goal.id == first_created["id"], "the retry got the first attempt's record back"
    assert [g.id for g in client.performance.goals.list(category=category)] == [goal.id], "one record only"


def test_each_call_gets_its_own_key_and_a_callers_key_is_used_as_given(
    client_for: Callable[..., stride.Client],
) -> None:
    network = RecordingTransport()
    spied = client_for(transport=network)
    spied.performance.goals.create(title="Key one")
    spied.performance.goals.create(title="Key two")
    mine = "my-key-" + marker()
    spied.performance.goals.create(title="Key three", request_options={"idempotency_key": mine})
    spied.performance.goals.list(limit=1)
    keys = network.header("idempotency-key")
    assert len(set(keys[:3])) == 3 and len(keys[0] or "") == 36 and keys[2] == mine
    assert keys[3] is None, "GETs carry none"


def test_503_and_429_are_retried_up_to_max_retries_then_raised(
    client_for: Callable[..., stride.Client],
) -> None:
    unavailable = RecordingTransport(
        lambda attempt, forward: problem(503, "Service Unavailable", {"Retry-After": "0"})
    )
    with pytest.raises(stride.ServiceUnavailableError) as raised:
        client_for(transport=unavailable, max_retries=3).okr.objectives.list()
    assert (raised.value.status, raised.value.request_id) == (503, "req_test")
    assert len(unavailable.attempts) == 4

    limited = RecordingTransport(
        lambda attempt, forward: (
            problem(429, "Too Many Requests", {"Retry-After": "0"}) if attempt.index < 2 else None
        )
    )
    page = client_for(transport=limited).okr.objectives.list(limit=1)
    assert isinstance(page.data, list) and len(limited.attempts) == 3

    never = RecordingTransport(lambda attempt, forward: problem(429, "Too Many Requests"))
    with pytest.raises(stride.RateLimitError):
        client_for(transport=never, max_retries=0).okr.objectives.list()
    assert len(never.attempts) == 1


def test_an_idempotency_key_still_in_flight_is_retried(client_for: Callable[..., stride.Client]) -> None:
    in_flight = RecordingTransport(
        lambda attempt, forward: (
            problem(409, "Conflict", slug="idempotency-in-flight") if attempt.index == 0 else None
        )
    )
    goal = client_for(transport=in_flight).performance.goals.create(title="Patient")
    assert goal.title == "Patient" and len(in_flight.attempts) == 2


def test_network_errors_are_retried_then_raised_as_network_error(
    client_for: Callable[..., stride.Client], closed_port: int, org
) -> None:  # type: ignore[no-untyped-def]
    def refuse_once(attempt: Attempt, forward: Forward) -> httpx.Response | None:
        if attempt.index == 0:
            raise httpx.ConnectError("connection refused", request=attempt.request)
        return None

    flaky = RecordingTransport(refuse_once)
    assert isinstance(client_for(transport=flaky).learning.cohorts.list(limit=1).data, list)
    assert len(flaky.attempts) == 2

    with stride.Client(
        f"http://127.0.0.1:{closed_port}", token=org.token("exec"), max_retries=1, **FAST
    ) as down:
        with pytest.raises(stride.NetworkError) as raised:
            down.learning.cohorts.list()
    assert raised.value.status is None


def test_an_attempt_over_the_timeout_is_a_request_timeout_error(silent_server: str) -> None:
    with stride.Client(silent_server, token="t", timeout=0.2, max_retries=1, **FAST) as client:
        with pytest.raises(stride.RequestTimeoutError) as raised:
            client.performance.goals.list()
    assert isinstance(raised.value, stride.NetworkError) and isinstance(raised.value, TimeoutError)


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    assert stride.parse_retry_after("2") == 2.0
    assert stride.parse_retry_after("0") == 0.0
    assert stride.parse_retry_after(None) is None
    assert stride.parse_retry_after("soon") is None
    now = 1767225600.0  # 2026-01-01T00:00:00Z
    assert stride.parse_retry_after("Thu, 01 Jan 2026 00:00:05 GMT", now) == 5.0


# --- API-key login ------------------------------------------------------------------------------
def _application_key(
    client: stride.Client, permissions: list[str]
) -> tuple[stride.models.Application, stride.models.ApiKeyCreated]:
    application = client.platform.applications.create(name=marker("integration"), permissions=permissions)  # type: ignore[typeddict-item]
    assert application.id.startswith("app_")
    key = client.platform.applications.keys.create(application.id)
    assert key.key.startswith("sk_")
    return application, key


def test_an_api_key_is_exchanged_once_for_a_token_that_many_calls_use(
    server: str, client: stride.Client
) -> None:
    application, key = _application_key(client, ["view:okr", "update:okr"])
    network = RecordingTransport()
    with (
        httpx.Client(transport=network) as http,
        stride.Client(server, api_key=key.key, http_client=http) as app,
    ):
        objective = app.okr.objectives.create(title="Synced from the integration", period="2026-Q2")
        assert objective.app_id == application.id, "writes are stamped with the app"
        listed = list(app.okr.objectives.list())
        assert listed and all(o.app_id == application.id for o in listed), "an app sees only its own rows"

    exchanges = [a for a in network.attempts if a.path == TOKEN_PATH]
    assert len(exchanges) == 1, "one exchange serves many calls while the token is fresh"
    assert exchanges[0].request.headers["authorization"] == f"Bearer {key.key}"
    assert "idempotency-key" not in exchanges[0].request.headers
    api_call = next(a for a in network.attempts if a.path.startswith("/api/v1/okr/"))
    assert api_call.request.headers["authorization"] != f"Bearer {key.key}", "API calls use the JWT"


def test_the_token_is_renewed_before_it_expires_and_once_on_a_401(server: str, client: stride.Client) -> None:
    _application, key = _application_key(client, ["view:okr"])

    def short_lived(attempt: Attempt, forward: Forward) -> httpx.Response | None:
        if attempt.path != TOKEN_PATH:
            return None
        token = forward().json()
        return httpx.Response(200, json={**token, "expires_in": 0})  # already due for renewal

    expiring = RecordingTransport(short_lived)
    with (
        httpx.Client(transport=expiring) as http,
        stride.Client(server, api_key=key.key, http_client=http) as app,
    ):
        app.okr.objectives.list()
        app.okr.objectives.list()
    assert [a.path for a in expiring.attempts].count(TOKEN_PATH) == 2, "an expiring token is renewed first"

    def refuse_once(attempt: Attempt, forward: Forward) -> httpx.Response | None:
        if attempt.index != 1:
            return None
        forward()
        return httpx.Response(
            401,
            headers={"content-type": "application/problem+json"},
            content=json.dumps({"type": "x", "title": "Unauthorized", "status": 401}),
        )

    steady = RecordingTransport(refuse_once)
    with (
        httpx.Client(transport=steady) as http,
        stride.Client(server, api_key=key.key, http_client=http) as app,
    ):
        assert isinstance(app.okr.objectives.list().data, list)
    assert [a.path for a in steady.attempts] == [TOKEN_PATH, "/api/v1/okr/objectives"] * 2


def test_a_revoked_key_is_an_authentication_error(server: str, client: stride.Client) -> None:
    application, key = _application_key(client, ["view:okr"])
    assert [k.id for k in client.platform.applications.keys.list(application.id)] == [key.id]
    client.platform.applications.keys.revoke(application.id, key.id)
    with (
        stride.Client(server, api_key=key.key, **FAST) as app,
        pytest.raises(stride.AuthenticationError) as raised,
    ):
        app.okr.objectives.list()
    assert raised.value.status == 401


def test_a_client_takes_a_token_or_an_api_key_not_both(server: str) -> None:
    with pytest.raises(ValueError, match="not both"):
        stride.Client(server, token="a", api_key="sk_b")
    with pytest.raises(ValueError, match="base_url"):
        stride.Client("", token="a")
