"""The Data API reference kinds this domain resolves (`PersonGoal.review_cycle_id`,
`Person.review_template_id`), installed by `stride_server.wiring.wire()`."""

from __future__ import annotations

from stride_server.edm.hooks import ReferenceChecker
from stride_server.reviews.cycles.service import visible_cycles
from stride_server.reviews.templates.service import existing_templates

REFERENCE_CHECKERS: dict[str, ReferenceChecker] = {
    "review_cycle": visible_cycles,
    "review_template": existing_templates,
}
