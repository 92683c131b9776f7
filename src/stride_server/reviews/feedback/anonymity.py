"""The pure rules of 360 anonymity (CONTRACT §3.4a, §9.3): when a subject's responses are released,
and which released sets a caller's summary may show. No I/O here; the service feeds it rows.

The unit of disclosure is a *released set*: the responses of one subject, cycle and direction that
were released together. A summary shows whole sets or nothing of them, and only sets holding at
least the cycle's minimum of answers the caller did not write. Every summary a caller can obtain is
then a union of such sets, and so is any difference of two summaries: no sequence of reads isolates
fewer than the minimum of other people's answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stride_server.reviews.rules import FEEDBACK_DIRECTIONS


@dataclass(frozen=True)
class ReleasedSet:
    id: str
    cycle_id: str
    direction: str
    size: int  # responses in the set
    minimum: int  # the cycle's minimum for the direction, fixed when the cycle opened
    own: int = 0  # of them, answers of requests whose reviewer is the caller

    @property
    def shown(self) -> bool:
        """§3.4a.2: the caller's own answers do not count toward the minimum."""
        return self.size - self.own >= self.minimum


@dataclass(frozen=True)
class Release:
    """What a close does with one subject's pending responses of one direction."""

    release: bool
    join: str | None = None  # the id of the earlier set they join, or None for a new set


def plan_release(earlier: list[ReleasedSet], pending: int, minimum: int) -> Release:
    """§3.4a.1: at the first close everything pending is released. At a later close (after a reopen),
    pending responses are released only if they are at least `minimum` — or if nothing of this
    subject, cycle and direction was shown before (the released set is below the minimum), in which
    case they join that set. Otherwise they wait for a later close."""
    if pending <= 0:
        return Release(False)
    released = sum(s.size for s in earlier)
    if released == 0:
        return Release(True)
    if released < minimum:
        return Release(True, join=earlier[0].id)  # below the minimum, there is only ever one set
    return Release(pending >= minimum)


def minimum_for(direction: str, feedback_minimum: int, upward_minimum: int) -> int:
    """§9.3: upward answers use `upward_min_responses`; peer and downward `feedback_min_responses`."""
    return upward_minimum if direction == "upward" else feedback_minimum


def direction_of(subject: dict[str, object], reviewer: dict[str, object], requested: str = "peer") -> str:
    """§3.4a.4: the reporting line decides when it applies, whatever the request says."""
    if reviewer.get("manager_id") == subject["id"]:
        return "upward"
    if subject.get("manager_id") == reviewer["id"]:
        return "downward"
    return requested


@dataclass(frozen=True)
class Disclosure:
    """Which released sets a caller's summary shows, per direction and at the top level."""

    shown: dict[str, list[ReleasedSet]]  # per direction: the sets shown
    released: dict[str, int]  # per direction: responses released (shown or not)
    minimum: dict[str, int]  # per direction: the minimum in force

    @property
    def shown_ids(self) -> list[str]:
        return [s.id for sets in self.shown.values() for s in sets]


def disclose(sets: Iterable[ReleasedSet], minimums: dict[str, int]) -> Disclosure:
    """The sets a caller may see. `minimums` (per direction) are reported when no set names one."""
    shown: dict[str, list[ReleasedSet]] = {d: [] for d in FEEDBACK_DIRECTIONS}
    released = dict.fromkeys(FEEDBACK_DIRECTIONS, 0)
    minimum = dict(minimums)
    for s in sets:
        released[s.direction] += s.size
        minimum[s.direction] = max(minimum.get(s.direction, 0), s.minimum)
        if s.shown:
            shown[s.direction].append(s)
    return Disclosure(shown, released, minimum)
