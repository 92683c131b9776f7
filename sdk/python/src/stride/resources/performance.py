"""`client.performance`: PersonGoal (list get create update) and LearningRecord (list get create — an
append-only ledger), per seed 000."""

from __future__ import annotations

from typing import Unpack

from stride._generated import (
    GoalsListParams,
    LearningRecord,
    LearningRecordCreate,
    LearningRecordsListParams,
    PersonGoal,
    PersonGoalCreate,
    PersonGoalUpdate,
)
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions
from stride.pagination import AsyncPageRequest, Page
from stride.resources._collection import AsyncCollection, SyncCollection

GOALS = "/api/v1/performance/goals"
LEARNING_RECORDS = "/api/v1/performance/learning-records"


class Goals(SyncCollection[PersonGoal]):
    """Personal goals: list get create update (no delete)."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport, GOALS, PersonGoal)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[GoalsListParams]) -> Page[PersonGoal]:
        """Goals visible to the caller: the first page; iterate it for every goal across pages."""
        return self._list(filters, request_options)

    def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[PersonGoalCreate]) -> PersonGoal:
        """A goal; `person_id` defaults to the caller."""
        return self._create(fields, request_options)

    def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
               request_options: RequestOptions | None = None, **fields: Unpack[PersonGoalUpdate]) -> PersonGoal:
        """Change the fields given. `version=n` → ConflictError (409, with `current`) if the goal is at
        another version; `if_match=n` → PreconditionFailedError (412)."""
        return self._update(id, fields, version, if_match, request_options)


class LearningRecords(SyncCollection[LearningRecord]):
    """Learning records: list get create (append-only, no update or delete)."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport, LEARNING_RECORDS, LearningRecord)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[LearningRecordsListParams]) -> Page[LearningRecord]:
        return self._list(filters, request_options)

    def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[LearningRecordCreate]) -> LearningRecord:
        return self._create(fields, request_options)


class Performance:
    def __init__(self, transport: SyncTransport) -> None:
        self.goals = Goals(transport)
        self.learning_records = LearningRecords(transport)


class AsyncGoals(AsyncCollection[PersonGoal]):
    """Personal goals: list get create update (no delete)."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport, GOALS, PersonGoal)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[GoalsListParams]) -> AsyncPageRequest[PersonGoal]:
        """Goals visible to the caller: `await` for the first page, `async for` for every goal."""
        return self._list(filters, request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[PersonGoalCreate]) -> PersonGoal:
        """A goal; `person_id` defaults to the caller."""
        return await self._create(fields, request_options)

    async def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
                     request_options: RequestOptions | None = None,
                     **fields: Unpack[PersonGoalUpdate]) -> PersonGoal:
        """Change the fields given; `version=n` → ConflictError (409), `if_match=n` → 412."""
        return await self._update(id, fields, version, if_match, request_options)


class AsyncLearningRecords(AsyncCollection[LearningRecord]):
    """Learning records: list get create (append-only, no update or delete)."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport, LEARNING_RECORDS, LearningRecord)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[LearningRecordsListParams]) -> AsyncPageRequest[LearningRecord]:
        return self._list(filters, request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[LearningRecordCreate]) -> LearningRecord:
        return await self._create(fields, request_options)


class AsyncPerformance:
    def __init__(self, transport: AsyncTransport) -> None:
        self.goals = AsyncGoals(transport)
        self.learning_records = AsyncLearningRecords(transport)
