"""The Data API through the Python SDK, shaped as the seeds show it: client.performance.goals,
client.performance.learning_records, client.okr.objectives/key_results, client.learning.cohorts/assessments —
each offering exactly the operations of its seed."""

from __future__ import annotations

import datetime

import pytest
import stride
from stride.models import PersonGoal

from tests.factories import Org
from tests.sdk_python.conftest import marker

# Seed 000..004: the operations each collection offers (CONTRACT §2.1).
OPERATIONS = {
    ("performance", "goals"): {"list", "get", "create", "update"},
    ("performance", "learning_records"): {"list", "get", "create"},
    ("okr", "objectives"): {"list", "get", "create", "update", "delete"},
    ("okr", "key_results"): {"list", "get", "create", "update", "delete"},
    ("learning", "cohorts"): {"list", "get", "create", "update"},
    ("learning", "assessments"): {"list", "get", "create", "update"},
}


@pytest.mark.parametrize(("domain", "collection"), sorted(OPERATIONS))
def test_each_namespace_offers_exactly_the_seeds_operations(
    client: stride.Client, domain: str, collection: str
) -> None:
    resource = getattr(getattr(client, domain), collection)
    offered = {
        name
        for name in ("list", "get", "create", "update", "delete")
        if callable(getattr(resource, name, None))
    }
    assert offered == OPERATIONS[(domain, collection)]


def test_goal_create_get_update_with_version_and_if_match(client: stride.Client, org: Org) -> None:
    created = client.performance.goals.create(
        title="Ship the SDK",
        period="2026-Q2",
        status="in_progress",
        progress_pct=10,
        category="development",
        target_date=datetime.date(2026, 6, 30),
    )
    assert isinstance(created, PersonGoal)
    assert created.id.startswith("pgl_") and created.version == 1
    assert created.person_id == org.people["exec"]
    assert created.target_date == datetime.datetime(2026, 6, 30, tzinfo=datetime.UTC)
    assert isinstance(created.created_at, datetime.datetime)
    assert client.performance.goals.get(created.id) == created

    updated = client.performance.goals.update(created.id, progress_pct=50, version=1)
    assert (updated.progress_pct, updated.version, updated.title) == (50, 2, "Ship the SDK")
    again = client.performance.goals.update(created.id, status="at_risk", if_match=2)
    assert (again.status, again.version) == ("at_risk", 3)
    cleared = client.performance.goals.update(created.id, category=None)
    assert cleared.category is None, "None clears a nullable field"


def test_create_ignores_the_read_only_fields_the_seeds_example_sends(client: stride.Client, org: Org) -> None:
    seed_example = {
        "id": "rec_01HXEXAMPLE",
        "tenant_id": "example tenant_id",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "app_id": "example app_id",
        "created_by": "rec_01HXEXAMPLE",
    }
    goal = client.performance.goals.create(title="Seed example goal", **seed_example)
    assert goal.id.startswith("pgl_") and goal.tenant_id == org.tenant_id
    assert goal.app_id is None and goal.created_by == org.people["exec"]


def test_an_employee_manages_their_own_goals(
    client: stride.Client, employee: stride.Client, org: Org
) -> None:
    goal = employee.performance.goals.create(title="Learn Python typing", period="2026-H1")
    assert goal.person_id == org.people["alice"]
    assert goal.id in [g.id for g in employee.performance.goals.list(mine=True)]
    assert client.performance.goals.get(goal.id).id == goal.id, "executives see every personal record"


def test_learning_records_are_append_only(client: stride.Client, employee: stride.Client, org: Org) -> None:
    provider = marker("provider")
    record = employee.performance.learning_records.create(
        title="AWS Solutions Architect",
        provider=provider,
        completed_at="2026-02-01",
        score=88,
        passed=True,
        expires_at=datetime.datetime(2029, 2, 1, tzinfo=datetime.UTC),
    )
    assert record.id.startswith("lrn_") and record.person_id == org.people["alice"]
    assert record.is_expired is False
    assert employee.performance.learning_records.get(record.id).score == 88
    assert [r.id for r in client.performance.learning_records.list(provider=provider)] == [record.id]
    with pytest.raises(stride.MethodNotAllowedError) as raised:  # the API refuses what the SDK does not offer
        client.request("PATCH", f"/api/v1/performance/learning-records/{record.id}", body={"title": "x"})
    assert raised.value.status == 405


def test_objectives_and_key_results_crud_check_ins_and_soft_delete(client: stride.Client) -> None:
    objective = client.okr.objectives.create(
        title="Grow the platform", period="2026-Annual", check_in_frequency="weekly", tags=["sdk"]
    )
    assert objective.id.startswith("obj_") and objective.status == "active"
    key_result = client.okr.key_results.create(
        objective_id=objective.id, title="Integrations live", baseline=0, target=10, unit="count"
    )
    assert key_result.id.startswith("krs_") and key_result.progress_pct == 0

    checked = client.okr.key_results.check_in(key_result.id, value=4, note="Week 1")
    assert (checked.current, checked.progress_pct, len(checked.history)) == (4, 40, 1)
    assert checked.history[0]["note"] == "Week 1" and checked.last_update_at is not None
    rolled = client.okr.objectives.get(objective.id)
    assert rolled.key_result_ids == [key_result.id] and rolled.progress_pct == 40

    done = client.okr.key_results.update(
        key_result.id, title="Integrations shipped", current=10, version=checked.version
    )
    assert (done.progress_pct, done.status) == (100, "achieved")
    assert [k.id for k in client.okr.key_results.list(objective_id=objective.id)] == [key_result.id]

    tag = marker("tag")
    updated = client.okr.objectives.update(objective.id, tags=["sdk", tag], status="completed")
    # json-array fields filter by containment: tags=x, tags=[x, y] (any of), tags={"contains": x}.
    assert [o.id for o in client.okr.objectives.list(tags=tag)] == [objective.id]
    assert [o.id for o in client.okr.objectives.list(tags=[marker("none"), tag])] == [objective.id]
    assert [o.id for o in client.okr.objectives.list(tags={"contains": tag})] == [objective.id]
    assert list(client.okr.objectives.list(tags=marker("none"))) == []

    client.okr.key_results.delete(key_result.id)
    with pytest.raises(stride.NotFoundError):
        client.okr.key_results.get(key_result.id)
    assert client.okr.key_results.get(key_result.id, include_deleted=True).is_deleted is True
    client.okr.objectives.delete(objective.id, if_match=updated.version)
    with pytest.raises(stride.NotFoundError):
        client.okr.objectives.get(objective.id)


def test_cohort_crud(client: stride.Client) -> None:
    program = marker("program")
    cohort = client.learning.cohorts.create(
        name="Spring leadership cohort",
        program_id=program,
        start_date="2026-03-01",
        end_date="2026-06-30",
        session_count=6,
        tags=["leadership"],
        metadata={"room": "B2"},
    )
    assert cohort.id.startswith("coh_") and cohort.status == "planned" and cohort.current_completion_pct == 0
    assert cohort.metadata == {"room": "B2"}
    updated = client.learning.cohorts.update(cohort.id, status="active", version=cohort.version)
    assert updated.status == "active" and client.learning.cohorts.get(cohort.id).version == 2
    assert [c.id for c in client.learning.cohorts.list(program_id=program, status="active")] == [cohort.id]


def test_assessment_crud_and_a_scored_response(
    client: stride.Client, employee: stride.Client, org: Org
) -> None:
    cohort = client.learning.cohorts.create(name="Python cohort", status="active")
    assessment = client.learning.assessments.create(
        kind="learning",
        name=marker("quiz"),
        target_cohort_id=cohort.id,
        pass_score=50,
        questions=[
            {"id": "q1", "text": "Is Python typed?", "type": "boolean", "correct": True, "required": True},
            {
                "id": "q2",
                "text": "Pick the runtime",
                "type": "single_choice",
                "options": ["cpython", "jvm"],
                "correct": "cpython",
            },
        ],
    )
    assert assessment.id.startswith("asm_") and assessment.status == "draft"
    assert client.learning.assessments.update(assessment.id, status="open").status == "open"

    response = employee.learning.assessments.responses.create(
        assessment.id, answers=[{"question_id": "q1", "value": True}, {"question_id": "q2", "value": "jvm"}]
    )
    assert (response.person_id, response.score, response.passed) == (org.people["alice"], 50, True)
    assert response.learning_record_id is not None
    record = employee.performance.learning_records.get(response.learning_record_id)
    assert (record.linked_assessment_id, record.linked_cohort_id) == (assessment.id, cohort.id)

    with pytest.raises(stride.ConflictError):
        employee.learning.assessments.responses.create(
            assessment.id, answers=[{"question_id": "q1", "value": True}]
        )
    assert [r.id for r in client.learning.assessments.responses.list(assessment.id)] == [response.id]
    assert client.learning.assessments.get(assessment.id).response_count == 1
    assert [a.id for a in client.learning.assessments.list(name=assessment.name)] == [assessment.id]


def test_models_keep_fields_a_newer_server_adds_and_enum_values_they_do_not_know() -> None:
    goal = PersonGoal.model_validate(
        {
            "id": "pgl_1",
            "tenant_id": "t",
            "app_id": None,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00.123456Z",
            "created_by": None,
            "updated_by": None,
            "source": "edm",
            "source_type": "api",
            "is_deleted": False,
            "deleted_at": None,
            "deleted_by": None,
            "schema_version": 1,
            "version": 1,
            "person_id": None,
            "title": "t",
            "description": None,
            "category": None,
            "period": None,
            "target_date": None,
            "status": "paused",
            "progress_pct": 0,
            "linked_objective_id": None,
            "review_cycle_id": None,
            "confidence": "high",
        }
    )
    assert goal.status == "paused"
    assert goal.confidence == "high"  # type: ignore[attr-defined]
    assert goal.model_dump()["confidence"] == "high"
