"""One exception class per status family, each carrying the RFC 9457 problem document the API answered
with (CONTRACT §5), plus NetworkError/RequestTimeoutError for requests that never got an answer."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

import httpx

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "MethodNotAllowedError",
    "NetworkError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServiceUnavailableError",
    "StrideError",
    "UnsupportedMediaTypeError",
    "ValidationError",
    "error_from_response",
]


class StrideError(Exception):
    """Base class of everything the SDK raises.

    `problem` is the problem+json document as the server sent it (type, title, status, detail,
    request_id, errors, current); the properties below read it.
    """

    status: int | None
    problem: dict[str, Any]
    method: str | None
    url: str | None
    headers: httpx.Headers | None

    def __init__(self, message: str, *, status: int | None = None, problem: Mapping[str, Any] | None = None,
                 method: str | None = None, url: str | None = None, headers: httpx.Headers | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.problem = dict(problem or {})
        self.method = method
        self.url = url
        self.headers = headers

    @property
    def type(self) -> str | None:
        """The problem type URI, e.g. `https://stride.dev/problems/validation`."""
        return self.problem.get("type")

    @property
    def title(self) -> str | None:
        return self.problem.get("title")

    @property
    def detail(self) -> str | None:
        return self.problem.get("detail")

    @property
    def request_id(self) -> str | None:
        """The request id to quote to support (`X-Request-Id`)."""
        found = self.problem.get("request_id")
        if found is None and self.headers is not None:
            found = self.headers.get("x-request-id")
        return found

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Per-field messages `{field, message}` of a 422 (and some 400s)."""
        return list(self.problem.get("errors") or [])

    @property
    def current(self) -> dict[str, Any] | None:
        """The current record, on a 409 version conflict."""
        return self.problem.get("current")

    @property
    def slug(self) -> str | None:
        """The last segment of the problem type (`validation`, `not-found`, `idempotency-in-flight`…)."""
        return self.type.rsplit("/", 1)[-1] if self.type else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class BadRequestError(StrideError):
    """400: a bad query parameter or an invalid state transition."""


class AuthenticationError(StrideError):
    """401: missing, invalid or expired token or API key."""


class PermissionDeniedError(StrideError):
    """403: the record is visible but the caller lacks the permission."""


class NotFoundError(StrideError):
    """404: missing, deleted, or invisible to the caller."""


class MethodNotAllowedError(StrideError):
    """405: the collection does not offer that operation."""


class ConflictError(StrideError):
    """409: duplicate, version conflict (`current` holds the record), or idempotency key in flight."""


class PreconditionFailedError(StrideError):
    """412: `If-Match` did not match the record's version."""


class PayloadTooLargeError(StrideError):
    """413: body over 1 MiB."""


class UnsupportedMediaTypeError(StrideError):
    """415: a write body that is not JSON."""


class ValidationError(StrideError):
    """422: body validation failed; see `errors` for the fields."""


class RateLimitError(StrideError):
    """429: rate limited (retried automatically, honouring Retry-After)."""


class InternalServerError(StrideError):
    """5xx other than 503 (a server bug)."""


class ServiceUnavailableError(StrideError):
    """503: the database is unavailable (retried automatically, honouring Retry-After)."""


class NetworkError(StrideError):
    """No response: connection refused or reset, DNS failure, … (retried automatically)."""


class RequestTimeoutError(NetworkError, builtins.TimeoutError):
    """No response within the timeout (retried automatically); also a built-in `TimeoutError`."""


BY_STATUS: dict[int, type[StrideError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    412: PreconditionFailedError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    422: ValidationError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def error_from_response(status: int, body: Any, *, method: str | None = None, url: str | None = None,
                        headers: httpx.Headers | None = None) -> StrideError:
    """The exception for an HTTP error response; `body` is the parsed JSON, or the text when not JSON."""
    if _is_problem(body):
        problem = dict(body)
    else:
        problem = {"type": "about:blank", "title": _status_title(status), "status": status}
        if isinstance(body, str) and body:
            problem["detail"] = body
    error_class = BY_STATUS.get(status) or (InternalServerError if status >= 500 else StrideError)
    where = f" ({method} {httpx.URL(url).path})" if method and url else ""
    detail = f": {problem['detail']}" if problem.get("detail") else ""
    return error_class(f"{status} {problem['title']}{detail}{where}", status=status, problem=problem,
                       method=method, url=url, headers=headers)


def _is_problem(body: Any) -> bool:
    return isinstance(body, Mapping) and isinstance(body.get("title"), str) and isinstance(body.get("status"), int)


def _status_title(status: int) -> str:
    error_class = BY_STATUS.get(status)
    if error_class is None:
        return f"HTTP {status}"
    name = error_class.__name__.removesuffix("Error")
    return "".join(f" {char}" if char.isupper() and index else char for index, char in enumerate(name))
