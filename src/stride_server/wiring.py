"""The one place the domains are wired into the generic Data API: each domain declares its hooks and
reference checkers; `wire()` installs them (checked) and is called by `create_app()` and by the
commands that write records without serving (`stride demo`)."""

from __future__ import annotations

from stride_server.edm.hooks import Wiring, install


def wire() -> Wiring:
    from stride_server.learning.hooks import HOOKS as LEARNING_HOOKS
    from stride_server.okr.hooks import HOOKS as OKR_HOOKS
    from stride_server.reviews.references import REFERENCE_CHECKERS as REVIEW_REFERENCES

    return install({**OKR_HOOKS, **LEARNING_HOOKS}, {**REVIEW_REFERENCES})
