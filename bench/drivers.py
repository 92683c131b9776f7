"""The moving parts of the Data API benchmark: servers (`stride serve`, the bare app) started in their
own process groups on loopback, and the two load generators (wrk, pgbench) with bounded runs whose
output is read back as req/s and latency percentiles."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HOST = "127.0.0.1"  # loopback only
LUA = BENCH / "wrk_rotate.lua"


def ensure_wrk() -> str:
    """wrk from Debian's packages, installed on first use."""
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get install -y wrk) …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installed = subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, capture_output=True, timeout=300)
    if installed.returncode != 0:  # a fresh container may have no package lists yet
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=300, check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "wrk"], env=env, capture_output=True, timeout=300, check=True
        )
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt-get could not install it")
    return found


def pgbench_path() -> str:
    found = shutil.which("pgbench") or ("/usr/bin/pgbench" if Path("/usr/bin/pgbench").exists() else None)
    if not found:
        raise SystemExit("pgbench not found (Debian: apt-get install -y postgresql-client)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def background_cpu(seconds: float = 1.0) -> float:
    """Busy share (%) of all CPUs over `seconds` while this benchmark puts no load on them: what
    others (test suites, builds) are using right before a measured row."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:9]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total_before, idle_before = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    total = total_after - total_before
    return 100.0 * (total - (idle_after - idle_before)) / total if total > 0 else 0.0


# ------------------------------------------------------------------------------------------ servers
@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def stop(self) -> None:
        """SIGTERM to the server's own process group (uvicorn's supervisor and its workers), then SIGKILL."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass


def _start(name: str, command: list[str], env: dict[str, str], log: Path, port: int) -> Server:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, process, f"http://{HOST}:{port}", log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}; see {log}")
        try:
            if httpx.get(server.base + "/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    server.stop()
    raise SystemExit(f"{name} did not become healthy in 90 s; see {log}")


def start_stride(
    database_url: str,
    secret: str,
    workers: int,
    log_level: str,
    log: Path,
    *,
    extra_env: dict[str, str] | None = None,
    job_worker: bool = True,
) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "STRIDE_JWT_SECRET": secret,
        "STRIDE_LOG_LEVEL": log_level,
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "stride_server.cli",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        *(() if job_worker else ("--no-worker",)),
    ]
    return _start("stride serve", command, env, log, port)


def start_bare(dsn: str, spec: Path, workers: int, pool_size: int, log: Path) -> Server:
    port = free_port()
    env = {**os.environ, "BENCH_DSN": dsn, "BENCH_SPEC": str(spec), "BENCH_POOL_SIZE": str(pool_size)}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bare_app:app",
        "--app-dir",
        str(BENCH),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return _start("bare app", command, env, log, port)


# --------------------------------------------------------------------------------------------- wrk
@dataclass(frozen=True)
class Request:
    method: str
    path: str
    token: str = ""
    body: str = ""


def write_requests(path: Path, requests: list[Request]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{r.method}\t{r.path}\t{r.token}\t{r.body}\n" for r in requests))
    return path


def wrk(base: str, requests_file: Path, *, duration: float, connections: int, threads: int) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA),
        base,
        "--",
        str(requests_file),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    raw = json.loads(line.removeprefix("WRKJSON "))
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "requests": raw["requests"],
        "errors": errors,
        "non_2xx": raw["non_2xx_3xx"],
        "seconds": round(seconds, 2),
    }


# ----------------------------------------------------------------------------------------- pgbench
def to_pgbench(sql: str, names: list[str]) -> str:
    """$n placeholders to pgbench variables (`::` casts are left alone by pgbench's parser)."""
    return re.sub(r"\$(\d+)", lambda m: ":" + names[int(m.group(1)) - 1], sql).strip() + ";\n"


def pgbench(
    dsn: str,
    scripts: list[Path],
    defines: dict[str, str],
    *,
    duration: float,
    warmup: float,
    clients: int,
    threads: int,
    workdir: Path,
    options: str | None = None,
) -> dict[str, Any]:
    """`pgbench -M prepared` over `scripts` (one picked at random per transaction) for warmup + duration
    seconds in one run, so the prepared statements and their plans survive the warm-up; req/s and
    percentiles come from the per-transaction log, counting only what ends after the warm-up."""
    for old in workdir.glob("pgbench_log*"):
        old.unlink()
    command = [
        pgbench_path(),
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        str(threads),
        "-T",
        str(max(1, round(warmup + duration))),
        "-l",
        "--log-prefix",
        str(workdir / "pgbench_log"),
    ]
    for script in scripts:
        command += ["-f", str(script)]
    for key, value in defines.items():
        command += ["-D", f"{key}={value}"]
    env = {**os.environ, **({"PGOPTIONS": options} if options else {})}
    done = subprocess.run(
        [*command, dsn], capture_output=True, text=True, timeout=warmup + duration + 120, env=env
    )
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    if done.returncode != 0 or "tps = " not in done.stdout:
        raise SystemExit(f"pgbench failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    ends: list[tuple[float, int]] = []  # (end time in s, latency in µs)
    for log in workdir.glob("pgbench_log*"):
        with open(log) as f:
            for line in f:
                fields = line.split()  # client, transaction, latency µs, script, end s, end µs
                ends.append((int(fields[4]) + int(fields[5]) / 1e6, int(fields[2])))
        log.unlink()
    started = min(end - latency / 1e6 for end, latency in ends)
    measured_from = started + warmup
    measured_to = min(measured_from + duration, max(end for end, _ in ends))
    latencies = sorted(latency for end, latency in ends if measured_from <= end <= measured_to)
    seconds = measured_to - measured_from
    if len(latencies) < 2 or seconds <= 0:
        raise SystemExit("pgbench: no transactions after the warm-up")
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": quantiles[49] / 1000,
        "p90_ms": quantiles[89] / 1000,
        "p99_ms": quantiles[98] / 1000,
        "requests": len(latencies),
        "errors": int(failed.group(1)) if failed else 0,
        "non_2xx": 0,
        "seconds": round(seconds, 2),
    }
