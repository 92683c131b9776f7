"""The two thin transports over the shared request logic in `_request`: they send attempts through an
`httpx.Client` or `httpx.AsyncClient`, sleep between retries, and exchange an API key for a token."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx

from stride._generated import Token
from stride._request import (
    Attempts,
    Call,
    Done,
    Renew,
    Retry,
    Settings,
    TokenState,
    build_request,
    exchange_call,
    prepare,
)


class SyncTransport:
    def __init__(self, settings: Settings, http_client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.http = http_client or httpx.Client()
        self.owns_http = http_client is None
        self.tokens = TokenState()
        self._lock = threading.Lock()

    def request(self, call: Call) -> Any:
        prepared = prepare(self.settings, call)
        attempts = Attempts(self.settings, prepared)
        while True:
            bearer = self._bearer() if call.authenticated else None
            step: Done | Retry | Renew
            try:
                response = self.http.send(build_request(self.http, prepared, bearer))
            except httpx.TransportError as exc:
                step = attempts.on_error(exc)
            else:
                step = attempts.on_response(response)
            if isinstance(step, Done):
                return step.value
            if isinstance(step, Renew):
                self.tokens.invalidate()
                continue
            time.sleep(step.delay)

    def _bearer(self) -> str | None:
        api_key = self.settings.api_key
        if not api_key:
            return self.settings.token
        with self._lock:  # one exchange at a time; the others then find the fresh token
            fresh = self.tokens.fresh()
            if fresh:
                return fresh
            token = Token.model_validate(self.request(exchange_call(api_key)))
            return self.tokens.store(token.access_token, token.expires_in)

    def close(self) -> None:
        if self.owns_http:
            self.http.close()


class AsyncTransport:
    def __init__(self, settings: Settings, http_client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.http = http_client or httpx.AsyncClient()
        self.owns_http = http_client is None
        self.tokens = TokenState()
        self._lock: asyncio.Lock | None = None

    async def request(self, call: Call) -> Any:
        prepared = prepare(self.settings, call)
        attempts = Attempts(self.settings, prepared)
        while True:
            bearer = await self._bearer() if call.authenticated else None
            step: Done | Retry | Renew
            try:
                response = await self.http.send(build_request(self.http, prepared, bearer))
            except httpx.TransportError as exc:
                step = attempts.on_error(exc)
            else:
                step = attempts.on_response(response)
            if isinstance(step, Done):
                return step.value
            if isinstance(step, Renew):
                self.tokens.invalidate()
                continue
            await asyncio.sleep(step.delay)

    async def _bearer(self) -> str | None:
        api_key = self.settings.api_key
        if not api_key:
            return self.settings.token
        fresh = self.tokens.fresh()
        if fresh:
            return fresh
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:  # one exchange at a time; the others then find the fresh token
            fresh = self.tokens.fresh()
            if fresh:
                return fresh
            token = Token.model_validate(await self.request(exchange_call(api_key)))
            return self.tokens.store(token.access_token, token.expires_in)

    async def close(self) -> None:
        if self.owns_http:
            await self.http.aclose()
