"""`client.reviews`: the Performance reviews API of seed 001 under /api/performance (CONTRACT §3):
templates, cycles, reviews, 360 feedback, pending actions, history and current goals."""

from __future__ import annotations

import builtins
from typing import Unpack, cast

from stride._generated import (
    BulkResult,
    CurrentGoals,
    Cycle,
    CycleCreate,
    CycleDetail,
    CycleUpdate,
    FeedbackBulkCreate,
    FeedbackRequest,
    FeedbackRequestCreate,
    FeedbackSubmit,
    GoalList,
    History,
    Pending,
    PreviousGoalsUpdate,
    Review,
    ReviewCreate,
    ReviewDetail,
    ReviewsListParams,
    ReviewUpdate,
    SubmitResult,
    SummaryInsufficient,
    SummarySufficient,
    Template,
    TemplateCreate,
    TemplateUpdate,
)
from stride._request import call
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions
from stride.resources._base import AsyncResource, SyncResource, path_id

BASE = "/api/performance"
FeedbackSummary = SummarySufficient | SummaryInsufficient
"""`sufficient=True` with the anonymised areas, or `sufficient=False` below the tenant's minimum."""


class Templates(SyncResource):
    """Review templates: the KPI items a review snapshots (extension, §3.1)."""

    def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[Template]:
        return self._request(list[Template], "GET", f"{BASE}/templates", options=request_options)

    def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> Template:
        return self._request(Template, "GET", f"{BASE}/templates/{path_id(id)}", options=request_options)

    def create(self, *, request_options: RequestOptions | None = None, **fields: Unpack[TemplateCreate]) -> Template:
        return self._request(Template, "POST", f"{BASE}/templates", body=fields, options=request_options)

    def update(self, id: str, /, *, request_options: RequestOptions | None = None,
               **fields: Unpack[TemplateUpdate]) -> Template:
        return self._request(Template, "PUT", f"{BASE}/templates/{path_id(id)}", body=fields,
                             options=request_options)

    def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        self._delete(f"{BASE}/templates/{path_id(id)}", options=request_options)


class Cycles(SyncResource):
    """Review cycles: draft → open ⇄ closed (§3.2)."""

    def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[Cycle]:
        """Executives and manage:performance see every cycle; others only open and closed ones."""
        return self._request(list[Cycle], "GET", f"{BASE}/cycles", options=request_options)

    def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> CycleDetail:
        """The cycle with review progress `stats`."""
        return self._request(CycleDetail, "GET", f"{BASE}/cycles/{path_id(id)}", options=request_options)

    def create(self, *, request_options: RequestOptions | None = None, **fields: Unpack[CycleCreate]) -> Cycle:
        """A new cycle, in status draft."""
        return self._request(Cycle, "POST", f"{BASE}/cycles", body=fields, options=request_options)

    def update(self, id: str, /, *, request_options: RequestOptions | None = None,
               **fields: Unpack[CycleUpdate]) -> Cycle:
        """Name, dates, status (`status="open"` opens a draft cycle)."""
        return self._request(Cycle, "PUT", f"{BASE}/cycles/{path_id(id)}", body=fields, options=request_options)

    def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        """Draft cycles only (else BadRequestError)."""
        self._delete(f"{BASE}/cycles/{path_id(id)}", options=request_options)


class Reviews(SyncResource):
    """Reviews: draft → self_assessment → in_review → ready_for_review → completed (§3.3)."""

    def list(self, *, request_options: RequestOptions | None = None,
             **params: Unpack[ReviewsListParams]) -> builtins.list[Review]:
        """Reviews visible to the caller, filtered by `cycle_id` and `status`."""
        return self._request(list[Review], "GET", f"{BASE}/reviews", query=params, options=request_options)

    def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> ReviewDetail:
        """Full detail: the review, KPI ratings, goals, previous reviews and (annual) KPI aggregation."""
        return self._request(ReviewDetail, "GET", f"{BASE}/reviews/{path_id(id)}", options=request_options)

    def create(self, *, request_options: RequestOptions | None = None, **fields: Unpack[ReviewCreate]) -> ReviewDetail:
        """One review per user per cycle (a second → ConflictError); the cycle must be open."""
        return self._request(ReviewDetail, "POST", f"{BASE}/reviews", body=fields, options=request_options)

    def update(self, id: str, /, *, request_options: RequestOptions | None = None,
               **fields: Unpack[ReviewUpdate]) -> ReviewDetail:
        """Fields, KPI ratings (by id), goals (replaces the list), status transitions."""
        return self._request(ReviewDetail, "PUT", f"{BASE}/reviews/{path_id(id)}", body=fields,
                             options=request_options)

    def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        """Draft reviews only (else BadRequestError)."""
        self._delete(f"{BASE}/reviews/{path_id(id)}", options=request_options)

    def update_previous_goals(self, id: str, /, *, request_options: RequestOptions | None = None,
                              **fields: Unpack[PreviousGoalsUpdate]) -> GoalList:
        """Mark goals of earlier completed reviews `completed` / `not_completed`."""
        return self._request(GoalList, "PUT", f"{BASE}/reviews/{path_id(id)}/previous-goals", body=fields,
                             options=request_options)


class FeedbackRequests(SyncResource):
    """Feedback requests assigned to the caller, and creating them."""

    def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[FeedbackRequest]:
        """The caller's pending requests as reviewer."""
        return self._request(list[FeedbackRequest], "GET", f"{BASE}/feedback/requests", options=request_options)

    def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[FeedbackRequestCreate]) -> FeedbackRequest:
        return self._request(FeedbackRequest, "POST", f"{BASE}/feedback/requests", body=fields,
                             options=request_options)

    def bulk(self, *, request_options: RequestOptions | None = None,
             **fields: Unpack[FeedbackBulkCreate]) -> BulkResult:
        """Select the subject's peers and request feedback from each: `created`, `total_peers`."""
        return self._request(BulkResult, "POST", f"{BASE}/feedback/requests/bulk", body=fields,
                             options=request_options)


class Feedback(SyncResource):
    """360 feedback (§3.4)."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport)
        self.requests = FeedbackRequests(transport)

    def submit(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[FeedbackSubmit]) -> SubmitResult:
        """Submit feedback for a pending request assigned to the caller."""
        return self._request(SubmitResult, "POST", f"{BASE}/feedback/submit", body=fields, options=request_options)

    def summary(self, user_id: str, /, *, cycle_id: str | None = None,
                request_options: RequestOptions | None = None) -> FeedbackSummary:
        """Anonymised aggregate feedback about a user (manager and above)."""
        found = self._transport.request(call("GET", f"{BASE}/feedback/summary/{path_id(user_id)}",
                                             query={"cycle_id": cycle_id}, options=request_options,
                                             cast_to=FeedbackSummary))
        return cast(FeedbackSummary, found)


class PendingActions(SyncResource):
    """The caller's pending actions (§3.5)."""

    def get(self, *, request_options: RequestOptions | None = None) -> Pending:
        return self._request(Pending, "GET", f"{BASE}/pending", options=request_options)


class ReviewHistory(SyncResource):
    """Trend data over a user's completed reviews."""

    def get(self, user_id: str, /, *, request_options: RequestOptions | None = None) -> History:
        return self._request(History, "GET", f"{BASE}/reviews/history/{path_id(user_id)}", options=request_options)


class ReviewGoals(SyncResource):
    """Goals of the caller's most recent completed review (the dashboard's "current goals")."""

    def current(self, *, request_options: RequestOptions | None = None) -> CurrentGoals:
        return self._request(CurrentGoals, "GET", f"{BASE}/goals/current", options=request_options)


class PerformanceReviews:
    def __init__(self, transport: SyncTransport) -> None:
        self.templates = Templates(transport)
        self.cycles = Cycles(transport)
        self.reviews = Reviews(transport)
        self.feedback = Feedback(transport)
        self.pending = PendingActions(transport)
        self.history = ReviewHistory(transport)
        self.goals = ReviewGoals(transport)


class AsyncTemplates(AsyncResource):
    """Review templates: the KPI items a review snapshots (extension, §3.1)."""

    async def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[Template]:
        return await self._request(list[Template], "GET", f"{BASE}/templates", options=request_options)

    async def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> Template:
        return await self._request(Template, "GET", f"{BASE}/templates/{path_id(id)}", options=request_options)

    async def create(self, *, request_options: RequestOptions | None = None, **fields: Unpack[TemplateCreate]) -> Template:
        return await self._request(Template, "POST", f"{BASE}/templates", body=fields, options=request_options)

    async def update(self, id: str, /, *, request_options: RequestOptions | None = None,
               **fields: Unpack[TemplateUpdate]) -> Template:
        return await self._request(Template, "PUT", f"{BASE}/templates/{path_id(id)}", body=fields,
                             options=request_options)

    async def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        await self._delete(f"{BASE}/templates/{path_id(id)}", options=request_options)


class AsyncCycles(AsyncResource):
    """Review cycles: draft → open ⇄ closed (§3.2)."""

    async def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[Cycle]:
        """Executives and manage:performance see every cycle; others only open and closed ones."""
        return await self._request(list[Cycle], "GET", f"{BASE}/cycles", options=request_options)

    async def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> CycleDetail:
        """The cycle with review progress `stats`."""
        return await self._request(CycleDetail, "GET", f"{BASE}/cycles/{path_id(id)}", options=request_options)

    async def create(self, *, request_options: RequestOptions | None = None, **fields: Unpack[CycleCreate]) -> Cycle:
        """A new cycle, in status draft."""
        return await self._request(Cycle, "POST", f"{BASE}/cycles", body=fields, options=request_options)

    async def update(self, id: str, /, *, request_options: RequestOptions | None = None,
               **fields: Unpack[CycleUpdate]) -> Cycle:
        """Name, dates, status (`status="open"` opens a draft cycle)."""
        return await self._request(Cycle, "PUT", f"{BASE}/cycles/{path_id(id)}", body=fields, options=request_options)

    async def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        """Draft cycles only (else BadRequestError)."""
        await self._delete(f"{BASE}/cycles/{path_id(id)}", options=request_options)


class AsyncReviews(AsyncResource):
    """Reviews: draft → self_assessment → in_review → ready_for_review → completed (§3.3)."""

    async def list(self, *, request_options: RequestOptions | None = None,
             **params: Unpack[ReviewsListParams]) -> builtins.list[Review]:
        """Reviews visible to the caller, filtered by `cycle_id` and `status`."""
        return await self._request(list[Review], "GET", f"{BASE}/reviews", query=params, options=request_options)

    async def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> ReviewDetail:
        """Full detail: the review, KPI ratings, goals, previous reviews and (annual) KPI aggregation."""
        return await self._request(ReviewDetail, "GET", f"{BASE}/reviews/{path_id(id)}", options=request_options)

    async def create(self, *, request_options: RequestOptions | None = None, **fields: Unpack[ReviewCreate]) -> ReviewDetail:
        """One review per user per cycle (a second → ConflictError); the cycle must be open."""
        return await self._request(ReviewDetail, "POST", f"{BASE}/reviews", body=fields, options=request_options)

    async def update(self, id: str, /, *, request_options: RequestOptions | None = None,
               **fields: Unpack[ReviewUpdate]) -> ReviewDetail:
        """Fields, KPI ratings (by id), goals (replaces the list), status transitions."""
        return await self._request(ReviewDetail, "PUT", f"{BASE}/reviews/{path_id(id)}", body=fields,
                             options=request_options)

    async def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        """Draft reviews only (else BadRequestError)."""
        await self._delete(f"{BASE}/reviews/{path_id(id)}", options=request_options)

    async def update_previous_goals(self, id: str, /, *, request_options: RequestOptions | None = None,
                              **fields: Unpack[PreviousGoalsUpdate]) -> GoalList:
        """Mark goals of earlier completed reviews `completed` / `not_completed`."""
        return await self._request(GoalList, "PUT", f"{BASE}/reviews/{path_id(id)}/previous-goals", body=fields,
                             options=request_options)


class AsyncFeedbackRequests(AsyncResource):
    """Feedback requests assigned to the caller, and creating them."""

    async def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[FeedbackRequest]:
        """The caller's pending requests as reviewer."""
        return await self._request(list[FeedbackRequest], "GET", f"{BASE}/feedback/requests", options=request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[FeedbackRequestCreate]) -> FeedbackRequest:
        return await self._request(FeedbackRequest, "POST", f"{BASE}/feedback/requests", body=fields,
                             options=request_options)

    async def bulk(self, *, request_options: RequestOptions | None = None,
             **fields: Unpack[FeedbackBulkCreate]) -> BulkResult:
        """Select the subject's peers and request feedback from each: `created`, `total_peers`."""
        return await self._request(BulkResult, "POST", f"{BASE}/feedback/requests/bulk", body=fields,
                             options=request_options)


class AsyncFeedback(AsyncResource):
    """360 feedback (§3.4)."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport)
        self.requests = AsyncFeedbackRequests(transport)

    async def submit(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[FeedbackSubmit]) -> SubmitResult:
        """Submit feedback for a pending request assigned to the caller."""
        return await self._request(SubmitResult, "POST", f"{BASE}/feedback/submit", body=fields, options=request_options)

    async def summary(self, user_id: str, /, *, cycle_id: str | None = None,
                request_options: RequestOptions | None = None) -> FeedbackSummary:
        """Anonymised aggregate feedback about a user (manager and above)."""
        found = await self._transport.request(call("GET", f"{BASE}/feedback/summary/{path_id(user_id)}",
                                             query={"cycle_id": cycle_id}, options=request_options,
                                             cast_to=FeedbackSummary))
        return cast(FeedbackSummary, found)


class AsyncPendingActions(AsyncResource):
    """The caller's pending actions (§3.5)."""

    async def get(self, *, request_options: RequestOptions | None = None) -> Pending:
        return await self._request(Pending, "GET", f"{BASE}/pending", options=request_options)


class AsyncReviewHistory(AsyncResource):
    """Trend data over a user's completed reviews."""

    async def get(self, user_id: str, /, *, request_options: RequestOptions | None = None) -> History:
        return await self._request(History, "GET", f"{BASE}/reviews/history/{path_id(user_id)}", options=request_options)


class AsyncReviewGoals(AsyncResource):
    """Goals of the caller's most recent completed review (the dashboard's "current goals")."""

    async def current(self, *, request_options: RequestOptions | None = None) -> CurrentGoals:
        return await self._request(CurrentGoals, "GET", f"{BASE}/goals/current", options=request_options)


class AsyncPerformanceReviews:
    def __init__(self, transport: AsyncTransport) -> None:
        self.templates = AsyncTemplates(transport)
        self.cycles = AsyncCycles(transport)
        self.reviews = AsyncReviews(transport)
        self.feedback = AsyncFeedback(transport)
        self.pending = AsyncPendingActions(transport)
        self.history = AsyncReviewHistory(transport)
        self.goals = AsyncReviewGoals(transport)
