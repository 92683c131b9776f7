"""The pure rules of reviews (CONTRACT §3): the rating scale, KPI pass/fail on completion, the
review status machine, cycle status moves and the annual KPI aggregation. No I/O here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from stride_server.db.tables import FEEDBACK_AREA_NAMES

RATINGS = ("not_achieving", "developing", "achieving", "exceeding")  # lowest to highest
# Seed 001: "Counts KPIs with “achieving” or “exceeding” as passed".
PASSED_RATINGS = frozenset({"achieving", "exceeding"})

REVIEW_STATUSES = ("draft", "self_assessment", "in_review", "ready_for_review", "completed")
CYCLE_TYPES = ("quarterly", "annual")
CYCLE_STATUSES = ("draft", "open", "closed")
FEEDBACK_AREAS = FEEDBACK_AREA_NAMES  # §3.4, declared with the tables that hold an answer per area
FEEDBACK_DIRECTIONS = ("peer", "upward", "downward")  # §9.2

# §3.3: forward one step, plus draft→in_review, in_review→self_assessment, ready_for_review→in_review.
_REVIEW_MOVES = frozenset(
    {
        ("draft", "self_assessment"),
        ("self_assessment", "in_review"),
        ("in_review", "ready_for_review"),
        ("ready_for_review", "completed"),
        ("draft", "in_review"),
        ("in_review", "self_assessment"),
        ("ready_for_review", "in_review"),
    }
)
# Reopening a completed review is allowed to `manage:performance` only.
REOPEN = ("completed", "in_review")
# §3.2: draft→open, open→closed, closed→open.
_CYCLE_MOVES = frozenset({("draft", "open"), ("open", "closed"), ("closed", "open")})


def is_review_move(current: str, target: str) -> bool:
    """Whether `current → target` is a move of the review state machine (reopening included)."""
    return (current, target) in _REVIEW_MOVES or (current, target) == REOPEN


def is_cycle_move(current: str, target: str) -> bool:
    return (current, target) in _CYCLE_MOVES


@dataclass(frozen=True)
class KpiOutcome:
    pass_count: int
    total_count: int
    passed: bool | None  # None when there are no KPIs


def evaluate_kpis(items: Iterable[tuple[str | None, bool]]) -> KpiOutcome:
    """`items` are (rating, is_mandatory) pairs of a review's KPI rows, every one rated."""
    rows = list(items)
    total = len(rows)
    passes = sum(1 for rating, _ in rows if rating in PASSED_RATINGS)
    if total == 0:
        return KpiOutcome(0, 0, None)
    mandatory_passed = all(rating in PASSED_RATINGS for rating, is_mandatory in rows if is_mandatory)
    # Seed 001: "Requires ≥75% pass rate and all mandatory items passed" (integers: no float edge).
    return KpiOutcome(passes, total, passes * 4 >= total * 3 and mandatory_passed)


def most_common(counts: dict[str, int]) -> str | None:
    """The most frequent rating; ties go to the higher rating (§3.3)."""
    if not counts:
        return None
    return max(counts, key=lambda rating: (counts[rating], RATINGS.index(rating)))


def aggregate_kpis(ratings: Iterable[tuple[str | None, str | None]]) -> dict[str, dict[str, object]]:
    """Per template item: how often each rating was given over the previous reviews, and the most
    common one. `ratings` are (template_item_id, rating) pairs; unrated or unlinked rows are skipped."""
    counters: dict[str, Counter[str]] = {}
    for item_id, rating in ratings:
        if item_id is None or rating is None:
            continue
        counters.setdefault(item_id, Counter())[rating] += 1
    result: dict[str, dict[str, object]] = {}
    for item_id, counter in counters.items():
        counts = {r: counter[r] for r in RATINGS if counter[r]}
        result[item_id] = {"ratings": counts, "most_common": most_common(counts)}
    return result
