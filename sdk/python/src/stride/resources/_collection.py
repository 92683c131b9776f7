"""The generic Data API collection (CONTRACT §2.1): list/get/create/update/delete over
/api/v1/{domain}/{collection}. Entity classes expose only the operations their seed offers, with the
generated types of their fields and filters."""

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


def update_body(fields: Mapping[str, Any], version: int | None) -> dict[str, Any]:
    """The PATCH body: only the keys given (None clears a nullable field), plus `version` when checked."""
    return {**fields, "version": version} if version is not None else dict(fields)


class SyncCollection(SyncResource, Generic[R]):
    def __init__(self, transport: SyncTransport, path: str, model: type[R]) -> None:
        super().__init__(transport)
        self.path = path
        self._model = model

    def _list(self, filters: Mapping[str, Any], options: RequestOptions | None) -> Page[R]:
        start = filters.get("cursor")

        def fetch(cursor: str | None) -> Any:
            query = {**filters, "cursor": cursor or start}
            return self._transport.request(call("GET", self.path, query=query, options=options))

        return Page(fetch(None), self._model, fetch)

    def get(self, id: str, /, *, include_deleted: bool = False,
            request_options: RequestOptions | None = None) -> R:
        """One record by id; `include_deleted=True` also finds a soft-deleted one (needs manage permission)."""
        query = {"include_deleted": True} if include_deleted else None
        return self._request(self._model, "GET", f"{self.path}/{path_id(id)}", query=query, options=request_options)

    def _create(self, fields: Mapping[str, Any], options: RequestOptions | None) -> R:
        return self._request(self._model, "POST", self.path, body=dict(fields), options=options)

    def _update(self, id: str, fields: Mapping[str, Any], version: int | None, if_match: int | str | None,
                options: RequestOptions | None) -> R:
        return self._request(self._model, "PATCH", f"{self.path}/{path_id(id)}", body=update_body(fields, version),
                             headers=if_match_headers(if_match), options=options)


class SyncDeletable(SyncCollection[R]):
    def delete(self, id: str, /, *, if_match: int | str | None = None,
               request_options: RequestOptions | None = None) -> None:
        """Soft delete; `if_match=version` → PreconditionFailedError (412) if the record changed since."""
        self._delete(f"{self.path}/{path_id(id)}", headers=if_match_headers(if_match), options=request_options)


class AsyncCollection(AsyncResource, Generic[R]):
    def __init__(self, transport: AsyncTransport, path: str, model: type[R]) -> None:
        super().__init__(transport)
        self.path = path
        self._model = model

    def _list(self, filters: Mapping[str, Any], options: RequestOptions | None) -> AsyncPageRequest[R]:
        start = filters.get("cursor")

        async def fetch(cursor: str | None) -> Any:
            query = {**filters, "cursor": cursor or start}
            return await self._transport.request(call("GET", self.path, query=query, options=options))

        return AsyncPageRequest(self._model, fetch)

    async def get(self, id: str, /, *, include_deleted: bool = False,
                  request_options: RequestOptions | None = None) -> R:
        """One record by id; `include_deleted=True` also finds a soft-deleted one (needs manage permission)."""
        query = {"include_deleted": True} if include_deleted else None
        return await self._request(self._model, "GET", f"{self.path}/{path_id(id)}", query=query,
                                   options=request_options)

    async def _create(self, fields: Mapping[str, Any], options: RequestOptions | None) -> R:
        return await self._request(self._model, "POST", self.path, body=dict(fields), options=options)

    async def _update(self, id: str, fields: Mapping[str, Any], version: int | None, if_match: int | str | None,
                      options: RequestOptions | None) -> R:
        return await self._request(self._model, "PATCH", f"{self.path}/{path_id(id)}",
                                   body=update_body(fields, version), headers=if_match_headers(if_match),
                                   options=options)


class AsyncDeletable(AsyncCollection[R]):
    async def delete(self, id: str, /, *, if_match: int | str | None = None,
                     request_options: RequestOptions | None = None) -> None:
        """Soft delete; `if_match=version` → PreconditionFailedError (412) if the record changed since."""
        await self._delete(f"{self.path}/{path_id(id)}", headers=if_match_headers(if_match), options=request_options)
