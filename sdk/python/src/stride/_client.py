"""The Stride clients: one transport (auth, retries, errors) shared by namespaces shaped like the seeds,
`client.performance.goals`, `client.okr.key_results`, `client.learning.assessments`, `client.reviews.…`,
plus `client.platform.…` and `client.events`."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from stride._request import Settings, call, normalise_base_url
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions
from stride.resources._generated_data import (
    AsyncLearning,
    AsyncOkr,
    AsyncPerformance,
    Learning,
    Okr,
    Performance,
)
from stride.resources.events import AsyncEvents, Events
from stride.resources.platform import AsyncPlatform, Platform
from stride.resources.reviews import AsyncPerformanceReviews, PerformanceReviews

__all__ = ["AsyncClient", "Client"]


def _settings(base_url: str, token: str | None, api_key: str | None, max_retries: int, timeout: float,
              retry_base_delay: float, retry_max_delay: float, default_headers: Mapping[str, str] | None) -> Settings:
    if token and api_key:
        raise ValueError("Client: pass either token or api_key, not both")
    return Settings(base_url=normalise_base_url(base_url), token=token, api_key=api_key, max_retries=max_retries,
                    timeout=timeout, retry_base_delay=retry_base_delay, retry_max_delay=retry_max_delay,
                    default_headers=dict(default_headers or {}))


class Client:
    """A synchronous Stride client.

    `Client(base_url, token=...)` with a Stride JWT, or `Client(base_url, api_key="sk_…")` for an
    integration: the key is exchanged for a token at POST /api/v1/auth/token and renewed before it
    expires (and once on a 401). 429/503 answers, network errors and timeouts are retried `max_retries`
    times with exponential backoff and jitter, honouring Retry-After; every attempt of a POST carries the
    same Idempotency-Key. Errors are `stride.StrideError` subclasses, one per status.
    """

    def __init__(self, base_url: str, *, token: str | None = None, api_key: str | None = None,
                 max_retries: int = 2, timeout: float = 30.0, retry_base_delay: float = 0.5,
                 retry_max_delay: float = 30.0, default_headers: Mapping[str, str] | None = None,
                 http_client: httpx.Client | None = None) -> None:
        settings = _settings(base_url, token, api_key, max_retries, timeout, retry_base_delay, retry_max_delay,
                             default_headers)
        self._transport = SyncTransport(settings, http_client)
        self.performance = Performance(self._transport)
        """Personal goals and learning records (seed 000)."""
        self.okr = Okr(self._transport)
        """Objectives and key results (seed 002)."""
        self.learning = Learning(self._transport)
        """Cohorts and assessments (seed 003)."""
        self.reviews = PerformanceReviews(self._transport)
        """The Performance reviews API under /api/performance (seed 001)."""
        self.platform = Platform(self._transport)
        """Applications and API keys, webhook endpoints, reminders."""
        self.events = Events(self._transport)
        """The tenant's events, oldest first (CONTRACT §8.1)."""

    @property
    def base_url(self) -> str:
        return self._transport.settings.base_url

    def request(self, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None,
                request_options: RequestOptions | None = None) -> Any:
        """Any other endpoint, with the same authentication, retries and typed errors; returns the JSON."""
        return self._transport.request(call(method.upper(), path, query=query, body=body, options=request_options))

    def close(self) -> None:
        """Close the HTTP connections (unless the httpx client was passed in)."""
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class AsyncClient:
    """The asyncio Stride client: the same namespaces as `Client`, with `await` (and `async for` over
    lists), on an `httpx.AsyncClient`."""

    def __init__(self, base_url: str, *, token: str | None = None, api_key: str | None = None,
                 max_retries: int = 2, timeout: float = 30.0, retry_base_delay: float = 0.5,
                 retry_max_delay: float = 30.0, default_headers: Mapping[str, str] | None = None,
                 http_client: httpx.AsyncClient | None = None) -> None:
        settings = _settings(base_url, token, api_key, max_retries, timeout, retry_base_delay, retry_max_delay,
                             default_headers)
        self._transport = AsyncTransport(settings, http_client)
        self.performance = AsyncPerformance(self._transport)
        """Personal goals and learning records (seed 000)."""
        self.okr = AsyncOkr(self._transport)
        """Objectives and key results (seed 002)."""
        self.learning = AsyncLearning(self._transport)
        """Cohorts and assessments (seed 003)."""
        self.reviews = AsyncPerformanceReviews(self._transport)
        """The Performance reviews API under /api/performance (seed 001)."""
        self.platform = AsyncPlatform(self._transport)
        """Applications and API keys, webhook endpoints, reminders."""
        self.events = AsyncEvents(self._transport)
        """The tenant's events, oldest first (CONTRACT §8.1)."""

    @property
    def base_url(self) -> str:
        return self._transport.settings.base_url

    async def request(self, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None,
                      request_options: RequestOptions | None = None) -> Any:
        """Any other endpoint, with the same authentication, retries and typed errors; returns the JSON."""
        return await self._transport.request(call(method.upper(), path, query=query, body=body,
                                                  options=request_options))

    async def close(self) -> None:
        """Close the HTTP connections (unless the httpx client was passed in)."""
        await self._transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.close()
