"""The generic Data API collection (CONTRACT §2.1): list/get/create/update/delete over
/api/v1/{domain}/{collection}, plus the calls under one record (`/{id}/check-ins`, `/{id}/responses`).
The entity classes generated from /openapi.json (`_generated_data.py`) expose only the operations each
entity offers, with the generated types of their fields and filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from stride._model import StrideModel
from stride._request import call
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions
from stride.pagination import AsyncPageRequest, Page
from stride.resources._base import AsyncResource, SyncResource, if_match_headers, path_id

R = TypeVar("R", bound=StrideModel)
M = TypeVar("M", bound=StrideModel)


def update_body(fields: Mapping[str, Any], version: int | None) -> dict[str, Any]:
    """The PATCH body: only the keys given (None clears a nullable field), plus `version` when checked."""
    return {**fields, "version": version} if version is not None else dict(fields)


def without_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The optional members of a body that were given (an omitted keyword argument is None)."""
    return {name: value for name, value in fields.items() if value is not None}


class SyncPaged(SyncResource):
    """A resource with cursor-paginated lists (CONTRACT §2.5) and calls answered without a body."""

    def _page(self, path: str, query: Mapping[str, Any], model: type[M], options: RequestOptions | None, *,
              cursor_param: str = "cursor") -> Page[M]:
        """The first page; `cursor_param` names the parameter that takes `next_cursor` (`after` for events)."""
        start = query.get(cursor_param)

        def fetch(cursor: str | None) -> Any:
            return self._transport.request(call("GET", path, query={**query, cursor_param: cursor or start},
                                                options=options))

        return Page(fetch(None), model, fetch)

    def _send(self, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None,
              options: RequestOptions | None = None) -> None:
        self._transport.request(call(method, path, query=query, body=body, options=options))


class SyncCollection(SyncPaged, Generic[R]):
    def __init__(self, transport: SyncTransport, path: str, model: type[R]) -> None:
        super().__init__(transport)
        self.path = path
        self._model = model

    def _list(self, filters: Mapping[str, Any], options: RequestOptions | None) -> Page[R]:
        return self._page(self.path, filters, self._model, options)

    def _get(self, id: str, include_deleted: bool, options: RequestOptions | None) -> R:
        query = {"include_deleted": True} if include_deleted else None
        return self._request(self._model, "GET", f"{self.path}/{path_id(id)}", query=query, options=options)

    def _create(self, fields: Mapping[str, Any], options: RequestOptions | None) -> R:
        return self._request(self._model, "POST", self.path, body=dict(fields), options=options)

    def _update(self, id: str, fields: Mapping[str, Any], version: int | None, if_match: int | str | None,
                options: RequestOptions | None) -> R:
        return self._request(self._model, "PATCH", f"{self.path}/{path_id(id)}", body=update_body(fields, version),
                             headers=if_match_headers(if_match), options=options)

    def _soft_delete(self, id: str, if_match: int | str | None, options: RequestOptions | None) -> None:
        self._delete(f"{self.path}/{path_id(id)}", headers=if_match_headers(if_match), options=options)


class AsyncPaged(AsyncResource):
    """A resource with cursor-paginated lists (CONTRACT §2.5) and calls answered without a body."""

    def _page(self, path: str, query: Mapping[str, Any], model: type[M], options: RequestOptions | None, *,
              cursor_param: str = "cursor") -> AsyncPageRequest[M]:
        start = query.get(cursor_param)

        async def fetch(cursor: str | None) -> Any:
            return await self._transport.request(call("GET", path, query={**query, cursor_param: cursor or start},
                                                      options=options))

        return AsyncPageRequest(model, fetch)

    async def _send(self, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None,
                    options: RequestOptions | None = None) -> None:
        await self._transport.request(call(method, path, query=query, body=body, options=options))


class AsyncCollection(AsyncPaged, Generic[R]):
    def __init__(self, transport: AsyncTransport, path: str, model: type[R]) -> None:
        super().__init__(transport)
        self.path = path
        self._model = model

    def _list(self, filters: Mapping[str, Any], options: RequestOptions | None) -> AsyncPageRequest[R]:
        return self._page(self.path, filters, self._model, options)

    async def _get(self, id: str, include_deleted: bool, options: RequestOptions | None) -> R:
        query = {"include_deleted": True} if include_deleted else None
        return await self._request(self._model, "GET", f"{self.path}/{path_id(id)}", query=query, options=options)

    async def _create(self, fields: Mapping[str, Any], options: RequestOptions | None) -> R:
        return await self._request(self._model, "POST", self.path, body=dict(fields), options=options)

    async def _update(self, id: str, fields: Mapping[str, Any], version: int | None, if_match: int | str | None,
                      options: RequestOptions | None) -> R:
        return await self._request(self._model, "PATCH", f"{self.path}/{path_id(id)}",
                                   body=update_body(fields, version), headers=if_match_headers(if_match),
                                   options=options)

    async def _soft_delete(self, id: str, if_match: int | str | None, options: RequestOptions | None) -> None:
        await self._delete(f"{self.path}/{path_id(id)}", headers=if_match_headers(if_match), options=options)
