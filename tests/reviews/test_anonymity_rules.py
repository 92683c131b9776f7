"""The pure rules of 360 anonymity (CONTRACT §3.4a), property-tested: "over random sequences of
submissions, closes, reopens and summary reads by every role, no sequence of summaries a caller can
obtain isolates fewer than k answers they did not write."

The model below keeps one subject's answers the way the database does (inbox, pending, released
sets) and calls the same functions the service calls (`plan_release`, `disclose`, `minimum_for`,
`direction_of`). Every summary a caller reads is recorded as the set of answers it shows; the check
then splits the answers the caller did not write by which of those summaries contain them (the atoms
a caller can isolate by adding and subtracting summaries) and requires each atom to hold at least
the minimum of every answer in it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stride_server.reviews.feedback.anonymity import (
    ReleasedSet,
    direction_of,
    disclose,
    minimum_for,
    plan_release,
)
from stride_server.reviews.rules import FEEDBACK_DIRECTIONS

SUBJECT = {"id": "usr_subject", "manager_id": "usr_boss"}
# Reviewers of the subject: peers, direct reports (upward), the subject's manager (downward).
REVIEWERS = {
    "peer1": {"id": "peer1", "manager_id": "usr_x"},
    "peer2": {"id": "peer2", "manager_id": "usr_x"},
    "peer3": {"id": "peer3", "manager_id": "usr_x"},
    "report1": {"id": "report1", "manager_id": "usr_subject"},
    "report2": {"id": "report2", "manager_id": "usr_subject"},
    "usr_boss": {"id": "usr_boss", "manager_id": "usr_exec"},
}
# Everyone who reads: reviewers who also read (an admin who answered), and outsiders.
CALLERS = ("peer1", "usr_boss", "report1", "hr", "exec")
CYCLES = ("c1", "c2")
REQUESTED = ("peer", "peer", "upward", "downward")


@dataclass
class Answer:
    id: int
    cycle: str
    reviewer: str
    direction: str


@dataclass
class Cycle:
    status: str = "draft"
    minimums: tuple[int, int] | None = None  # frozen at first open
    waiting: list[Answer] = field(default_factory=list)  # inbox + flushed, not released
    sets: list[tuple[ReleasedSet, list[Answer]]] = field(default_factory=list)


class Model:
    def __init__(self, feedback_minimum: int, upward_minimum: int) -> None:
        self.setting = (feedback_minimum, upward_minimum)
        self.cycles = {c: Cycle() for c in CYCLES}
        self.answered: set[tuple[str, str]] = set()
        self.answers: list[Answer] = []
        self.views: dict[str, list[set[int]]] = defaultdict(list)
        self.next_set = 0

    def open(self, name: str) -> None:
        cycle = self.cycles[name]
        if cycle.status != "open":
            cycle.status = "open"
            cycle.minimums = cycle.minimums or self.setting

    def submit(self, name: str, reviewer: str, requested: str) -> None:
        cycle = self.cycles[name]
        if cycle.status != "open" or (name, reviewer) in self.answered:
            return
        self.answered.add((name, reviewer))
        answer = Answer(
            len(self.answers), name, reviewer, direction_of(SUBJECT, REVIEWERS[reviewer], requested)
        )
        self.answers.append(answer)
        cycle.waiting.append(answer)

    def close(self, name: str) -> None:
        cycle = self.cycles[name]
        if cycle.status != "open":
            return
        cycle.status = "closed"
        assert cycle.minimums is not None
        for direction in FEEDBACK_DIRECTIONS:
            pending = [a for a in cycle.waiting if a.direction == direction]
            earlier = [s for s, _ in cycle.sets if s.direction == direction]
            plan = plan_release(earlier, len(pending), minimum_for(direction, *cycle.minimums))
            if not plan.release:
                continue
            cycle.waiting = [a for a in cycle.waiting if a.direction != direction]
            if plan.join is None:
                self.next_set += 1
                cycle.sets.append((ReleasedSet(f"s{self.next_set}", name, direction, 0, 0), pending))
            else:
                members = next(m for s, m in cycle.sets if s.id == plan.join)
                members.extend(pending)
            cycle.sets = [(ReleasedSet(s.id, name, s.direction, len(m), 0), m) for s, m in cycle.sets]

    def read(self, caller: str, scope: str | None) -> None:
        sets, members = [], {}
        for name in [scope] if scope else CYCLES:
            cycle = self.cycles[name]
            minimums = cycle.minimums or self.setting
            for s, answers in cycle.sets:
                own = sum(1 for a in answers if a.reviewer == caller)
                sets.append(
                    ReleasedSet(
                        s.id, name, s.direction, len(answers), minimum_for(s.direction, *minimums), own
                    )
                )
                members[s.id] = answers
        current = self.cycles[scope].minimums if scope and self.cycles[scope].minimums else self.setting
        disclosure = disclose(sets, {d: minimum_for(d, *current) for d in FEEDBACK_DIRECTIONS})
        top = {a.id for set_id in disclosure.shown_ids for a in members[set_id]}
        self.views[caller].append(top)
        for direction in FEEDBACK_DIRECTIONS:
            self.views[caller].append({a.id for s in disclosure.shown[direction] for a in members[s.id]})

    def minimum_of(self, answer: Answer) -> int:
        minimums = self.cycles[answer.cycle].minimums
        assert minimums is not None
        return minimum_for(answer.direction, *minimums)


def isolated_atoms(model: Model) -> list[tuple[str, list[Answer]]]:
    """Atoms of answers a caller did not write, smaller than the minimum of an answer in them."""
    bad = []
    for caller, views in model.views.items():
        atoms: dict[frozenset[int], list[Answer]] = defaultdict(list)
        for answer in model.answers:
            if answer.reviewer == caller:
                continue
            signature = frozenset(i for i, view in enumerate(views) if answer.id in view)
            if signature:
                atoms[signature].append(answer)
        for atom in atoms.values():
            if len(atom) < max(model.minimum_of(a) for a in atom):
                bad.append((caller, atom))
    return bad


SUBMIT = st.tuples(
    st.just("submit"), st.sampled_from(CYCLES), st.sampled_from(sorted(REVIEWERS)), st.sampled_from(REQUESTED)
)
OPERATIONS = st.one_of(
    st.tuples(st.just("open"), st.sampled_from(CYCLES)),
    st.tuples(st.just("close"), st.sampled_from(CYCLES)),
    SUBMIT,
    SUBMIT,
    SUBMIT,  # answers are most of what happens in a cycle
    st.tuples(st.just("setting"), st.integers(1, 4), st.integers(1, 4)),
)


def run(feedback_minimum: int, upward_minimum: int, operations: list[tuple]) -> Model:  # type: ignore[type-arg]
    model = Model(feedback_minimum, upward_minimum)
    for operation in operations:
        kind, *args = operation
        if kind == "setting":
            model.setting = (args[0], args[1])
        else:
            getattr(model, kind)(*args)
        # Every caller reads every summary after every step: the strongest polling attacker.
        for caller in CALLERS:
            for scope in (None, *CYCLES):
                model.read(caller, scope)
    return model


@settings(max_examples=1500, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.lists(OPERATIONS, min_size=4, max_size=30))
def test_no_sequence_of_summaries_isolates_fewer_than_k_foreign_answers(
    feedback_minimum,
    upward_minimum,  # type: ignore[no-untyped-def]
    operations,
) -> None:
    model = run(feedback_minimum, upward_minimum, [("open", "c1"), *operations])
    assert isolated_atoms(model) == []


def test_the_check_catches_a_live_summary() -> None:
    """The property can fail: a live summary (each answer shown as it arrives) isolates one answer."""
    model = Model(3, 3)
    model.open("c1")
    for reviewer in ("peer1", "peer2", "peer3"):
        model.submit("c1", reviewer, "peer")
        model.views["exec"].append({a.id for a in model.answers})  # what reading live would show
    assert isolated_atoms(model)


def test_the_attacks_of_the_review_fail_in_the_model() -> None:
    # Padding: the boss answers in two throwaway cycles, one genuine answer arrives; minimum 3.
    padded = run(
        3,
        3,
        [
            ("open", "c1"),
            ("open", "c2"),
            ("submit", "c1", "peer1", "peer"),
            ("submit", "c1", "peer2", "peer"),
            ("submit", "c2", "peer1", "peer"),
            ("submit", "c2", "peer3", "peer"),
            ("close", "c1"),
            ("close", "c2"),
        ],
    )
    assert isolated_atoms(padded) == []
    assert all(view == set() for view in padded.views["peer1"])
    # Asking one report at a time: an upward answer alone never shows (upward minimum 3, peer 1).
    one = run(1, 3, [("open", "c1"), ("submit", "c1", "report1", "peer"), ("close", "c1")])
    assert all(view == set() for views in one.views.values() for view in views)


@pytest.mark.parametrize(
    "earlier, pending, minimum, expected",
    [
        ([], 0, 3, (False, None)),  # nothing to release
        ([], 1, 3, (True, None)),  # the first close releases everything, even below k
        ([("a", 1)], 1, 3, (True, "a")),  # nothing shown yet: join the earlier set
        ([("a", 2)], 1, 3, (True, "a")),
        ([("a", 3)], 2, 3, (False, None)),  # shown before, and fewer than k new: wait
        ([("a", 3)], 3, 3, (True, None)),  # k new ones: a new set
        ([("a", 3), ("b", 4)], 5, 3, (True, None)),
        ([("a", 1)], 0, 1, (False, None)),
    ],
)
def test_plan_release_table(earlier, pending, minimum, expected) -> None:  # type: ignore[no-untyped-def]
    sets = [ReleasedSet(i, "c", "peer", size, minimum) for i, size in earlier]
    plan = plan_release(sets, pending, minimum)
    assert (plan.release, plan.join) == expected


@pytest.mark.parametrize(
    "reviewer, requested, expected",
    [
        ({"id": "r", "manager_id": "usr_subject"}, "peer", "upward"),  # a direct report
        ({"id": "r", "manager_id": "usr_subject"}, "downward", "upward"),  # whatever the request says
        ({"id": "usr_boss", "manager_id": None}, "peer", "downward"),  # the subject's manager
        ({"id": "usr_boss", "manager_id": None}, "upward", "downward"),
        ({"id": "r", "manager_id": "usr_other"}, "peer", "peer"),
        ({"id": "r", "manager_id": "usr_other"}, "upward", "upward"),  # a skip-level, labelled upward
    ],
)
def test_direction_follows_the_reporting_line(reviewer, requested, expected) -> None:  # type: ignore[no-untyped-def]
    assert direction_of(SUBJECT, reviewer, requested) == expected
