"""Completion and KPI pass/fail (seed 001: "Requires ≥75% pass rate and all mandatory items passed"):
worked examples through HTTP, a table and a Hypothesis property of the pure rule."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stride_server.reviews.rules import RATINGS, aggregate_kpis, evaluate_kpis, most_common
from tests.reviews.support import (
    BASE,
    complete_review,
    kpi_items,
    make_cycle,
    make_review,
    make_template,
    put_review,
)

A, E, D, N = "achieving", "exceeding", "developing", "not_achieving"


@pytest.mark.parametrize(
    ("ratings", "mandatory", "expected"),
    [
        ([A, A, E, D], (), (3, 4, True)),  # exactly 75%
        ([A, E, D, N], (), (2, 4, False)),  # 50%
        ([A, A, A, A, N], (4,), (4, 5, False)),  # 80%, but the mandatory item failed
        ([A, A, A, D], (0, 1), (3, 4, True)),  # mandatory items passed, 75%
        ([E], (0,), (1, 1, True)),
        ([], (), (0, 0, None)),  # no KPIs: nothing to pass
    ],
)
async def test_completion_computes_kpi_pass_fail(api, org, ratings, mandatory, expected) -> None:  # type: ignore[no-untyped-def]
    if ratings:
        await make_template(api, org, kpi_items(len(ratings), mandatory), is_default=True)
    detail = await make_review(api, org, await make_cycle(api, org), "alice", by="lead")
    review = (await complete_review(api, org, detail, ratings, by="lead"))["review"]
    assert (review["kpi_pass_count"], review["kpi_total_count"], review["kpi_passed"]) == expected
    history = (
        await api.get(f"{BASE}/reviews/history/{org.people['alice']}", headers=org.headers("lead"))
    ).json()
    assert history["history"][0]["kpi_passed"] == (None if expected[2] is None else int(expected[2]))


async def test_completing_with_an_unrated_kpi_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(2), is_default=True)
    detail = await make_review(api, org, await make_cycle(api, org), "alice")
    review_id = detail["review"]["id"]
    for step in ("in_review", "ready_for_review"):
        await put_review(api, org, review_id, {"status": step})
    only_one = {
        "status": "completed",
        "kpi_ratings": [{"id": detail["kpi_ratings"][0]["id"], "rating": "exceeding"}],
    }
    response = await put_review(api, org, review_id, only_one)
    assert response.status_code == 422 and "KPI 2" in response.json()["detail"]
    after = (await api.get(f"{BASE}/reviews/{review_id}", headers=org.headers("exec"))).json()
    assert after["review"]["status"] == "ready_for_review"
    assert after["kpi_ratings"][0]["rating"] is None  # the whole update was refused


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([(A, False)] * 3 + [(D, False)], (3, 4, True)),
        ([(A, False)] * 2 + [(D, False)] * 2, (2, 4, False)),
        ([(E, True), (A, False), (A, False), (N, False)], (3, 4, True)),
        ([(D, True), (A, False), (A, False), (A, False), (A, False)], (4, 5, False)),
        ([(A, False)] * 7 + [(D, False)] * 3, (7, 10, False)),  # 70%
        ([(A, False)] * 8 + [(D, False)] * 2, (8, 10, True)),  # seed history example: 8 of 10
        ([], (0, 0, None)),
    ],
)
def test_evaluate_kpis_table(items, expected) -> None:  # type: ignore[no-untyped-def]
    outcome = evaluate_kpis(items)
    assert (outcome.pass_count, outcome.total_count, outcome.passed) == expected


@given(st.lists(st.tuples(st.sampled_from(RATINGS), st.booleans()), max_size=40))
def test_kpis_pass_iff_three_quarters_passed_and_every_mandatory_one(items) -> None:  # type: ignore[no-untyped-def]
    outcome = evaluate_kpis(items)
    passed = [rating in (A, E) for rating, _ in items]
    assert outcome.total_count == len(items) and outcome.pass_count == sum(passed)
    if not items:
        assert outcome.passed is None
        return
    expected = Fraction(sum(passed), len(items)) >= Fraction(3, 4) and all(
        ok for ok, (_, is_mandatory) in zip(passed, items, strict=True) if is_mandatory
    )
    assert outcome.passed is expected


@given(
    st.lists(st.tuples(st.sampled_from(RATINGS), st.booleans()), min_size=1, max_size=20),
    st.sampled_from(RATINGS),
)
def test_lowering_a_rating_never_turns_a_fail_into_a_pass(items, lower) -> None:  # type: ignore[no-untyped-def]
    before = evaluate_kpis(items)
    rating, is_mandatory = items[0]
    if RATINGS.index(lower) < RATINGS.index(rating):
        after = evaluate_kpis([(lower, is_mandatory), *items[1:]])
        assert not (after.passed and not before.passed)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({A: 3, E: 1}, A),  # seed 001's kpi_aggregation example
        ({A: 2, E: 2}, E),  # ties → the higher rating
        ({N: 1, D: 1}, D),
        ({N: 2, E: 1}, N),
    ],
)
def test_most_common_rating_breaks_ties_upward(counts, expected) -> None:  # type: ignore[no-untyped-def]
    assert most_common(counts) == expected


def test_aggregate_kpis_counts_per_template_item() -> None:
    pairs = [
        ("tpl-item-1", A),
        ("tpl-item-1", A),
        ("tpl-item-1", E),
        ("tpl-item-1", A),
        ("tpl-item-2", None),
        (None, A),
    ]
    assert aggregate_kpis(pairs) == {"tpl-item-1": {"ratings": {A: 3, E: 1}, "most_common": A}}
