"""Bounded work per list request (CONTRACT §2.5): "At most 20 filter parameters and a `q` of at most 200
characters per request, else 400." Checked before any filter is parsed."""

from __future__ import annotations

import httpx

from tests.core.test_malformed_input import assert_problem

OBJECTIVES, COHORTS = "/api/v1/okr/objectives", "/api/v1/learning/cohorts"
TIMEOUT = httpx.Timeout(10.0)

# Twenty distinct, valid filters on Objective, each on its own field.
TWENTY = [
    ("title[ne]", "x"),
    ("period[ne]", "1999-Q1"),
    ("status", "draft,active,completed,cancelled"),
    ("category[ne]", "x"),
    ("owner_id[ne]", "usr_x"),
    ("group_id[ne]", "grp_x"),
    ("parent_objective_id[ne]", "obj_x"),
    ("progress_pct[gte]", "0"),
    ("weight[ne]", "-1"),
    ("tags[is_null]", "true"),
    ("key_result_ids[is_null]", "false"),
    ("linked_project_ids[is_null]", "true"),
    ("created_at[lt]", "2999-01-01T00:00:00Z"),
    ("updated_at[gt]", "2000-01-01T00:00:00Z"),
    ("source_type[ne]", "system"),
    ("is_deleted", "false"),
    ("schema_version[gte]", "0"),
    ("version[gte]", "0"),
    ("description[ne]", "x"),
    ("id[ne]", "obj_x"),
]


async def _list(api: httpx.AsyncClient, org, path: str, params: list[tuple[str, str]]) -> httpx.Response:  # type: ignore[no-untyped-def]
    return await api.get(path, params=params, headers=org.headers("exec"), timeout=TIMEOUT)


async def test_twenty_filters_are_accepted_and_list_parameters_are_not_filters(api, org) -> None:  # type: ignore[no-untyped-def]
    """§2.5: "At most 20 filter parameters"; limit, cursor, sort, q, mine, include_deleted and count are
    not filters."""
    created = await api.post(
        OBJECTIVES, json={"title": "Bounded", "period": "2026-Q1"}, headers=org.headers("exec")
    )
    assert created.status_code == 201, created.text
    response = await _list(api, org, OBJECTIVES, TWENTY)
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["data"]] == [created.json()["id"]]

    extras = [("limit", "10"), ("sort", "-created_at"), ("mine", "false"), ("count", "true")]
    response = await _list(api, org, OBJECTIVES, [*TWENTY, *extras])
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 1
    response = await _list(api, org, OBJECTIVES, [*TWENTY, ("q", "bounded")])
    assert response.status_code == 200, response.text


async def test_twenty_one_filters_are_400(api, org) -> None:  # type: ignore[no-untyped-def]
    """§2.5: "At most 20 filter parameters ... per request, else 400"."""
    problem = assert_problem(await _list(api, org, OBJECTIVES, [*TWENTY, ("title[ne]", "y")]), 400)
    assert "21 filter parameters" in problem["detail"] and "at most 20" in problem["detail"]


async def test_a_repeated_filter_counts_each_time(api, org) -> None:  # type: ignore[no-untyped-def]
    """§2.5: "At most 20 filter parameters": the same `field[op]` twenty-one times is twenty-one filters."""
    assert (await _list(api, org, COHORTS, [("name[ne]", str(i)) for i in range(20)])).status_code == 200
    problem = assert_problem(await _list(api, org, COHORTS, [("name[ne]", str(i)) for i in range(21)]), 400)
    assert "at most 20" in problem["detail"]


async def test_q_of_200_characters_is_accepted_and_201_is_400(api, org) -> None:  # type: ignore[no-untyped-def]
    """§2.5: "a `q` of at most 200 characters per request, else 400" (characters, not bytes)."""
    for q in ("a" * 200, "é" * 200, "goal " * 40):
        response = await _list(api, org, OBJECTIVES, [("q", q)])
        assert response.status_code == 200, (len(q), response.text)
    for q in ("a" * 201, "é" * 201, "x" * 10_000):
        problem = assert_problem(await _list(api, org, OBJECTIVES, [("q", q)]), 400)
        assert "at most 200" in problem["detail"], problem


async def test_three_thousand_filters_are_refused_before_any_is_parsed(api, org) -> None:  # type: ignore[no-untyped-def]
    """§2.5: "At most 20 filter parameters ... else 400", before the work: the first parameter names an
    unknown field, so a refusal that parsed filters first would say so instead of counting them."""
    params = [("no_such_field", "1"), *[("title[ne]", str(i)) for i in range(2_999)]]
    problem = assert_problem(await _list(api, org, OBJECTIVES, params), 400)
    assert "3000 filter parameters" in problem["detail"], problem
    params = [("q", "x" * 201), ("no_such_field", "1")]
    assert "at most 200" in assert_problem(await _list(api, org, OBJECTIVES, params), 400)["detail"]


async def test_list_operations_document_the_bounds(api) -> None:  # type: ignore[no-untyped-def]
    """§2.5: "At most 20 filter parameters and a `q` of at most 200 characters per request", in OpenAPI."""
    paths = (await api.get("/openapi.json")).json()["paths"]
    for path in (OBJECTIVES, COHORTS):
        operation = paths[path]["get"]
        assert "At most 20 filter parameters" in operation["description"]
        q = next(p for p in operation["parameters"] if p["name"] == "q")
        assert q["schema"]["maxLength"] == 200
