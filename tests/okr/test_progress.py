"""The OKR formulas (CONTRACT §2.4) as tables of worked examples and Hypothesis properties."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stride_server.okr.progress import (
    elapsed_share,
    health,
    key_result_progress,
    objective_progress,
    period_bounds,
)


@pytest.mark.parametrize(
    ("metric", "direction", "baseline", "target", "current", "expected"),
    [
        ("number", "increase", 0, 100, 50, 50.0),
        ("number", "increase", 0, 100, None, 0.0),  # current null → 0
        ("number", "increase", 0, 100, 100, 100.0),  # current = target
        ("number", "increase", 0, 100, 150, 100.0),  # clamped above
        ("number", "increase", 20, 100, 10, 0.0),  # clamped below
        ("number", "increase", 0, 3, 1, 33.33),  # 2 decimals
        ("number", "increase", 0, 3, 2, 66.67),  # half up
        ("percentage", "increase", 40, 60, 45, 25.0),
        ("currency", "increase", 1000, 2000, 1250.5, 25.05),
        ("number", "decrease", 100, 20, 60, 50.0),  # decrease direction
        ("number", "decrease", 100, 20, 20, 100.0),
        ("number", "decrease", 100, 20, 0, 100.0),  # below target: clamped
        ("number", "decrease", 100, 20, 120, 0.0),  # worse than baseline: clamped
        ("number", "decrease", 5, 2, None, 0.0),
        ("boolean", "increase", 0, 1, 1, 100.0),
        ("boolean", "increase", 0, 1, 0, 0.0),
        ("boolean", "increase", 0, 1, None, 0.0),
        ("milestone", "increase", 0, 1, 0.99, 0.0),
        ("milestone", "increase", 0, 1, 2, 100.0),
    ],
)
def test_key_result_progress(metric, direction, baseline, target, current, expected) -> None:  # type: ignore[no-untyped-def]
    assert key_result_progress(metric, direction, baseline, target, current) == expected


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2026-Q1", (2026, 1, 1), (2026, 4, 1)),
        ("2026-Q4", (2026, 10, 1), (2027, 1, 1)),
        ("2026-H1", (2026, 1, 1), (2026, 7, 1)),
        ("2026-H2", (2026, 7, 1), (2027, 1, 1)),
        ("2026-Annual", (2026, 1, 1), (2027, 1, 1)),
    ],
)
def test_period_bounds(period, start, end) -> None:  # type: ignore[no-untyped-def]
    assert period_bounds(period) == (datetime(*start, tzinfo=UTC), datetime(*end, tzinfo=UTC))


@pytest.mark.parametrize(
    ("period", "now", "share"),
    [
        ("2026-Q1", datetime(2025, 12, 31, tzinfo=UTC), 0.0),  # period in the future
        ("2026-Q1", datetime(2026, 1, 1, tzinfo=UTC), 0.0),  # first instant
        ("2026-Q1", datetime(2026, 5, 1, tzinfo=UTC), 1.0),  # period in the past
        ("2026-Annual", datetime(2026, 7, 2, 12, tzinfo=UTC), 0.5),  # now, halfway (182.5 of 365 days)
    ],
)
def test_elapsed_share(period, now, share) -> None:  # type: ignore[no-untyped-def]
    assert elapsed_share(period, now) == pytest.approx(share)


@pytest.mark.parametrize(
    ("progress", "current", "elapsed", "status"),
    [
        (100, 5, 0.3, "achieved"),
        (0, None, 0.0, "not_started"),  # no value before the period starts
        (0, 0, 0.0, "on_track"),  # a value of 0 counts as started
        (0, None, 0.05, "on_track"),  # expected 5: 0 ≥ 5 − 10
        (40, 4, 0.5, "on_track"),  # expected 50: 40 ≥ 40
        (39.99, 4, 0.5, "at_risk"),
        (20, 2, 0.5, "at_risk"),  # 20 ≥ 20
        (19.99, 2, 0.5, "off_track"),
        (95, 9, 1.0, "on_track"),  # period over, 95 ≥ 90
        (0, None, 1.0, "off_track"),  # period over, nothing done
    ],
)
def test_health(progress, current, elapsed, status) -> None:  # type: ignore[no-untyped-def]
    assert health(progress, current, elapsed) == status


@pytest.mark.parametrize(
    ("key_results", "children", "expected"),
    [
        ([50, 100], [], 75.0),
        ([33.33, 33.33, 33.34], [(0, 1)], 33.33),  # key results win over children
        ([], [(100, 0.3), (0, 0.7)], 30.0),  # weighted by the children's weight
        ([], [(50, 1), (100, 1)], 75.0),
        ([], [], 0.0),
        ([0.005, 0], [], 0.0),  # 0.0025 → 0.00
        ([0.01, 0], [], 0.01),  # 0.005 → 0.01 (half up)
    ],
)
def test_objective_progress(key_results, children, expected) -> None:  # type: ignore[no-untyped-def]
    assert objective_progress(key_results, children) == expected


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(
    baseline=finite,
    delta=st.floats(min_value=1e-3, max_value=1e9),
    current=st.none() | finite,
    direction=st.sampled_from(["increase", "decrease"]),
    metric=st.sampled_from(["number", "percentage", "currency", "boolean", "milestone"]),
)
def test_progress_is_clamped(baseline, delta, current, direction, metric) -> None:  # type: ignore[no-untyped-def]
    target = baseline + delta if direction == "increase" else baseline - delta
    assert 0 <= key_result_progress(metric, direction, baseline, target, current) <= 100


@given(
    baseline=finite,
    delta=st.floats(min_value=1e-3, max_value=1e9),
    a=finite,
    b=finite,
    direction=st.sampled_from(["increase", "decrease"]),
)
def test_progress_is_monotone_in_current_for_its_direction(baseline, delta, a, b, direction) -> None:  # type: ignore[no-untyped-def]
    target = baseline + delta if direction == "increase" else baseline - delta
    low, high = sorted((a, b))
    p_low = key_result_progress("number", direction, baseline, target, low)
    p_high = key_result_progress("number", direction, baseline, target, high)
    assert (p_low <= p_high) if direction == "increase" else (p_low >= p_high)


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=30))
def test_objective_progress_lies_between_its_key_results(progress) -> None:  # type: ignore[no-untyped-def]
    value = objective_progress(progress, [])
    assert min(progress) - 0.005 <= value <= max(progress) + 0.005
