"""Request bodies: JSON only, parsed with orjson before FastAPI sees them, so malformed input of any
kind (bad UTF-8, 1e400, NaN, deep nesting, NUL characters) is a clear 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import unquote_to_bytes

import orjson
from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from stride_server.core.problems import BadRequest, NotFound, Unprocessable, UnsupportedMediaType

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _reject_nul(value: Any) -> None:
    """PostgreSQL text and jsonb cannot hold U+0000; refuse it up front rather than fail later."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise Unprocessable("Strings must not contain NUL (U+0000) characters.", slug="malformed-json")
        elif isinstance(item, dict):
            for key, inner in item.items():
                if "\x00" in key:
                    raise Unprocessable("Keys must not contain NUL (U+0000) characters.", slug="malformed-json")
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)


def parse_json_body(body: bytes, content_type: str | None) -> Any:
    if not is_json_media_type(content_type):
        raise UnsupportedMediaType("Send the body as JSON with Content-Type: application/json.")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Unprocessable(f"Malformed JSON: {exc}", slug="malformed-json") from None
    _reject_nul(data)
    return data


def check_url(request: Request) -> None:
    """The URL's own garbage, refused before any of it reaches SQL: a path parameter holding NUL can
    name nothing (404); a query string that is not UTF-8 once decoded, or holds NUL, is 400."""
    if any("\x00" in str(value) for value in request.path_params.values()):
        raise NotFound()
    raw = request.scope.get("query_string", b"")
    if raw:
        try:
            decoded = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("The query string is not valid UTF-8.") from None
        if "\x00" in decoded:
            raise BadRequest("Query parameters must not contain NUL characters.")


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


DirectHandler = Callable[[Request], Coroutine[Any, Any, Response | None]]


class StrideRoute(APIRoute):
    """Every route of the API: bodies are parsed here, strictly, before FastAPI validates them.

    A hot route may also set `direct`: a handler that reads the request itself and is tried before
    FastAPI's parameter machinery (which cost more CPU than a cached read); it answers None to hand
    the request on to the declared endpoint, whose signature still defines the OpenAPI operation."""

    direct: DirectHandler | None = None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        # Routes that read their query string themselves (lists) declare it in openapi_extra.
        parses_own_query = bool((self.openapi_extra or {}).get("parameters"))
        known = _query_names(self.dependant)

        async def route_handler(request: Request) -> Response:
            check_url(request)
            if not parses_own_query:
                unknown = [k for k in request.query_params if k not in known]
                if unknown:
                    raise BadRequest(f"Unknown query parameter {unknown[0]!r}.")
            if request.method in WRITE_METHODS:
                body = await request.body()
                if body:
                    request._json = parse_json_body(body, request.headers.get("content-type"))
            elif self.direct is not None:
                response = await self.direct(request)
                if response is not None:
                    return response
            return await handler(request)

        return route_handler
