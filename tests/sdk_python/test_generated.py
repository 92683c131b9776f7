"""The Python SDK as a product of its own: its models and Data API resource classes must be the ones
generated from this server's /openapi.json (else they are stale), and it must install and import without
the server's code."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx

from tests.conftest import ROOT

SDK = ROOT / "sdk" / "python"
# What scripts/generate.py writes: the option that sends it elsewhere, and the committed file.
GENERATED = {
    "--out": SDK / "src" / "stride" / "_generated.py",
    "--resources-out": SDK / "src" / "stride" / "resources" / "_generated_data.py",
}


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=180, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def test_generated_models_and_resources_match_the_live_openapi(server: str, tmp_path: Path) -> None:
    """Regenerate _generated.py and resources/_generated_data.py from the live API; a difference means
    someone changed the API without running `make sdk-types` (the SDK's models or methods would be stale)."""
    spec = tmp_path / "openapi.json"
    spec.write_bytes(httpx.get(server + "/openapi.json", timeout=30).raise_for_status().content)
    fresh = {option: tmp_path / committed.name for option, committed in GENERATED.items()}
    result = _run(
        [
            sys.executable,
            str(SDK / "scripts" / "generate.py"),
            str(spec),
            *(part for option, path in fresh.items() for part in (option, str(path))),
        ]
    )
    assert result.returncode == 0, result.stderr
    stale = []
    for option, committed_path in GENERATED.items():
        name = str(committed_path.relative_to(ROOT))
        committed = committed_path.read_text(encoding="utf-8")
        generated = fresh[option].read_text(encoding="utf-8")
        if generated != committed:
            stale.append(
                f"{name} is stale: the API changed.\n"
                + "".join(
                    list(
                        difflib.unified_diff(
                            committed.splitlines(True),
                            generated.splitlines(True),
                            f"{name} (committed)",
                            "generated from /openapi.json",
                        )
                    )[:80]
                )
            )
    if stale:
        raise AssertionError(
            "Regenerate with `make sdk-types` (or: python sdk/python/scripts/generate.py "
            "<server>/openapi.json)\n" + "\n".join(stale)
        )


def test_the_sdk_installs_and_imports_on_its_own(tmp_path: Path) -> None:
    """`pip install` of sdk/python alone, then `import stride` in an interpreter that sees only that
    install and the standard site-packages (httpx, pydantic) — no .pth files, so no editable copy of
    the SDK and no stride_server."""
    source = tmp_path / "source"
    shutil.copytree(SDK, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = tmp_path / "target"
    installed = _run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)]
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (target / "stride" / "py.typed").exists(), "the package is marked as typed"

    probe = (
        "import sys; sys.path[:0] = [sys.argv[1]]; sys.path.append(sys.argv[2]);"
        "import stride, stride.models;"
        "assert stride.__file__.startswith(sys.argv[1]), stride.__file__;"
        "assert not any(m.startswith('stride_server') for m in sys.modules);"
        "c = stride.Client('http://127.0.0.1:9', token='t'); c.close();"
        "print(stride.__version__, c.performance.goals.path, len(stride.models.__all__))"
    )
    result = _run([sys.executable, "-I", "-S", "-c", probe, str(target), sysconfig.get_paths()["purelib"]])
    assert result.returncode == 0, result.stderr
    version, path, models = result.stdout.split()
    assert (version, path) == ("0.1.0", "/api/v1/performance/goals") and int(models) > 50
