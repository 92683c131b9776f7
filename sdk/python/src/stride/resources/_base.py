"""What every resource shares: the transport, typed calls, ids in paths and If-Match values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote

from stride._request import call
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions

T = TypeVar("T")


def path_id(id: str) -> str:
    """An id as one path segment."""
    if not isinstance(id, str) or not id:
        raise TypeError("an id (a non-empty string) is required")
    return quote(id, safe="")


def etag(value: int | str) -> str:
    """`If-Match` wants the ETag form, a quoted version."""
    text = str(value)
    return text if text.startswith(('"', "W/")) else f'"{text}"'


def if_match_headers(if_match: int | str | None) -> dict[str, str] | None:
    return None if if_match is None else {"If-Match": etag(if_match)}


class SyncResource:
    def __init__(self, transport: SyncTransport) -> None:
        self._transport = transport

    def _request(self, cast_to: type[T], method: str, path: str, *, query: Mapping[str, Any] | None = None,
                 body: Any = None, headers: Mapping[str, str] | None = None,
                 options: RequestOptions | None = None) -> T:
        return cast(T, self._transport.request(call(method, path, query=query, body=body, headers=headers,
                                                    options=options, cast_to=cast_to)))

    def _delete(self, path: str, *, headers: Mapping[str, str] | None = None,
                options: RequestOptions | None = None) -> None:
        self._transport.request(call("DELETE", path, headers=headers, options=options))


class AsyncResource:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def _request(self, cast_to: type[T], method: str, path: str, *, query: Mapping[str, Any] | None = None,
                       body: Any = None, headers: Mapping[str, str] | None = None,
                       options: RequestOptions | None = None) -> T:
        return cast(T, await self._transport.request(call(method, path, query=query, body=body, headers=headers,
                                                          options=options, cast_to=cast_to)))

    async def _delete(self, path: str, *, headers: Mapping[str, str] | None = None,
                      options: RequestOptions | None = None) -> None:
        await self._transport.request(call("DELETE", path, headers=headers, options=options))
