"""The request logic the sync and async transports share: building a request (query grammar, JSON body,
headers, one Idempotency-Key per call), reading the answer into typed models or typed errors, the retry
policy (backoff with jitter, Retry-After) and the API-key token's renewal schedule."""

from __future__ import annotations

import datetime
import decimal
import enum
import functools
import json
import random
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from pydantic import BaseModel, TypeAdapter

from stride._types import RequestOptions
from stride._version import __version__
from stride.errors import NetworkError, RequestTimeoutError, StrideError, error_from_response

TOKEN_PATH = "/api/v1/auth/token"
RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})


@dataclass(frozen=True)
class Settings:
    """What a client was built with."""

    base_url: str
    token: str | None = None
    api_key: str | None = None
    max_retries: int = 2
    timeout: float = 30.0
    retry_base_delay: float = 0.5
    retry_max_delay: float = 30.0
    default_headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """One API call as a resource describes it; a transport turns it into attempts."""

    method: str
    path: str
    query: Mapping[str, Any] | None = None
    body: Any = None
    has_body: bool = False
    headers: Mapping[str, str] | None = None
    options: RequestOptions | None = None
    cast_to: Any = None
    """The type to parse the JSON answer into (a model, `list[Model]`, a union); None keeps the JSON."""
    authenticated: bool = True
    """False for the token exchange itself."""


def call(method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None,
         headers: Mapping[str, str] | None = None, options: RequestOptions | None = None,
         cast_to: Any = None) -> Call:
    """A Call that sends `body` as JSON when one is given."""
    return Call(method, path, query=query, body=body, has_body=body is not None, headers=headers, options=options,
                cast_to=cast_to)


# --- building -----------------------------------------------------------------------------------
def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _scalar(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(_scalar(item) for item in value)
    return str(value)


def encode_query(*queries: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Query parameters in the API's filter grammar (CONTRACT §2.5): `field=v`, `field=a,b` (any of),
    `field[op]=v` from `{op: v}`; booleans as true/false, dates as ISO 8601; None is left out."""
    params: list[tuple[str, str]] = []
    for query in queries:
        for name, value in (query or {}).items():
            if value is None:
                continue
            if isinstance(value, Mapping):
                params.extend((f"{name}[{op}]", _scalar(operand)) for op, operand in value.items()
                              if operand is not None)
            else:
                params.append((name, _scalar(value)))
    return params


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return _scalar(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode_body(body: Any) -> bytes:
    return json.dumps(body, default=_json_default, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class Prepared:
    """A Call resolved against the client's settings: what every attempt sends, and how often to try."""

    method: str
    url: str
    params: list[tuple[str, str]]
    content: bytes | None
    headers: dict[str, str]
    timeout: float
    max_retries: int
    authenticated: bool
    cast_to: Any


def prepare(settings: Settings, request: Call) -> Prepared:
    options: RequestOptions = request.options or {}
    headers = {"Accept": "application/json", "User-Agent": f"stride-python/{__version__}",
               **settings.default_headers, **(request.headers or {})}
    content = encode_body(request.body) if request.has_body else None
    if content is not None:
        headers["Content-Type"] = "application/json"
    # §2.6: one key for the whole call, so a retry of a POST whose first attempt did reach the server is
    # answered from the first response instead of creating a second record.
    if request.method == "POST" and request.authenticated:
        headers["Idempotency-Key"] = options.get("idempotency_key") or str(uuid.uuid4())
    headers.update(options.get("extra_headers") or {})
    return Prepared(
        method=request.method, url=settings.base_url + request.path,
        params=encode_query(request.query, options.get("extra_query")), content=content, headers=headers,
        timeout=options.get("timeout", settings.timeout), max_retries=options.get("max_retries", settings.max_retries),
        authenticated=request.authenticated, cast_to=request.cast_to,
    )


def build_request(client: httpx.Client | httpx.AsyncClient, prepared: Prepared, bearer: str | None) -> httpx.Request:
    headers = dict(prepared.headers)
    if bearer and not any(name.lower() == "authorization" for name in headers):
        headers["Authorization"] = f"Bearer {bearer}"
    return client.build_request(prepared.method, prepared.url, params=tuple(prepared.params),
                                content=prepared.content, headers=headers, timeout=prepared.timeout)


# --- reading ------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=256)
def _adapter(cast_to: Any) -> TypeAdapter[Any]:
    return TypeAdapter(cast_to)


def parse(cast_to: Any, value: Any) -> Any:
    """JSON into the SDK's models; `None` as cast_to keeps it as it is."""
    return value if cast_to is None or value is None else _adapter(cast_to).validate_python(value)


def read_body(response: httpx.Response) -> Any:
    if response.status_code in (204, 205) or not response.content:
        return None
    if "json" in response.headers.get("content-type", ""):
        try:
            return response.json()
        except ValueError:
            return response.text
    return response.text


# --- the attempts of one call -------------------------------------------------------------------
@dataclass(frozen=True)
class Done:
    value: Any


@dataclass(frozen=True)
class Retry:
    delay: float


@dataclass(frozen=True)
class Renew:
    """Exchange the API key again and repeat the attempt (not counted as a retry)."""


class Attempts:
    """The decisions over the attempts of one call; the transports only send, sleep and loop."""

    def __init__(self, settings: Settings, prepared: Prepared) -> None:
        self.settings = settings
        self.prepared = prepared
        self.number = 0
        self.renewed = False

    def on_response(self, response: httpx.Response) -> Done | Retry | Renew:
        prepared = self.prepared
        # An API-key token the server no longer accepts (rotated secret, clock skew): renew once.
        if (response.status_code == 401 and prepared.authenticated and self.settings.api_key
                and not self.renewed):
            self.renewed = True
            return Renew()
        body = read_body(response)
        if response.is_success:
            return Done(parse(prepared.cast_to, body))
        error = error_from_response(response.status_code, body, method=prepared.method, url=str(response.url),
                                    headers=response.headers)
        if self.number >= prepared.max_retries or not is_retryable(response.status_code, error):
            raise error
        return self._next(retry_delay(self.settings, self.number, response.headers))

    def on_error(self, exc: httpx.TransportError) -> Retry:
        prepared = self.prepared
        target = f"{prepared.method} {prepared.url}"
        error: NetworkError
        if isinstance(exc, httpx.TimeoutException):
            error = RequestTimeoutError(f"Stride did not answer within {prepared.timeout} s ({target})",
                                        method=prepared.method, url=prepared.url)
        else:
            error = NetworkError(f"Could not reach Stride ({target}): {exc}", method=prepared.method,
                                 url=prepared.url)
        if self.number >= prepared.max_retries:
            raise error from exc
        return self._next(backoff(self.settings, self.number))

    def _next(self, delay: float) -> Retry:
        self.number += 1
        return Retry(delay)


def is_retryable(status: int, error: StrideError) -> bool:
    # A 409 for an Idempotency-Key still in flight resolves itself: the retry gets the replay.
    return status in RETRY_STATUSES or (status == 409 and error.slug == "idempotency-in-flight")


def backoff(settings: Settings, attempt: int) -> float:
    """Exponential backoff with jitter: base·2^attempt, capped, scaled by a random factor in [0.5, 1]."""
    delay = min(settings.retry_max_delay, settings.retry_base_delay * 2.0 ** attempt)
    return delay * (0.5 + random.random() / 2)


def retry_delay(settings: Settings, attempt: int, headers: httpx.Headers) -> float:
    """Retry-After when the server gave one (seconds or an HTTP date, capped), else backoff."""
    retry_after = parse_retry_after(headers.get("retry-after"))
    return backoff(settings, attempt) if retry_after is None else min(retry_after, settings.retry_max_delay)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value, or None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


# --- API-key tokens -----------------------------------------------------------------------------
class TokenState:
    """The access token an API key was exchanged for, and when to exchange it again."""

    def __init__(self) -> None:
        self.access_token: str | None = None
        self.renew_at = 0.0

    def fresh(self) -> str | None:
        return self.access_token if self.access_token and time.monotonic() < self.renew_at else None

    def store(self, access_token: str, expires_in: float) -> str:
        lifetime = max(0.0, float(expires_in))
        # Renew ahead of expiry: a minute early, or a tenth of a short lifetime.
        self.renew_at = time.monotonic() + lifetime - min(60.0, lifetime / 10)
        self.access_token = access_token
        return access_token

    def invalidate(self) -> None:
        self.access_token = None


def exchange_call(api_key: str) -> Call:
    """POST /api/v1/auth/token with the key as bearer (CONTRACT §1.2); no Idempotency-Key."""
    return Call("POST", TOKEN_PATH, headers={"Authorization": f"Bearer {api_key}"}, authenticated=False)


def normalise_base_url(base_url: str) -> str:
    if not base_url:
        raise ValueError("Client: base_url is required, e.g. 'http://127.0.0.1:8000'")
    return base_url.rstrip("/")
