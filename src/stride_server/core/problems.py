"""One exception family for every error; one handler turns it into problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://stride.dev/problems/"

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class StrideError(Exception):
    status = 500
    slug = "internal"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        current: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        slug: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.current = current
        self.headers = headers or {}
        if slug:
            self.slug = slug

    @property
    def title(self) -> str:
        return _TITLES.get(self.status, "Error")

    def problem(self, request_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "request_id": request_id,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        if self.current is not None:
            body["current"] = self.current
        return body


class BadRequest(StrideError):
    status, slug = 400, "bad-request"


class Unauthorized(StrideError):
    status, slug = 401, "unauthorized"

    def __init__(self, detail: str = "A valid bearer token is required.", **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.headers.setdefault("WWW-Authenticate", 'Bearer realm="stride"')


class Forbidden(StrideError):
    status, slug = 403, "forbidden"


class NotFound(StrideError):
    status, slug = 404, "not-found"

    def __init__(self, detail: str = "No such resource.", **kw: Any) -> None:
        super().__init__(detail, **kw)


class MethodNotAllowed(StrideError):
    status, slug = 405, "method-not-allowed"


class Conflict(StrideError):
    status, slug = 409, "conflict"


class PreconditionFailed(StrideError):
    status, slug = 412, "precondition-failed"


class PayloadTooLarge(StrideError):
    status, slug = 413, "payload-too-large"


class UnsupportedMediaType(StrideError):
    status, slug = 415, "unsupported-media-type"


class Unprocessable(StrideError):
    status, slug = 422, "validation"


class ServiceUnavailable(StrideError):
    status, slug = 503, "unavailable"

    def __init__(self, detail: str = "The database is unavailable; retry shortly.", **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.headers.setdefault("Retry-After", "2")


def field_error(field: str, message: str) -> Unprocessable:
    return Unprocessable(f"{field}: {message}", errors=[{"field": field, "message": message}])
