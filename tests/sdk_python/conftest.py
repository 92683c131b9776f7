"""Fixtures of the Python SDK tests: `stride.Client`s for people of a fresh organisation on the live test
server, and stand-ins for the network (an httpx transport that records every attempt and may answer one
itself; a socket that never answers) — doubles of the network, never of the SDK or the server."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import stride

from tests.factories import Org

# Fast retries, so that retry tests do not wait on production backoff.
FAST: dict[str, Any] = {"retry_base_delay": 0.005, "retry_max_delay": 0.05}


def marker(prefix: str = "py") -> str:
    """A value unique to one test, to find its own records among the organisation's."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def problem(
    status: int, title: str, headers: dict[str, str] | None = None, slug: str = "unavailable"
) -> httpx.Response:
    return httpx.Response(
        status,
        headers={"content-type": "application/problem+json", **(headers or {})},
        content=json.dumps(
            {
                "type": f"https://stride.dev/problems/{slug}",
                "title": title,
                "status": status,
                "request_id": "req_test",
            }
        ),
    )


@dataclass
class Attempt:
    index: int
    request: httpx.Request

    @property
    def path(self) -> str:
        return self.request.url.path


Forward = Callable[[], httpx.Response]
Intercept = Callable[[Attempt, Forward], httpx.Response | None]


class RecordingTransport(httpx.BaseTransport):
    """The real network, recording every attempt; `intercept` may answer an attempt itself (after
    forwarding it or not), as a flaky proxy would."""

    def __init__(self, intercept: Intercept | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.intercept = intercept
        self.attempts: list[Attempt] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = Attempt(len(self.attempts), request)
        self.attempts.append(attempt)

        def forward() -> httpx.Response:
            response = self.inner.handle_request(request)
            response.read()
            return response

        answer = self.intercept(attempt, forward) if self.intercept else None
        return answer if answer is not None else forward()

    def header(self, name: str) -> list[str | None]:
        return [attempt.request.headers.get(name) for attempt in self.attempts]

    def close(self) -> None:
        self.inner.close()


AsyncIntercept = Callable[
    [Attempt, Callable[[], Awaitable[httpx.Response]]], Awaitable[httpx.Response | None]
]


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    def __init__(self, intercept: AsyncIntercept | None = None) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.intercept = intercept
        self.attempts: list[Attempt] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = Attempt(len(self.attempts), request)
        self.attempts.append(attempt)

        async def forward() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response

        answer = await self.intercept(attempt, forward) if self.intercept else None
        return answer if answer is not None else await forward()

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def client_for(server: str, org: Org) -> Iterator[Callable[..., stride.Client]]:
    """`client_for("alice", transport=…, **options)`: a sync client acting as a person of `org`."""
    made: list[stride.Client | httpx.Client] = []

    def make(
        person: str = "exec", *, transport: httpx.BaseTransport | None = None, **options: Any
    ) -> stride.Client:
        http = httpx.Client(transport=transport) if transport else None
        client = stride.Client(server, token=org.token(person), http_client=http, **{**FAST, **options})
        made.extend([client, *([http] if http else [])])
        return client

    yield make
    for closable in made:
        closable.close()


@pytest.fixture
def client(client_for: Callable[..., stride.Client]) -> stride.Client:
    """The executive's client (manage everything)."""
    return client_for("exec")


@pytest.fixture
def employee(client_for: Callable[..., stride.Client]) -> stride.Client:
    """Alice's client (an employee)."""
    return client_for("alice")


@pytest.fixture
def closed_port() -> int:
    """A local port nobody listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (every read times out)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
