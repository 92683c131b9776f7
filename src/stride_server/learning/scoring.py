"""Assessment answers checked against the questions, and the weighted score (CONTRACT §2.4)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from stride_server.okr.progress import exact, round2


@dataclass(frozen=True)
class AnswerError:
    question_id: str
    message: str


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_answer(question: dict[str, Any], value: Any) -> str | None:
    """Why `value` is not a valid answer to `question`, or None when it is."""
    kind, options = question["type"], question.get("options") or []
    if kind == "single_choice":
        return None if value in options else "must be one of the options"
    if kind == "multi_choice":
        if not isinstance(value, list) or not value:
            return "must be a non-empty array of options"
        if len({repr(v) for v in value}) != len(value):
            return "must not repeat an option"
        return None if all(v in options for v in value) else "must contain only the options"
    if kind == "text":
        return (
            None
            if isinstance(value, str) and len(value) <= 20_000
            else "must be text of at most 20,000 characters"
        )
    if kind == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "scale":
        if not _is_number(value):
            return "must be a number"
        return None if not options or value in options else "must be one of the scale's options"
    if kind == "number":
        return None if _is_number(value) else "must be a number"
    return "has an unknown question type"


def validate_answers(questions: list[dict[str, Any]], answers: list[dict[str, Any]]) -> list[AnswerError]:
    by_id = {q["id"]: q for q in questions}
    errors: list[AnswerError] = []
    seen: set[str] = set()
    for answer in answers:
        question_id = answer["question_id"]
        if question_id in seen:
            errors.append(AnswerError(question_id, "is answered twice"))
        seen.add(question_id)
        if question_id not in by_id:
            errors.append(AnswerError(question_id, "is not a question of this assessment"))
            continue
        problem = check_answer(by_id[question_id], answer["value"])
        if problem:
            errors.append(AnswerError(question_id, problem))
    for question in questions:
        if question.get("required") and question["id"] not in seen:
            errors.append(AnswerError(question["id"], "is required"))
    return errors


def is_correct(question: dict[str, Any], value: Any) -> bool:
    correct = question.get("correct")
    if question["type"] == "multi_choice" and isinstance(correct, list) and isinstance(value, list):
        return sorted(map(repr, value)) == sorted(map(repr, correct))
    if question["type"] == "text" and isinstance(correct, str) and isinstance(value, str):
        return value.strip().casefold() == correct.strip().casefold()
    if _is_number(correct) and _is_number(value):
        return bool(value == correct)
    return bool(value == correct and type(value) is type(correct))


def score(questions: list[dict[str, Any]], answers: list[dict[str, Any]]) -> float | None:
    """100·Σ weight of correctly answered scorable questions / Σ weight of scorable questions (those
    with a `correct` key); None when no question is scorable or all scorable weights are 0."""
    given = {a["question_id"]: a["value"] for a in answers}
    scorable = [q for q in questions if q.get("correct") is not None]
    total = sum((exact(q.get("weight", 1)) for q in scorable), Decimal(0))
    if not scorable or total == 0:
        return None
    earned = sum(
        (exact(q.get("weight", 1)) for q in scorable if q["id"] in given and is_correct(q, given[q["id"]])),
        Decimal(0),
    )
    return round2(earned / total * 100)


def passed(value: float | None, pass_score: float | None) -> bool | None:
    return None if value is None or pass_score is None else value >= pass_score
