"""`client.learning`: Cohort and Assessment (list get create update), per seed 003, plus assessment
responses (CONTRACT §2.4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Unpack

from stride._generated import (
    Answer,
    Assessment,
    AssessmentCreate,
    AssessmentResponse,
    AssessmentsListParams,
    AssessmentUpdate,
    Cohort,
    CohortCreate,
    CohortsListParams,
    CohortUpdate,
)
from stride._request import call
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions
from stride.pagination import AsyncPageRequest, Page
from stride.resources._base import AsyncResource, SyncResource, path_id
from stride.resources._collection import AsyncCollection, SyncCollection

COHORTS = "/api/v1/learning/cohorts"
ASSESSMENTS = "/api/v1/learning/assessments"


def _responses_path(assessment_id: str) -> str:
    return f"{ASSESSMENTS}/{path_id(assessment_id)}/responses"


class Cohorts(SyncCollection[Cohort]):
    """Cohorts: list get create update (no delete)."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport, COHORTS, Cohort)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[CohortsListParams]) -> Page[Cohort]:
        return self._list(filters, request_options)

    def create(self, *, request_options: RequestOptions | None = None, **fields: Unpack[CohortCreate]) -> Cohort:
        return self._create(fields, request_options)

    def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
               request_options: RequestOptions | None = None, **fields: Unpack[CohortUpdate]) -> Cohort:
        return self._update(id, fields, version, if_match, request_options)


class AssessmentResponses(SyncResource):
    """`client.learning.assessments.responses`: answers to an open assessment."""

    def create(self, assessment_id: str, /, *, answers: Sequence[Answer],
               request_options: RequestOptions | None = None) -> AssessmentResponse:
        """Answer an open assessment as the caller (one response per person; a second → ConflictError)."""
        return self._request(AssessmentResponse, "POST", _responses_path(assessment_id), body={"answers": answers},
                             options=request_options)

    def list(self, assessment_id: str, /, *, limit: int | None = None,
             request_options: RequestOptions | None = None) -> Page[AssessmentResponse]:
        """Responses to an assessment the caller may see: personal records of their respondents (§1.4)."""
        def fetch(cursor: str | None) -> Any:
            query = {"limit": limit, "cursor": cursor}
            return self._transport.request(call("GET", _responses_path(assessment_id), query=query,
                                                options=request_options))

        return Page(fetch(None), AssessmentResponse, fetch)


class Assessments(SyncCollection[Assessment]):
    """Assessments: list get create update (no delete), and `responses`."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport, ASSESSMENTS, Assessment)
        self.responses = AssessmentResponses(transport)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[AssessmentsListParams]) -> Page[Assessment]:
        return self._list(filters, request_options)

    def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[AssessmentCreate]) -> Assessment:
        return self._create(fields, request_options)

    def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
               request_options: RequestOptions | None = None, **fields: Unpack[AssessmentUpdate]) -> Assessment:
        return self._update(id, fields, version, if_match, request_options)


class Learning:
    def __init__(self, transport: SyncTransport) -> None:
        self.cohorts = Cohorts(transport)
        self.assessments = Assessments(transport)


class AsyncCohorts(AsyncCollection[Cohort]):
    """Cohorts: list get create update (no delete)."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport, COHORTS, Cohort)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[CohortsListParams]) -> AsyncPageRequest[Cohort]:
        return self._list(filters, request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[CohortCreate]) -> Cohort:
        return await self._create(fields, request_options)

    async def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
                     request_options: RequestOptions | None = None, **fields: Unpack[CohortUpdate]) -> Cohort:
        return await self._update(id, fields, version, if_match, request_options)


class AsyncAssessmentResponses(AsyncResource):
    """`client.learning.assessments.responses`: answers to an open assessment."""

    async def create(self, assessment_id: str, /, *, answers: Sequence[Answer],
                     request_options: RequestOptions | None = None) -> AssessmentResponse:
        """Answer an open assessment as the caller (one response per person; a second → ConflictError)."""
        return await self._request(AssessmentResponse, "POST", _responses_path(assessment_id),
                                   body={"answers": answers}, options=request_options)

    def list(self, assessment_id: str, /, *, limit: int | None = None,
             request_options: RequestOptions | None = None) -> AsyncPageRequest[AssessmentResponse]:
        """Responses to an assessment the caller may see: personal records of their respondents (§1.4)."""
        async def fetch(cursor: str | None) -> Any:
            query = {"limit": limit, "cursor": cursor}
            return await self._transport.request(call("GET", _responses_path(assessment_id), query=query,
                                                      options=request_options))

        return AsyncPageRequest(AssessmentResponse, fetch)


class AsyncAssessments(AsyncCollection[Assessment]):
    """Assessments: list get create update (no delete), and `responses`."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport, ASSESSMENTS, Assessment)
        self.responses = AsyncAssessmentResponses(transport)

    def list(self, *, request_options: RequestOptions | None = None,
             **filters: Unpack[AssessmentsListParams]) -> AsyncPageRequest[Assessment]:
        return self._list(filters, request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[AssessmentCreate]) -> Assessment:
        return await self._create(fields, request_options)

    async def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
                     request_options: RequestOptions | None = None,
                     **fields: Unpack[AssessmentUpdate]) -> Assessment:
        return await self._update(id, fields, version, if_match, request_options)


class AsyncLearning:
    def __init__(self, transport: AsyncTransport) -> None:
        self.cohorts = AsyncCohorts(transport)
        self.assessments = AsyncAssessments(transport)
