"""One valid body per Data API entity, for the tests that run over every entity (CRUD, visibility):
adding an entity adds its line here. `word` goes into the searchable title or name."""

from __future__ import annotations

from typing import Any

from tests.factories import Org


def minimal_body(entity_name: str, org: Org, refs: dict[str, Any], word: str = "Sample") -> dict[str, Any]:
    """The fewest fields a create of the entity needs (`refs["objective"]` for a key result)."""
    return {
        "PersonGoal": {"title": f"{word} goal", "person_id": org.people["alice"]},
        "LearningRecord": {"title": f"{word} course", "person_id": org.people["alice"]},
        "Objective": {"title": f"{word} objective", "period": "2026-Q4"},
        "KeyResult": {"title": f"{word} key result", "objective_id": refs.get("objective"), "target": 100},
        "Cohort": {"name": f"{word} cohort"},
        "Assessment": {"kind": "survey", "name": f"{word} survey"},
    }[entity_name]
