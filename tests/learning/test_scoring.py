"""Answer checks and weighted scoring of assessment responses, as tables of worked examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stride_server.learning.scoring import passed, score, validate_answers

QUESTIONS = [
    {
        "id": "q1",
        "text": "Capital of France?",
        "type": "single_choice",
        "options": ["Paris", "Lyon"],
        "weight": 2,
        "required": True,
        "correct": "Paris",
    },
    {
        "id": "q2",
        "text": "Pick primes",
        "type": "multi_choice",
        "options": [2, 3, 4],
        "weight": 1,
        "correct": [2, 3],
    },
    {"id": "q3", "text": "Explain", "type": "text", "weight": 1},
    {"id": "q4", "text": "Sky is blue", "type": "boolean", "weight": 1, "correct": True},
    {"id": "q5", "text": "Rate", "type": "scale", "options": [1, 2, 3, 4, 5], "weight": 0, "correct": 5},
    {"id": "q6", "text": "2+2", "type": "number", "weight": 1, "correct": 4},
]


def answers(**values):  # type: ignore[no-untyped-def]
    return [{"question_id": k, "value": v} for k, v in values.items()]


@pytest.mark.parametrize(
    ("given_answers", "expected"),
    [
        (answers(q1="Paris", q2=[3, 2], q4=True, q5=5, q6=4), 100.0),  # weights 2+1+1+0+1 = 5 scorable
        (answers(q1="Lyon", q2=[2, 3], q4=True, q6=4), 60.0),  # 3 of 5
        (answers(q1="Paris"), 40.0),  # unanswered counts as wrong
        (answers(q1="Paris", q2=[2]), 40.0),  # partial multi-choice is wrong
        (answers(q1="Paris", q6=4.0), 60.0),  # 4.0 == 4
        (answers(q1="Paris", q4=False), 40.0),
    ],
)
def test_weighted_score(given_answers, expected) -> None:  # type: ignore[no-untyped-def]
    assert score(QUESTIONS, given_answers) == expected


def test_no_scorable_questions_scores_none() -> None:
    assert score([{"id": "a", "text": "t", "type": "text"}], answers(a="x")) is None
    assert score([], []) is None


@pytest.mark.parametrize(
    ("value", "pass_score", "expected"),
    [
        (80, 80, True),
        (79.99, 80, False),
        (None, 80, None),
        (90, None, None),
    ],
)
def test_passed(value, pass_score, expected) -> None:  # type: ignore[no-untyped-def]
    assert passed(value, pass_score) is expected


@pytest.mark.parametrize(
    ("given_answers", "question", "message"),
    [
        (answers(q2=[2]), "q1", "is required"),
        (answers(q1="Rome"), "q1", "must be one of the options"),
        (answers(q1="Paris", q2=[]), "q2", "must be a non-empty array of options"),
        (answers(q1="Paris", q2=[2, 2]), "q2", "must not repeat an option"),
        (answers(q1="Paris", q2=[5]), "q2", "must contain only the options"),
        (answers(q1="Paris", q3=7), "q3", "must be text of at most 20,000 characters"),
        (answers(q1="Paris", q4="yes"), "q4", "must be true or false"),
        (answers(q1="Paris", q5=6), "q5", "must be one of the scale's options"),
        (answers(q1="Paris", q6="4"), "q6", "must be a number"),
        (answers(q1="Paris", q6=True), "q6", "must be a number"),
        (answers(q1="Paris", q9=1), "q9", "is not a question of this assessment"),
        (
            [{"question_id": "q1", "value": "Paris"}, {"question_id": "q1", "value": "Lyon"}],
            "q1",
            "is answered twice",
        ),
    ],
)
def test_invalid_answers(given_answers, question, message) -> None:  # type: ignore[no-untyped-def]
    errors = validate_answers(QUESTIONS, given_answers)
    assert (question, message) in [(e.question_id, e.message) for e in errors]


@given(st.lists(st.tuples(st.floats(min_value=0, max_value=10), st.booleans()), min_size=1, max_size=20))
def test_score_is_a_percentage(items) -> None:  # type: ignore[no-untyped-def]
    questions = [
        {"id": str(i), "text": "t", "type": "boolean", "weight": w, "correct": True}
        for i, (w, _) in enumerate(items)
    ]
    given_answers = [{"question_id": str(i), "value": ok} for i, (_, ok) in enumerate(items)]
    value = score(questions, given_answers)
    assert value is None or 0 <= value <= 100
    if all(ok for _, ok in items) and value is not None:
        assert value == 100
