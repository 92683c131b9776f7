"""The OKR formulas of CONTRACT §2.4 as pure functions: key-result progress, the elapsed share of a
period, health status, and the objective roll-up."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

_PERIOD = re.compile(r"^(\d{4})-(Q[1-4]|H[12]|Annual)$")
_CENT = Decimal("0.01")


def exact(value: float) -> Decimal:
    """A stored double as PostgreSQL's numeric cast reads it (15 significant digits), so that Python
    and SQL roll-ups agree to the last digit."""
    return Decimal(format(value, ".15g"))


def round2(value: Decimal) -> float:
    """Round half up to 2 decimals, as PostgreSQL's round(numeric, 2) does for non-negatives."""
    return float(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def key_result_progress(
    metric_type: str, direction: str, baseline: float, target: float, current: float | None
) -> float:
    """Progress 0–100, 2 decimals. Numeric types move from baseline to target in the given
    direction; boolean and milestone are 100 once current reaches target. `current` null → 0."""
    if current is None:
        return 0.0
    if metric_type in ("boolean", "milestone"):
        return 100.0 if current >= target else 0.0
    if direction == "decrease":
        span, done = baseline - target, baseline - current
    else:
        span, done = target - baseline, current - baseline
    if span == 0:  # refused by validation; defined anyway so the function is total
        return 100.0 if done >= 0 else 0.0
    share = exact(done) / exact(span) * 100
    return round2(min(Decimal(100), max(Decimal(0), share)))


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """[start, end) of a planning period in UTC: Q1 = Jan 1–Mar 31, H2 = Jul 1–Dec 31, Annual = the year."""
    match = _PERIOD.match(period)
    if not match:
        raise ValueError(f"not a period: {period!r}")
    year, part = int(match.group(1)), match.group(2)
    if part == "Annual":
        first, months = 1, 12
    elif part.startswith("H"):
        first, months = 1 + 6 * (int(part[1]) - 1), 6
    else:
        first, months = 1 + 3 * (int(part[1]) - 1), 3
    end_month = first + months
    end_year = year + (end_month - 1) // 12
    # The pattern admits years 0000 and 9999; Python's calendar is 1–9999, so pin the edges.
    start = datetime(year, first, 1, tzinfo=UTC) if year >= 1 else datetime.min.replace(tzinfo=UTC)
    if end_year > 9999:
        end = datetime.max.replace(tzinfo=UTC)
    elif end_year < 1:
        end = datetime(1, 1, 1, tzinfo=UTC)
    else:
        end = datetime(end_year, (end_month - 1) % 12 + 1, 1, tzinfo=UTC)
    return start, end


def elapsed_share(period: str, now: datetime) -> float:
    """How much of the period has passed, in [0, 1]."""
    start, end = period_bounds(period)
    if end <= start:  # a period wholly before year 1
        return 1.0
    share = (now - start).total_seconds() / (end - start).total_seconds()
    return min(1.0, max(0.0, share))


def health(progress: float, current: float | None, elapsed: float) -> str:
    """`achieved` at 100; `not_started` with no value before the period starts; otherwise compare
    progress with the expected x = 100·elapsed: on_track ≥ x−10, at_risk ≥ x−30, else off_track."""
    if progress >= 100:
        return "achieved"
    if current is None and elapsed == 0:
        return "not_started"
    expected = 100 * elapsed
    if progress >= expected - 10:
        return "on_track"
    if progress >= expected - 30:
        return "at_risk"
    return "off_track"


def objective_progress(key_results: Iterable[float], children: Iterable[tuple[float, float]]) -> float:
    """Mean of the key results' progress; with none, the weight-weighted mean of the child
    objectives' (progress, weight); with neither, 0. 2 decimals."""
    progress = [exact(p) for p in key_results]
    if progress:
        return round2(sum(progress, Decimal(0)) / len(progress))
    weighted = [(exact(p), exact(w)) for p, w in children]
    total_weight = sum((w for _, w in weighted), Decimal(0))
    if weighted and total_weight > 0:
        return round2(sum((p * w for p, w in weighted), Decimal(0)) / total_weight)
    return 0.0
