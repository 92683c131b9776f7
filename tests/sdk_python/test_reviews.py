"""The Performance reviews API (seed 001) through client.reviews: templates, cycles, reviews, 360
feedback, pending actions, history and current goals."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
import stride
from stride.models import SummaryInsufficient, SummarySufficient

from tests.factories import Org
from tests.sdk_python.conftest import marker


def _open_cycle(client: stride.Client) -> stride.Cycle:
    cycle = client.reviews.cycles.create(
        type="quarterly",
        name=marker("cycle"),
        period_start="2026-01-01",
        period_end=datetime.date(2026, 3, 31),
        due_date="2026-04-15",
    )
    assert cycle.status == "draft" and cycle.period_end == datetime.date(2026, 3, 31)
    opened = client.reviews.cycles.update(cycle.id, status="open")
    assert opened.status == "open"
    return opened


def test_templates_create_get_list_update_delete(client: stride.Client) -> None:
    template = client.reviews.templates.create(
        name=marker("template"),
        access_level="head",
        items=[
            {"area": "performance", "label": "Billable hours target", "is_mandatory": True, "sort_order": 0},
            {"area": "development", "label": "Certification", "is_mandatory": False, "sort_order": 1},
        ],
    )
    assert template.id.startswith("tpl_") and [item.label for item in template.items] == [
        "Billable hours target",
        "Certification",
    ]
    assert client.reviews.templates.get(template.id).name == template.name
    assert template.id in [t.id for t in client.reviews.templates.list()]
    assert (
        client.reviews.templates.update(template.id, name=template.name + " v2").name == template.name + " v2"
    )
    client.reviews.templates.delete(template.id)
    with pytest.raises(stride.NotFoundError):
        client.reviews.templates.get(template.id)


def test_cycles_open_stats_and_only_drafts_deleted(client: stride.Client) -> None:
    cycle = _open_cycle(client)
    assert cycle.id in [c.id for c in client.reviews.cycles.list()]
    assert client.reviews.cycles.get(cycle.id).stats.total == 0
    with pytest.raises(stride.BadRequestError):
        client.reviews.cycles.delete(cycle.id)
    draft = client.reviews.cycles.create(
        type="annual", name=marker("annual"), period_start="2026-01-01", period_end="2026-12-31"
    )
    client.reviews.cycles.delete(draft.id)
    with pytest.raises(stride.NotFoundError):
        client.reviews.cycles.get(draft.id)


def test_a_review_from_creation_to_completion_with_history_and_current_goals(
    client: stride.Client, employee: stride.Client, org: Org
) -> None:
    alice = org.people["alice"]
    cycle = _open_cycle(client)
    created = client.reviews.reviews.create(cycle_id=cycle.id, user_id=alice)
    review_id = created.review.id
    assert review_id.startswith("rev_") and created.review.reviewer_id == org.people["exec"]
    with pytest.raises(stride.ConflictError):
        client.reviews.reviews.create(cycle_id=cycle.id, user_id=alice)
    listed = client.reviews.reviews.list(cycle_id=cycle.id)
    assert [r.id for r in listed] == [review_id] and listed[0].cycle_name == cycle.name

    client.reviews.reviews.update(
        review_id,
        status="self_assessment",
        strengths="Strong delivery",
        goals=[
            {
                "goal": "AI certification",
                "success_measures": "Certificate obtained",
                "support_needed": "Budget",
                "sort_order": 0,
            }
        ],
    )
    pending = employee.reviews.pending.get()
    assert pending.self_assessments >= 1 and pending.open_cycles >= 1
    for status in ("in_review", "ready_for_review", "completed"):
        client.reviews.reviews.update(review_id, status=status)  # type: ignore[arg-type]

    detail = client.reviews.reviews.get(review_id)
    assert (detail.review.status, detail.review.strengths) == ("completed", "Strong delivery")
    assert detail.goals[0].goal == "AI certification" and detail.review.completed_at is not None
    assert review_id in [h.review_id for h in client.reviews.history.get(alice).history]
    current = employee.reviews.goals.current()
    assert current.cycle_name == cycle.name and [g.goal for g in current.goals] == ["AI certification"]

    with pytest.raises(stride.BadRequestError):
        client.reviews.reviews.update(review_id, status="draft")


def test_360_feedback_request_submit_and_anonymous_summary(
    client: stride.Client, org: Org, client_for: Callable[..., stride.Client]
) -> None:
    alice = org.people["alice"]
    cycle = _open_cycle(client)
    request = client.reviews.feedback.requests.create(
        cycle_id=cycle.id, subject_id=alice, reviewer_id=org.people["exec"], due_date="2026-04-01"
    )
    assert request.status == "pending" and request.due_date == datetime.date(2026, 4, 1)
    assert request.id in [r.id for r in client.reviews.feedback.requests.list()]

    submitted = client.reviews.feedback.submit(
        request_id=request.id,
        performance_rating="exceeding",
        performance_comment="Consistently exceeds targets",
        overall_comment="Strong contributor",
    )
    assert (submitted.request_id, submitted.status) == (request.id, "submitted")
    with pytest.raises(stride.ConflictError):
        client.reviews.feedback.submit(request_id=request.id)

    # Released at the close (§3.4a.1); the executive wrote it, so to her it does not count (§3.4a.2).
    assert client.reviews.feedback.summary(alice, cycle_id=cycle.id).response_count == 0
    client.reviews.cycles.update(cycle.id, status="closed")
    own = client.reviews.feedback.summary(alice, cycle_id=cycle.id)
    assert isinstance(own, SummaryInsufficient) and own.response_count == 1
    summary = client_for("head").reviews.feedback.summary(alice, cycle_id=cycle.id)
    assert isinstance(summary, SummarySufficient)
    assert summary.response_count == 1 and summary.areas["performance"].ratings == {"exceeding": 1}
    assert summary.overall_comments == ["Strong contributor"]
    assert summary.by_direction.peer.response_count == 1

    client.reviews.cycles.update(cycle.id, status="open")  # requests need an open cycle
    bulk = client.reviews.feedback.requests.bulk(cycle_id=cycle.id, subject_id=alice)
    assert bulk.total_peers >= bulk.created >= 0
