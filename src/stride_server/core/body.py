"""Request bodies: JSON only, parsed with orjson before FastAPI sees them, so malformed input of any
kind (bad UTF-8, 1e400, NaN, nesting over 64 levels, NUL characters) is a clear 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

import orjson
from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from stride_server.core.problems import BadRequest, NotFound, Unprocessable, UnsupportedMediaType
from stride_server.db.reads import FastRoute, run_fast

ModelT = TypeVar("ModelT", bound=BaseModel)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


# CONTRACT §7: "JSON nested deeper than 64 levels → 422, never 500." Checked once, here, on the parsed
# body and before anything recursive sees it (Pydantic, the JSON fields' size check, orjson.dumps,
# whose own limit is 254 levels, the jsonb encoder).
MAX_JSON_DEPTH = 64


def json_depth_error(field: str) -> Unprocessable:
    message = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    return Unprocessable(
        f"{field}: {message}.", errors=[{"field": field, "message": message}], slug="json-too-deep"
    )


def _check_parsed(value: Any) -> None:
    """One walk, without recursion, of the parsed body: at most MAX_JSON_DEPTH levels of arrays and
    objects (the body's own braces are level 1), and no U+0000, which PostgreSQL text and jsonb cannot
    hold, so it is refused up front rather than failing later. The error names the top-level member
    holding the deep value, as the other 422s name a field."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "body")]
    while stack:
        item, depth, field = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise Unprocessable(
                    "Strings must not contain NUL (U+0000) characters.", slug="malformed-json"
                )
        elif isinstance(item, dict | list):
            if depth == MAX_JSON_DEPTH:
                raise json_depth_error(field)
            if isinstance(item, list):
                stack.extend((inner, depth + 1, field) for inner in item)
                continue
            for key, inner in item.items():
                if "\x00" in key:
                    raise Unprocessable(
                        "Keys must not contain NUL (U+0000) characters.", slug="malformed-json"
                    )
                stack.append((inner, depth + 1, key if depth == 0 else field))


def _is_depth_error(error: orjson.JSONDecodeError) -> bool:
    """orjson refuses documents deeper than 1024 levels itself ("depth limit exceeded"; "recursion limit"
    in older releases): that is this limit too, not malformed JSON."""
    message = str(error).lower()
    return "depth limit" in message or "recursion limit" in message


def parse_json_body(body: bytes, content_type: str | None) -> Any:
    if not is_json_media_type(content_type):
        raise UnsupportedMediaType("Send the body as JSON with Content-Type: application/json.")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if _is_depth_error(exc):
            raise json_depth_error("body") from None
        raise Unprocessable(f"Malformed JSON: {exc}", slug="malformed-json") from None
    _check_parsed(data)
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


def validated_body(request: Request, model: type[ModelT]) -> ModelT | None:
    """For a fast route: the parsed body (StrideRoute) validated as the declared endpoint's `body`
    parameter would be, with the same errors (RequestValidationError, located under "body"); None
    when there is no body, which the declared endpoint answers."""
    if not hasattr(request, "_json"):
        return None
    try:
        return model.model_validate(request._json)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)], body=request._json
        ) from None


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


class StrideRoute(APIRoute):
    """Every route of the API: bodies are parsed here, strictly, before FastAPI validates them.

    A hot route may also set `fast` (db.reads.FastRoute): it is tried, after the body is parsed, before
    FastAPI's parameter machinery (which costs more CPU than a cached read or a templated write)
    whenever the fast path applies (`db.reads.run_fast` decides); answering None hands the request on
    to the declared endpoint, whose signature still defines the OpenAPI operation."""

    fast: FastRoute | None = None

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
            if self.fast is not None:
                response = await run_fast(request, self.fast)
                if response is not None:
                    return response
            return await handler(request)

        return route_handler
