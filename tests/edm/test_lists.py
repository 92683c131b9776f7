"""Lists per CONTRACT §2.5: filters and operators, mine, q, sort, keyset cursors, limits, count."""

from __future__ import annotations

import asyncio

import pytest

OBJECTIVES, GOALS, COHORTS = "/api/v1/okr/objectives", "/api/v1/performance/goals", "/api/v1/learning/cohorts"


async def create(api, org, path, body, who="exec"):  # type: ignore[no-untyped-def]
    response = await api.post(path, json=body, headers=org.headers(who))
    assert response.status_code == 201, response.text
    return response.json()


async def ids(api, org, path, who="exec", **params):  # type: ignore[no-untyped-def]
    response = await api.get(path, params=params, headers=org.headers(who))
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["data"]]


async def walk(api, org, path, who="exec", **params) -> list[str]:  # type: ignore[no-untyped-def]
    seen, cursor = [], None
    for _ in range(100):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = (await api.get(path, params=query, headers=org.headers(who))).json()
        seen += [r["id"] for r in page["data"]]
        cursor = page["next_cursor"]
        assert page["has_more"] is (cursor is not None)
        if cursor is None:
            return seen
    raise AssertionError("pagination did not end")


@pytest.fixture
async def objectives(api, org):  # type: ignore[no-untyped-def]
    specs = [
        ("Grow revenue in EMEA", "2026-Q1", 0.5, ["sales", "emea"], "active", "growth"),
        ("Grow revenue in APAC", "2026-Q2", 0.3, ["sales"], "draft", "growth"),
        ("Hire ten engineers", "2026-Q1", 1.0, ["hiring"], "active", None),
        ("Reduce churn", "2026-H1", 0.8, None, "completed", "retention"),
        ("Launch the mobile app", "2026-Annual", 0.2, ["product", "emea"], "active", "product"),
    ]
    out = []
    for title, period, weight, tags, status, category in specs:
        body = {"title": title, "period": period, "weight": weight, "status": status}
        if tags is not None:
            body["tags"] = tags
        if category is not None:
            body["category"] = category
        out.append(await create(api, org, OBJECTIVES, body))
    return out


async def test_default_order_is_newest_first(api, org, objectives) -> None:  # type: ignore[no-untyped-def]
    assert await ids(api, org, OBJECTIVES) == [o["id"] for o in reversed(objectives)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"period": "2026-Q1"}, [0, 2]),
        ({"period": "2026-Q1,2026-H1"}, [0, 2, 3]),
        ({"period[in]": "2026-Q2,2026-H1"}, [1, 3]),
        ({"period[ne]": "2026-Q1"}, [1, 3, 4]),
        ({"weight[gt]": "0.5"}, [2, 3]),
        ({"weight[gte]": "0.5"}, [0, 2, 3]),
        ({"weight[lt]": "0.3"}, [4]),
        ({"weight[lte]": "0.3"}, [1, 4]),
        ({"tags[contains]": "emea"}, [0, 4]),
        ({"tags[contains]": "sales,hiring"}, [0, 1, 2]),
        ({"tags[is_null]": "true"}, [3]),
        ({"category[is_null]": "false", "status": "active"}, [0, 4]),
        ({"category[ne]": "growth"}, [2, 3, 4]),
        ({"status": "draft"}, [1]),
    ],
)
async def test_filters(api, org, objectives, params, expected) -> None:  # type: ignore[no-untyped-def]
    found = await ids(api, org, OBJECTIVES, **params)
    assert sorted(found) == sorted(objectives[i]["id"] for i in expected)


@pytest.mark.parametrize(
    "params",
    [
        {"colour": "red"},
        {"title[like]": "x"},
        {"weight[gt]": "heavy"},
        {"status": "paused"},
        {"created_at[gt]": "yesterday"},
        {"is_deleted": "maybe"},
        {"sort": "tags"},
        {"sort": "nope"},
        {"limit": "0"},
        {"limit": "201"},
        {"limit": "ten"},
        {"cursor": "not-a-cursor"},
        {"mine": "yes"},
        {"weight[contains]": "1"},
        {"tags[gt]": "a"},
    ],
)
async def test_bad_list_parameters_are_400(api, org, params) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(OBJECTIVES, params=params, headers=org.headers("exec"))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_search_is_case_insensitive_prefix_and_ranked(api, org, objectives) -> None:  # type: ignore[no-untyped-def]
    found = await ids(api, org, OBJECTIVES, q="REVENUE")
    assert sorted(found) == sorted([objectives[0]["id"], objectives[1]["id"]])
    assert await ids(api, org, OBJECTIVES, q="engin") == [objectives[2]["id"]]
    # "emea revenue" matches both words only in the first objective
    assert await ids(api, org, OBJECTIVES, q="revenue emea") == [objectives[0]["id"]]
    assert await ids(api, org, OBJECTIVES, q="zzz") == []
    assert await ids(api, org, OBJECTIVES, q="!!!") == []
    # category is searched too
    assert await ids(api, org, OBJECTIVES, q="retention") == [objectives[3]["id"]]


async def test_search_ranks_better_matches_first(api, org) -> None:  # type: ignore[no-untyped-def]
    weak = await create(
        api,
        org,
        OBJECTIVES,
        {"title": "Quality", "period": "2026-Q1", "description": "Some words about many things"},
    )
    strong = await create(api, org, OBJECTIVES, {"title": "Quality quality quality", "period": "2026-Q1"})
    assert await ids(api, org, OBJECTIVES, q="quality") == [strong["id"], weak["id"]]


async def test_sort_by_fields(api, org, objectives) -> None:  # type: ignore[no-untyped-def]
    by_weight = await ids(api, org, OBJECTIVES, sort="weight")
    assert by_weight == [objectives[i]["id"] for i in (4, 1, 0, 3, 2)]
    by_category = await ids(api, org, OBJECTIVES, sort="-category,title")
    # descending puts nulls first, then growth/growth by title, product, retention reversed
    assert by_category[0] == objectives[2]["id"]
    assert by_category[1:] == [objectives[i]["id"] for i in (3, 4, 1, 0)]


@pytest.mark.parametrize(
    "sort",
    [
        "-created_at",
        "created_at",
        "title",
        "-weight",
        "category",
        "-category,weight",
        "status,-title",
        "-tags_absent",
    ],
)
async def test_cursor_walk_visits_every_record_once(api, org, sort) -> None:  # type: ignore[no-untyped-def]
    if sort == "-tags_absent":
        sort = "-check_in_frequency"  # all null: ties broken by id
    for i in range(13):
        await create(
            api,
            org,
            OBJECTIVES,
            {
                "title": f"T{i % 4}",
                "period": "2026-Q1",
                "weight": (i % 3 + 1) / 3,
                **({"category": f"c{i % 2}"} if i % 3 else {}),
            },
        )
    everything = await ids(api, org, OBJECTIVES, sort=sort, limit=200)
    walked = await walk(api, org, OBJECTIVES, sort=sort, limit=4)
    assert walked == everything and len(set(walked)) == 13


async def test_cursor_is_stable_under_concurrent_inserts(api, org) -> None:  # type: ignore[no-untyped-def]
    for i in range(10):
        await create(api, org, OBJECTIVES, {"title": f"Old {i}", "period": "2026-Q1"})
    before = await ids(api, org, OBJECTIVES, limit=200)
    first = (await api.get(OBJECTIVES, params={"limit": 3}, headers=org.headers("exec"))).json()
    await asyncio.gather(
        *(create(api, org, OBJECTIVES, {"title": f"New {i}", "period": "2026-Q1"}) for i in range(5))
    )
    rest = await walk(api, org, OBJECTIVES, limit=3, cursor=first["next_cursor"])
    assert [r["id"] for r in first["data"]] + rest == before


async def test_cursor_with_other_filters_is_400(api, org, objectives) -> None:  # type: ignore[no-untyped-def]
    page = (await api.get(OBJECTIVES, params={"limit": 2}, headers=org.headers("exec"))).json()
    other = await api.get(
        OBJECTIVES,
        params={"limit": 2, "status": "active", "cursor": page["next_cursor"]},
        headers=org.headers("exec"),
    )
    assert other.status_code == 400
    resorted = await api.get(
        OBJECTIVES,
        params={"limit": 2, "sort": "title", "cursor": page["next_cursor"]},
        headers=org.headers("exec"),
    )
    assert resorted.status_code == 400
    same = await api.get(
        OBJECTIVES, params={"limit": 2, "cursor": page["next_cursor"]}, headers=org.headers("exec")
    )
    assert same.status_code == 200


async def test_count_and_limits(api, org, objectives) -> None:  # type: ignore[no-untyped-def]
    page = (
        await api.get(OBJECTIVES, params={"limit": 2, "count": "true"}, headers=org.headers("exec"))
    ).json()
    assert page["total"] == 5 and len(page["data"]) == 2 and page["has_more"] is True
    plain = (await api.get(OBJECTIVES, headers=org.headers("exec"))).json()
    assert "total" not in plain and len(plain["data"]) == 5 and plain["next_cursor"] is None


async def test_mine(api, org) -> None:  # type: ignore[no-untyped-def]
    alice_objective = await create(api, org, OBJECTIVES, {"title": "A", "period": "2026-Q1"}, who="alice")
    owned_for_bob = await create(
        api, org, OBJECTIVES, {"title": "B", "period": "2026-Q1", "owner_id": org.people["bob"]}, who="exec"
    )
    await create(api, org, OBJECTIVES, {"title": "E", "period": "2026-Q1"})
    assert await ids(api, org, OBJECTIVES, who="alice", mine="true") == [alice_objective["id"]]
    assert await ids(api, org, OBJECTIVES, who="bob", mine="true") == [owned_for_bob["id"]]
    cohort = await create(api, org, COHORTS, {"name": "C", "facilitator_ids": [org.people["bob"]]})
    assert await ids(api, org, COHORTS, who="bob", mine="true") == [cohort["id"]]
    goal = await create(api, org, GOALS, {"title": "G"}, who="alice")
    await create(api, org, GOALS, {"title": "G", "person_id": org.people["bob"]}, who="lead")
    assert await ids(api, org, GOALS, who="alice", mine="true") == [goal["id"]]
