"""The TypeScript SDK (sdk/typescript) against a live server: its types must be the ones generated from
this server's /openapi.json, it must build and type-check, and its node:test suite must pass (its webhook
tests against a second server of the same database that delivers webhooks)."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from pathlib import Path

import httpx

from tests.conftest import ROOT
from tests.factories import Org

SDK = ROOT / "sdk" / "typescript"


def _run(
    args: list[str], *, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=SDK,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 0, f"{what} exited {result.returncode}\n{result.stdout}\n{result.stderr}"


def _ensure_node_modules() -> None:
    assert shutil.which("node") and shutil.which("npm"), "the TypeScript SDK test needs Node.js ≥ 18 and npm"
    if not (SDK / "node_modules" / ".bin" / "tsc").exists():
        _ok(_run(["npm", "ci", "--no-audit", "--no-fund"], timeout=300), "npm ci")


def _assert_types_current(server: str, tmp_path: Path) -> None:
    """Regenerate src/openapi.ts from the live API; a difference means someone changed the API
    without running `npm run generate` (the SDK's types would be stale)."""
    spec = tmp_path / "openapi.json"
    spec.write_bytes(httpx.get(server + "/openapi.json", timeout=30).raise_for_status().content)
    fresh = tmp_path / "openapi.ts"
    _ok(_run(["node", "scripts/generate.mjs", str(spec), "--out", str(fresh)]), "npm run generate")
    committed = (SDK / "src" / "openapi.ts").read_text()
    if fresh.read_text() != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(True),
                    fresh.read_text().splitlines(True),
                    "src/openapi.ts (committed)",
                    "generated from /openapi.json",
                )
            )[:80]
        )
        raise AssertionError(
            "sdk/typescript/src/openapi.ts is stale: the API changed. Regenerate it with `make sdk-types`\n"
            "(or: cd sdk/typescript && npm run generate -- <server>/openapi.json)\n" + diff
        )


async def test_typescript_sdk_against_live_server(
    server: str, delivering_server: str, org: Org, tmp_path: Path
) -> None:
    _ensure_node_modules()
    _assert_types_current(server, tmp_path)
    _ok(_run(["npm", "run", "build"]), "npm run build (tsc)")
    _ok(_run(["npm", "run", "typecheck"]), "npm run typecheck")

    tests = sorted(str(path.relative_to(SDK)) for path in (SDK / "test").glob("*.test.mjs"))
    assert tests, "no sdk/typescript/test/*.test.mjs"
    result = _run(
        ["node", "--test", *tests],
        env={
            "STRIDE_BASE_URL": server,
            "STRIDE_TOKEN": org.token("exec"),
            "STRIDE_EMPLOYEE_TOKEN": org.token("alice"),
            # test/webhooks.test.mjs: the same database, delivering webhooks to its receiver on 127.0.0.1.
            "STRIDE_DELIVERING_BASE_URL": delivering_server,
        },
        timeout=180,
    )
    summary = [
        line
        for line in result.stdout.splitlines()
        if line.startswith(("# pass", "# fail", "# tests", "# skipped"))
    ]
    print("\n".join(summary))
    assert result.returncode == 0, (
        f"node --test failed ({', '.join(summary)}):\n{result.stdout}\n{result.stderr}"
    )
    assert "# fail 0" in summary and "# skipped 0" in summary
