"""Every model of the API, generated from /openapi.json: response models (`PersonGoal`, `KeyResult`,
`ReviewDetail`, …), request bodies (`PersonGoalCreate`, `CycleUpdate`, …) and query parameters
(`GoalsListParams`, …)."""

from stride._generated import *  # noqa: F403
from stride._generated import __all__ as _generated_names
from stride.resources.reviews import FeedbackSummary

__all__ = [*_generated_names, "FeedbackSummary"]
