"""The Python examples of README.md and sdk/python/README.md run as written against the live server
(only the server address, the token and the placeholder objective id are filled in)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import stride

from tests.conftest import ROOT
from tests.factories import Org

EXAMPLES = [ROOT / "README.md", ROOT / "sdk" / "python" / "README.md"]


@pytest.mark.parametrize("readme", EXAMPLES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_readme_example_runs(readme, server: str, org: Org, client: stride.Client) -> None:  # type: ignore[no-untyped-def]
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    assert blocks, f"{readme} has no Python example"
    example = blocks[0]
    assert len([line for line in example.splitlines() if line.strip()]) <= 12, "about ten lines"
    objective = client.okr.objectives.create(title="From the README", period="2026-Q2")
    code = example.replace("http://127.0.0.1:8000", server).replace("obj_…", objective.id)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"STRIDE_TOKEN": org.token("exec"), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    key_results = list(client.okr.key_results.list(objective_id=objective.id))
    assert [(k.current, k.progress_pct) for k in key_results] == [(4, 40)]
