"""`client.okr`: Objective and KeyResult (list get create update delete), per seed 002, plus the
check-in extension of CONTRACT §2.4."""

from __future__ import annotations

from typing import Unpack

from stride._generated import (
    KeyResult,
    KeyResultCreate,
    KeyResultsListParams,
    KeyResultUpdate,
    Objective,
    ObjectiveCreate,
    ObjectivesListParams,
    ObjectiveUpdate,
)
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions
from stride.pagination import AsyncPageRequest, Page
from stride.resources._base import path_id
from stride.resources._collection import AsyncDeletable, SyncDeletable

OBJECTIVES = "/api/v1/okr/objectives"
KEY_RESULTS = "/api/v1/okr/key-results"


class Objectives(SyncDeletable[Objective]):
    """Objectives: list get create update delete (soft)."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport, OBJECTIVES, Objective)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[ObjectivesListParams]) -> Page[Objective]:
        return self._list(filters, request_options)

    def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[ObjectiveCreate]) -> Objective:
        return self._create(fields, request_options)

    def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
               request_options: RequestOptions | None = None, **fields: Unpack[ObjectiveUpdate]) -> Objective:
        return self._update(id, fields, version, if_match, request_options)


class KeyResults(SyncDeletable[KeyResult]):
    """Key results: list get create update delete (soft), and check-ins."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport, KEY_RESULTS, KeyResult)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[KeyResultsListParams]) -> Page[KeyResult]:
        return self._list(filters, request_options)

    def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[KeyResultCreate]) -> KeyResult:
        return self._create(fields, request_options)

    def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
               request_options: RequestOptions | None = None, **fields: Unpack[KeyResultUpdate]) -> KeyResult:
        return self._update(id, fields, version, if_match, request_options)

    def check_in(self, id: str, /, *, value: float, note: str | None = None,
                 request_options: RequestOptions | None = None) -> KeyResult:
        """Record a new `current` value with a note; appends to `history` and recomputes progress."""
        body = {"value": value} if note is None else {"value": value, "note": note}
        return self._request(KeyResult, "POST", f"{self.path}/{path_id(id)}/check-ins", body=body,
                             options=request_options)


class Okr:
    def __init__(self, transport: SyncTransport) -> None:
        self.objectives = Objectives(transport)
        self.key_results = KeyResults(transport)


class AsyncObjectives(AsyncDeletable[Objective]):
    """Objectives: list get create update delete (soft)."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport, OBJECTIVES, Objective)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[ObjectivesListParams]) -> AsyncPageRequest[Objective]:
        return self._list(filters, request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[ObjectiveCreate]) -> Objective:
        return await self._create(fields, request_options)

    async def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
                     request_options: RequestOptions | None = None,
                     **fields: Unpack[ObjectiveUpdate]) -> Objective:
        return await self._update(id, fields, version, if_match, request_options)


class AsyncKeyResults(AsyncDeletable[KeyResult]):
    """Key results: list get create update delete (soft), and check-ins."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport, KEY_RESULTS, KeyResult)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[KeyResultsListParams]) -> AsyncPageRequest[KeyResult]:
        return self._list(filters, request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[KeyResultCreate]) -> KeyResult:
        return await self._create(fields, request_options)

    async def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
                     request_options: RequestOptions | None = None,
                     **fields: Unpack[KeyResultUpdate]) -> KeyResult:
        return await self._update(id, fields, version, if_match, request_options)

    async def check_in(self, id: str, /, *, value: float, note: str | None = None,
                       request_options: RequestOptions | None = None) -> KeyResult:
        """Record a new `current` value with a note; appends to `history` and recomputes progress."""
        body = {"value": value} if note is None else {"value": value, "note": note}
        return await self._request(KeyResult, "POST", f"{self.path}/{path_id(id)}/check-ins", body=body,
                                   options=request_options)


class AsyncOkr:
    def __init__(self, transport: AsyncTransport) -> None:
        self.objectives = AsyncObjectives(transport)
        self.key_results = AsyncKeyResults(transport)
