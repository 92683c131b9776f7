"""Lists through the SDK (CONTRACT §2.5): pages that iterate across cursors, filters as keyword
arguments; and errors (§5) as one exception class per status carrying the problem document."""

from __future__ import annotations

import pytest
import stride

from tests.sdk_python.conftest import marker


def test_iterating_a_page_walks_every_record_across_cursors(client: stride.Client) -> None:
    category = marker("page")
    created = [client.performance.goals.create(title=f"Paged {i}", category=category) for i in range(5)]

    first = client.performance.goals.list(category=category, limit=2)
    assert isinstance(first, stride.Page)
    assert len(first.data) == 2 and first.has_more and first.next_cursor
    seen = [goal.id for goal in first]
    assert seen == [goal.id for goal in reversed(created)], "every record once, newest first"

    pages = list(client.performance.goals.list(category=category, limit=2).iter_pages())
    assert [len(page.data) for page in pages] == [2, 2, 1]
    assert not pages[-1].has_next_page() and pages[-1].next_page() is None

    counted = client.performance.goals.list(category=category, limit=2, count=True)
    assert counted.total == 5
    assert len(counted.to_list(3)) == 3
    resumed = client.performance.goals.list(category=category, limit=2, cursor=first.next_cursor)
    assert [goal.id for goal in resumed] == seen[2:], "a saved cursor resumes the walk"


def test_filters_equality_any_of_operators_search_and_sort(client: stride.Client) -> None:
    category = marker("filter")
    for title, status, progress in (
        ("Alpha quarterly goal", "at_risk", 20),
        ("Bravo goal", "at_risk", 70),
        ("Charlie goal", "in_progress", 40),
        ("Delta goal", "completed", 100),
    ):
        client.performance.goals.create(title=title, category=category, status=status, progress_pct=progress)

    def titles(**filters: object) -> list[str]:
        return [goal.title for goal in client.performance.goals.list(category=category, **filters)]  # type: ignore[arg-type]

    assert sorted(titles(status="at_risk")) == ["Alpha quarterly goal", "Bravo goal"]
    assert len(titles(status=["at_risk", "in_progress"])) == 3
    assert sorted(titles(progress_pct={"gte": 40, "lt": 100})) == ["Bravo goal", "Charlie goal"]
    assert len(titles(description={"is_null": True})) == 4
    assert titles(sort="title") == ["Alpha quarterly goal", "Bravo goal", "Charlie goal", "Delta goal"]
    assert titles(sort=["-progress_pct"])[0] == "Delta goal"
    assert titles(q="QUARTERLY") == ["Alpha quarterly goal"]


def test_a_bad_query_parameter_is_a_bad_request_error(client: stride.Client) -> None:
    with pytest.raises(stride.BadRequestError) as raised:
        client.performance.goals.list(limit=1000)
    assert raised.value.status == 400


def test_422_is_a_validation_error_naming_the_fields(client: stride.Client) -> None:
    with pytest.raises(stride.ValidationError) as raised:
        client.performance.goals.create(title="Bad", period="Q2 2026")
    error = raised.value
    assert isinstance(error, stride.StrideError)
    assert error.status == 422 and error.problem["status"] == 422
    assert error.type and error.type.startswith("https://stride.dev/problems/")
    assert error.title and error.request_id and error.slug
    assert "period" in [field["field"] for field in error.errors], error.errors
    assert "422" in str(error) and "/api/v1/performance/goals" in str(error)


def test_404_is_a_not_found_error(client: stride.Client) -> None:
    with pytest.raises(stride.NotFoundError) as raised:
        client.okr.objectives.get("obj_01J00000000000000000000000")
    assert raised.value.status == 404 and raised.value.title


def test_409_on_a_stale_version_carries_the_current_record(client: stride.Client) -> None:
    goal = client.performance.goals.create(title="Contended")
    client.performance.goals.update(goal.id, title="First writer")
    with pytest.raises(stride.ConflictError) as raised:
        client.performance.goals.update(goal.id, title="Second writer", version=1)
    assert raised.value.status == 409
    assert raised.value.current is not None
    assert (raised.value.current["version"], raised.value.current["title"]) == (2, "First writer")


def test_412_on_a_stale_if_match(client: stride.Client) -> None:
    goal = client.performance.goals.create(title="Preconditioned")
    with pytest.raises(stride.PreconditionFailedError):
        client.performance.goals.update(goal.id, title="x", if_match='"7"')
    objective = client.okr.objectives.create(title="Kept", period="2026-Q3")
    with pytest.raises(stride.PreconditionFailedError):
        client.okr.objectives.delete(objective.id, if_match=objective.version + 1)


def test_403_when_visible_but_not_permitted(client: stride.Client, employee: stride.Client) -> None:
    objective = client.okr.objectives.create(title="Exec objective", period="2026-Q3")
    # An employee has update:okr but not manage:okr, needed to delete someone else's objective.
    with pytest.raises(stride.PermissionDeniedError):
        employee.okr.objectives.delete(objective.id)


def test_405_when_the_collection_does_not_offer_the_operation(client: stride.Client) -> None:
    goal = client.performance.goals.create(title="Not deletable")
    with pytest.raises(stride.MethodNotAllowedError):
        client.request("DELETE", f"/api/v1/performance/goals/{goal.id}")


def test_401_for_a_bad_token(server: str) -> None:
    with (
        stride.Client(server, token="not-a-jwt") as anonymous,
        pytest.raises(stride.AuthenticationError) as raised,
    ):
        anonymous.performance.goals.list()
    assert raised.value.status == 401
