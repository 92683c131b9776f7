"""Schemathesis hooks for tests/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

`filter_failure`: a "schema-valid request rejected" failure (ST202) is dropped when the rejection
depends on state no schema can describe: an opaque cursor the generator invented, a record in the
wrong state for the operation, or a body that is well-formed but names records that do not exist or
breaks a rule between fields the service checks (the problem carries no request-validation message).
Every request-validation 422 and every other failure still fails the run; the CLI summary counts what
this hook dropped (set STRIDE_SCHEMATHESIS_DROPPED=path to list them)."""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

import schemathesis

# Messages of request validation (pydantic, and the body parser): a schema-valid request must never
# meet one, so such a 422 is a schema inaccuracy and stays a failure.
REQUEST_VALIDATION = (
    "Input should",
    "String should",
    "Field required",
    "Value error",
    "Assertion failed",
    "List should",
    "Tuple should",
    "Dictionary should",
    "Object should",
    "Extra inputs",
    "unknown field",
    "malformed JSON",
    "Unable to",
    "Invalid",
    "Timezone",
    "Datetime should",
    "Date should",
    "Decimal",
)


# Validator rules JSON Schema has no word for: uniqueness of a member across items, encoded size, and
# date-times RFC 3339 allows that fall outside years 1–9999 once in UTC.
INEXPRESSIBLE = (
    "question ids must be unique",
    "must be at most 64 KiB of JSON",
    "is out of the supported date range",
)


def _problem(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except Exception:
        return {}
    return body if isinstance(body, dict) else {}


# Problems that answer the state of a record rather than the shape of the request (§5: "400 invalid
# state transition"), and the content of an imported file (a CSV body is a plain string to a schema).
STATE_SLUGS = frozenset(
    {
        "cycle-not-open",
        "invalid-transition",
        "review-completed",
        "malformed-file",
        "import-rejected",
        "idempotency-key-reused",
        # A webhook URL whose host does not resolve, or resolves to a private address (§8.2): DNS is state.
        "webhook-url",
    }
)


def is_state_dependent(status: int, problem: dict[str, Any]) -> bool:
    detail = str(problem.get("detail", ""))
    slug = str(problem.get("type", "")).rsplit("/", 1)[-1]
    if slug in STATE_SLUGS:
        return True
    if status == 400:
        # A cursor of another query, or §2.5's bound across parameters (at most 20 filters), which no
        # single parameter's schema can express.
        return "cursor" in detail.lower() or "filter parameters given" in detail
    if status != 422 or slug != "validation":
        return False
    messages = [str(e.get("message", "")) for e in problem.get("errors") or []] or [detail]
    return not any(m.startswith(REQUEST_VALIDATION) and not m.endswith(INEXPRESSIBLE) for m in messages)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    if getattr(failure, "code", None) != "ST202":
        return True
    problem = _problem(response)
    if not is_state_dependent(int(response.status_code), problem):
        return True
    if os.environ.get("STRIDE_SCHEMATHESIS_DROPPED"):  # a log of what was dropped, to review by eye
        with open(os.environ["STRIDE_SCHEMATHESIS_DROPPED"], "a") as log:
            log.write(
                f"{case.method} {case.path} {response.status_code} {problem.get('detail', '')[:200]!r}\n"
            )
    return False


_VALID_KEY = re.compile(r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$")


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    """Generated idempotency keys are short and repeat ("0"), so most POSTs would replay or meet 422
    instead of reaching the handler: a valid key is made unique per case, an invalid one kept."""
    headers = case.headers or {}
    for name in list(headers):
        value = headers[name]
        if (
            name.lower() == "idempotency-key"
            and isinstance(value, str)
            and _VALID_KEY.match(value)
            and len(value) <= 255
        ):
            headers[name] = f"{value[:200]}-{uuid.uuid4().hex}"
    return case
