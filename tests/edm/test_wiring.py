"""The domains are wired into the Data API explicitly: hooks and reference checkers are declared by
their domains and installed by `stride_server.wiring.wire()` (which `create_app()` calls) — importing
a domain changes nothing, and wiring that leaves a declared reference kind without a checker fails at
start-up instead of accepting any id."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stride_server.edm.hooks import Hooks, install, referenced_kinds
from stride_server.wiring import wire


def test_importing_the_domains_installs_nothing() -> None:
    code = (
        "import stride_server.okr.hooks, stride_server.learning.hooks, stride_server.reviews.references\n"
        "import stride_server.edm.hooks as h\nassert h._wiring is None, h._wiring\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_wire_installs_every_reference_kind_the_registry_declares() -> None:
    wiring = wire()
    assert {"review_cycle", "review_template"} <= set(wiring.references)
    assert set(wiring.hooks) == {"KeyResult", "Objective", "LearningRecord", "Cohort", "Assessment"}
    assert "review_cycle" in referenced_kinds() and "person" in referenced_kinds()


def test_a_missing_reference_checker_fails_at_start_up() -> None:
    with pytest.raises(RuntimeError, match="review_cycle"):
        install({}, {"review_template": wire().references["review_template"]})
    wire()  # leave the process wired as create_app() would


def test_hooks_for_an_undeclared_entity_fail_at_start_up() -> None:
    with pytest.raises(RuntimeError, match="Widget"):
        install({"Widget": Hooks()}, wire().references)
    wire()
