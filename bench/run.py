"""The Data API under load: 1,000,000 PersonGoals over 100 tenants and 10,000 people, served by
`stride serve` and hit by wrk with 32 connections — list by person, get by id, create, PATCH, the
tenant list's first page against a page 90% deep by cursor, OKR check-ins (8 tenants and 1) and a
reviewer's review PUT — next to two references on the same database and data: a bare FastAPI + asyncpg
app running Stride's own SQL, or the least SQL a write needs (the framework floor), and pgbench running
the reads' SQL directly (the database ceiling). Stride and the bare app are measured side by side in
ABBA order, so the machine's drift weighs on both alike. Prints req/s, p50 and p99 and checks the
issue's targets.

    .venv/bin/python bench/run.py [--scale small|full] [--workers N] [--duration S]     (or: make bench)

Uses DATABASE_URL's server or the embedded PostgreSQL; the data lives in its own database
(stride_bench, stride_bench_small), loaded once with COPY and reused while it matches. Every load run is
bounded by time (wrk -d, pgbench -T, subprocess timeouts); every setup loop by count. Loopback only.
Writes bench/results/latest.json."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dataset
import drivers
import httpx
import statements
from drivers import Request

RESULTS = drivers.BENCH / "results"
WORK = RESULTS / "work"
GOALS = "/api/v1/performance/goals"
CALLER_TENANTS, CALLERS_PER_TENANT, GETS_PER_CALLER, DEEP_TENANTS, OKR_TENANTS = 8, 2, 4, 8, 8
OKR = "/api/v1/okr/key-results"
TARGET_RATIO, TARGET_DEEP, TARGET_WRITE_RATIO, TARGET_OKR_ONE_TENANT = 0.9, 1.5, 0.6, 0.8
TARGET_P99_RATIO = 2.0  # Stride's get and list p99 within twice the bare app's
REVIEWS = "/api/performance/reviews"
SCENARIOS = {
    "list": "list by person (limit 50)",
    "get": "get by id",
    "create": "create",
    "patch": "PATCH (own goal, title)",
    "first": "tenant list, first page",
    "deep": "tenant list, 90% deep by cursor",
    "okr_checkin": f"OKR check-in, {OKR_TENANTS} tenants",
    "okr_patch": f"OKR key-result PATCH, {OKR_TENANTS} tenants",
    "okr_checkin_1t": "OKR check-in, 1 tenant",
    "okr_patch_1t": "OKR key-result PATCH, 1 tenant",
    "review_put": "review PUT (reviewer's texts)",
    "list_tx": "list, Stride's whole transaction",
    "get_tx": "get, Stride's one statement",
}


def main() -> None:
    args = _arguments()
    drivers.ensure_wrk()
    drivers.pgbench_path()
    scale = dataset.SCALES[args.scale]
    shutil.rmtree(WORK, ignore_errors=True)  # this run's scripts, request lists and server logs
    WORK.mkdir(parents=True)
    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "scale": scale.name,
        "workers": args.workers,
        "duration_s": args.duration,
        "connections": args.connections,
        "wrk_threads": args.threads,
        "machine": _machine(),
        "results": [],
    }
    url = asyncio.run(dataset.ensure_database(dataset.server_url(), scale.database))
    dsn = dataset.libpq(url)
    dataset.migrate(url)
    report["data"] = asyncio.run(dataset.load(url, scale, force=args.reload, log=_say))
    _say(f"data: {report['data']}")
    callers = asyncio.run(dataset.pick_callers(url, CALLER_TENANTS, CALLERS_PER_TENANT))
    pages = asyncio.run(dataset.deep_pages(url, DEEP_TENANTS))
    okrs = asyncio.run(dataset.load_okrs(url, OKR_TENANTS))
    report["data"]["okr"] = {
        "tenants": len(okrs),
        "trees_per_tenant": dataset.OKR_TREES,
        "depth": dataset.OKR_DEPTH,
        "key_results": sum(len(t.key_result_ids) for o in okrs for t in o.trees),
    }
    reviews = asyncio.run(dataset.load_reviews(url, callers))
    report["data"]["reviews"] = {
        "reviewers": len(reviews),
        "reviews": sum(len(r.review_ids) for r in reviews),
    }
    sql = asyncio.run(statements.capture())
    spec = WORK / "statements.json"
    spec.write_text(json.dumps({k: v.as_json() for k, v in sql.items()}, indent=1, default=str))
    report["explain"] = _explain(dsn, sql, callers[1], pages[0])
    run = Runner(args, report)
    _bench_servers(run, url, dsn, spec, callers, pages, okrs, reviews)
    report["data"]["removed_created"] = asyncio.run(_remove_created(dsn, callers))
    _bench_pgbench(run, dsn, sql, callers, pages)
    report["ratios"] = _ratios(report["results"])
    report["finished_at"] = datetime.now(UTC).isoformat()
    _print_table(report)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, default=str))
    _say(f"wrote {RESULTS / 'latest.json'}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        choices=sorted(dataset.SCALES),
        default="full",
        help="full: 1,000,000 goals; small: 10,000 (checks the pipeline quickly)",
    )
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (Stride and bare)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured scenario")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of unmeasured load before each")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads and pgbench -j")
    parser.add_argument(
        "--log-level",
        default="warning",
        help="STRIDE_LOG_LEVEL of the server (info logs one access line per request)",
    )
    parser.add_argument("--reload", action="store_true", help="reload the data even if it matches")
    return parser.parse_args()


def _say(message: str) -> None:
    print(message, flush=True)


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": os.getloadavg(),
    }


class Runner:
    """Runs one measured scenario at a time and files its figures."""

    def __init__(self, args: argparse.Namespace, report: dict[str, Any]) -> None:
        self.args, self.report = args, report

    def _file(self, target: str, scenario: str, figures: dict[str, Any], background: float) -> None:
        figures = {
            "target": target,
            "scenario": scenario,
            **figures,
            "background_cpu_pct": round(background, 1),
        }
        self.report["results"].append(figures)
        _say(
            f"  {target:8} {scenario:14} {figures['rps']:9.0f} req/s  p50 {figures['p50_ms']:7.2f} ms  "
            f"p99 {figures['p99_ms']:7.2f} ms  errors {figures['errors']}  non-2xx {figures['non_2xx']}"
        )

    def wrk(self, target: str, scenario: str, base: str, requests: list[Request]) -> None:
        path = drivers.write_requests(WORK / f"{target}_{scenario}.tsv", requests)
        options = {"connections": self.args.connections, "threads": self.args.threads}
        if self.args.warmup > 0:
            drivers.wrk(base, path, duration=self.args.warmup, **options)
        background = drivers.background_cpu()
        self._file(
            target, scenario, drivers.wrk(base, path, duration=self.args.duration, **options), background
        )

    def pgbench(
        self,
        scenario: str,
        dsn: str,
        scripts: list[Path],
        defines: dict[str, str],
        options: str = "-c jit=off",
    ) -> None:
        background = drivers.background_cpu()
        figures = drivers.pgbench(
            dsn,
            scripts,
            defines,
            duration=self.args.duration,
            warmup=max(self.args.warmup, 1),
            clients=self.args.connections,
            threads=self.args.threads,
            workdir=WORK,
            options=options,
        )
        self._file("pgbench", scenario, figures, background)


# -------------------------------------------------------------------------------------------- Stride
def _okr_rotation(okrs: list[dataset.OkrTenant]) -> list[tuple[str, str, str, int]]:
    """(tenant, tree owner, key result, round) over every key result of `okrs`, a round at a time,
    interleaving tenants, then trees: the requests wrk's connections have in flight together (consecutive
    lines) land on different trees, as a tenant's check-ins come from many people on their own OKRs."""
    return [
        (o.tenant_id, o.trees[tree].owner_id, o.trees[tree].key_result_ids[k], round_)
        for round_ in range(20)
        for k in range(dataset.KEY_RESULTS_PER_TREE)
        for tree in range(dataset.OKR_TREES)
        for o in okrs
    ]


def _check_in_body(line: int, round_: int) -> str:
    # A key result's value changes every round, so each check-in moves the progress of the whole chain.
    return json.dumps({"value": (round_ * 37 + line * 11) % 1000, "note": "wrk"})


def _okr_requests(okrs: list[dataset.OkrTenant], tokens: dict[str, str], kind: str) -> list[Request]:
    """Each tree's owner checks in on (or renames) their own key results."""
    requests = []
    for n, (_, owner, kr, round_) in enumerate(_okr_rotation(okrs)):
        if kind == "checkin":
            requests.append(
                Request("POST", f"{OKR}/{kr}/check-ins", tokens[owner], _check_in_body(n, round_))
            )
        else:
            body = json.dumps({"title": f"Key result {n % 97}, round {round_}"})
            requests.append(Request("PATCH", f"{OKR}/{kr}", tokens[owner], body))
    return requests


def _review_bodies(reviews: list[dataset.Reviewer]) -> list[tuple[dataset.Reviewer, str, str]]:
    """(reviewer, review, body) a round at a time, interleaving reviewers: a reviewer saving the texts
    they write on one of their reviews, new words each round."""
    most = max((len(r.review_ids) for r in reviews), default=0)
    return [
        (
            r,
            r.review_ids[k],
            json.dumps(
                {
                    "strengths": f"Owned the release pipeline end to end (draft {round_}).",
                    "growth_areas": "Delegate more; write design notes before coding.",
                    "reviewer_notes": f"Discussed at our one-to-one, week {round_ % 52 + 1}.",
                }
            ),
        )
        for round_ in range(10)
        for k in range(most)
        for r in reviews
        if k < len(r.review_ids)
    ]


# What a create sends (Stride and the bare app alike); `source` marks rows the run removes afterwards.
CREATE_BODY = json.dumps(
    {
        "title": "Benchmark goal",
        "description": "Created under load.",
        "category": "delivery",
        "period": "2026-Q2",
        "status": "in_progress",
        "progress_pct": 10,
        "source": dataset.CREATED_SOURCE,
    }
)


def _stride_requests(
    callers: list[dataset.Caller],
    pages: list[dataset.DeepPage],
    tokens: dict[str, str],
    okrs: list[dataset.OkrTenant],
    reviews: list[dataset.Reviewer],
) -> dict[str, list[Request]]:
    return {
        "list": [
            Request("GET", f"{GOALS}?person_id={c.person_id}&limit=50", tokens[c.person_id]) for c in callers
        ],
        "get": [
            Request("GET", f"{GOALS}/{g}", tokens[c.person_id])
            for c in callers
            for g in c.some_goals(GETS_PER_CALLER)
        ],
        "first": [Request("GET", f"{GOALS}?limit=50", tokens[p.executive_id]) for p in pages],
        "deep": [
            Request(
                "GET", f"{GOALS}?limit=50&cursor={statements.cursor_for(p.after)}", tokens[p.executive_id]
            )
            for p in pages
        ],
        "create": [Request("POST", GOALS, tokens[c.person_id], CREATE_BODY) for c in callers],
        "patch": [
            Request("PATCH", f"{GOALS}/{g}", tokens[c.person_id], json.dumps({"title": f"Renamed {n}"}))
            for c in callers
            for n, g in enumerate(c.some_goals(GETS_PER_CALLER))
        ],
        "okr_checkin": _okr_requests(okrs, tokens, "checkin"),
        "okr_patch": _okr_requests(okrs, tokens, "patch"),
        "okr_checkin_1t": _okr_requests(okrs[:1], tokens, "checkin"),
        "okr_patch_1t": _okr_requests(okrs[:1], tokens, "patch"),
        "review_put": [
            Request("PUT", f"{REVIEWS}/{review}", tokens[r.reviewer_id], body)
            for r, review, body in _review_bodies(reviews)
        ],
    }


# Measured next to the bare app, ABBA; then Stride's OKR key-result PATCHes alone.
SIDE_BY_SIDE = (
    "list",
    "get",
    "first",
    "deep",
    "create",
    "patch",
    "okr_checkin",
    "okr_checkin_1t",
    "review_put",
)
WRITES = ("okr_patch", "okr_patch_1t")
CHECK_INS = ("okr_checkin", "okr_checkin_1t")


def _bench_servers(
    run: Runner,
    url: str,
    dsn: str,
    spec: Path,
    callers: list[dataset.Caller],
    pages: list[dataset.DeepPage],
    okrs: list[dataset.OkrTenant],
    reviews: list[dataset.Reviewer],
) -> None:
    """Stride and the bare app serve side by side; each scenario runs Stride, bare, bare, Stride
    (ABBA), so a drift in the machine's speed during the run weighs on both alike and the ratios use
    the means. Then Stride's key-result PATCHes, with the bare app stopped."""
    stride, stride_requests = _start_stride(run, url, callers, pages, okrs, reviews)
    try:
        asyncio.run(_remove_created(dsn, callers))  # the check's create: both apps read the loaded data
        bare, bare_requests = _start_bare(run, dsn, spec, callers, pages, okrs, reviews)
        try:
            _check_same_check_in(dsn, stride.base, bare.base, stride_requests, bare_requests)
            served = {"stride": (stride, stride_requests), "bare": (bare, bare_requests)}
            for scenario in SIDE_BY_SIDE:
                for target in ("stride", "bare", "bare", "stride"):
                    server, requests = served[target]
                    if scenario in CHECK_INS:  # every check-in row starts from empty histories
                        asyncio.run(dataset.clear_check_ins(dsn, okrs))
                    run.wrk(target, scenario, server.base, requests[scenario])
        finally:
            bare.stop()
        for scenario in WRITES:
            run.wrk("stride", scenario, stride.base, stride_requests[scenario])
    finally:
        stride.stop()


def _start_stride(
    run: Runner,
    url: str,
    callers: list[dataset.Caller],
    pages: list[dataset.DeepPage],
    okrs: list[dataset.OkrTenant],
    reviews: list[dataset.Reviewer],
) -> tuple[drivers.Server, dict[str, list[Request]]]:
    from stride_server.auth.tokens import mint
    from stride_server.config import Settings

    secret = secrets.token_urlsafe(32)
    settings = Settings(stride_jwt_secret=secret, stride_jwt_public_key=None, stride_jwks_url=None)
    people = (
        {c.person_id: c.tenant_id for c in callers}
        | {p.executive_id: p.tenant_id for p in pages}
        | {t.owner_id: o.tenant_id for o in okrs for t in o.trees}
    )
    tokens = {sub: mint(tenant, sub, ttl=7200, settings=settings) for sub, tenant in people.items()}
    requests = _stride_requests(callers, pages, tokens, okrs, reviews)
    _say(f"stride serve --workers {run.args.workers} (STRIDE_LOG_LEVEL={run.args.log_level}) …")
    server = drivers.start_stride(url, secret, run.args.workers, run.args.log_level, WORK / "stride.log")
    try:
        _check_stride(server.base, requests, callers, pages)
    except BaseException:
        server.stop()
        raise
    return server, requests


def expecting(client: httpx.Client) -> Callable[[Request, int], Any]:
    """Send a Request with `client` and answer its JSON, stopping the run unless it has `status`."""

    def call(r: Request, status: int) -> Any:
        headers = {"Authorization": f"Bearer {r.token}"} | (
            {"Content-Type": "application/json"} if r.body else {}
        )
        answer = client.request(r.method, r.path, headers=headers, content=r.body or None)
        if answer.status_code != status:
            raise SystemExit(
                f"{client.base_url} {r.method} {r.path}: {answer.status_code} {answer.text[:300]}"
            )
        return answer.json()

    return call


def _check_stride(
    base: str,
    requests: dict[str, list[Request]],
    callers: list[dataset.Caller],
    pages: list[dataset.DeepPage],
) -> None:
    """One pass over every request before any load: right status, right rows, and the deep cursor is
    exactly what Stride hands out itself."""
    with httpx.Client(base_url=base, timeout=10) as client:
        call = expecting(client)
        for r, caller in zip(requests["list"], callers, strict=True):
            page = call(r, 200)
            assert len(page["data"]) == min(50, len(caller.goal_ids)), (r.path, len(page["data"]))
            assert {g["person_id"] for g in page["data"]} == {caller.person_id}
        for r in requests["get"]:
            call(r, 200)
        for first, deep, p in zip(requests["first"], requests["deep"], pages, strict=True):
            top = call(first, 200)
            last = top["data"][-1]
            made = statements.cursor_for((datetime.fromisoformat(last["created_at"]), last["id"]))
            assert top["next_cursor"] == made, "a hand-made cursor must equal Stride's own"
            page = call(deep, 200)
            assert len(page["data"]) == 50 and page["has_more"], p
            head = page["data"][0]
            assert (datetime.fromisoformat(head["created_at"]), head["id"]) < p.after, (
                "the page starts after the cursor"
            )
        call(requests["create"][0], 201)
        assert call(requests["patch"][0], 200)["title"] == "Renamed 0"
        record = call(requests["okr_checkin"][0], 201)
        assert record["history"] and record["history"][-1]["note"] == "wrk", record
        call(requests["okr_checkin_1t"][0], 201)
        call(requests["okr_patch"][0], 200)
        sent = json.loads(requests["review_put"][0].body)
        saved = call(requests["review_put"][0], 200)["review"]
        assert {k: saved[k] for k in sent} == sent and saved["status"] == "in_review", saved


async def _remove_created(dsn: str, callers: list[dataset.Caller]) -> int:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        removed = await dataset.remove_created_goals(conn, sorted({c.tenant_id for c in callers}))
        await conn.execute("RESET stride.tenant_id")
        await conn.execute("VACUUM (ANALYZE) person_goals")
        return removed
    finally:
        await conn.close()


# ---------------------------------------------------------------------------------------------- bare
def _bare_check_ins(okrs: list[dataset.OkrTenant]) -> list[Request]:
    """Stride's check-ins, line for line: the same key results, values and notes, in the same order."""
    return [
        Request(
            "POST",
            f"/key-results/{kr}/check-ins?tenant={tenant}&person={owner}",
            "",
            _check_in_body(n, round_),
        )
        for n, (tenant, owner, kr, round_) in enumerate(_okr_rotation(okrs))
    ]


def _start_bare(
    run: Runner,
    dsn: str,
    spec: Path,
    callers: list[dataset.Caller],
    pages: list[dataset.DeepPage],
    okrs: list[dataset.OkrTenant],
    reviews: list[dataset.Reviewer],
) -> tuple[drivers.Server, dict[str, list[Request]]]:
    def deep_path(p: dataset.DeepPage) -> str:
        after = quote(p.after[0].isoformat())
        return f"/tenant-goals?tenant={p.tenant_id}&after_created_at={after}&after_id={p.after[1]}"

    requests = {
        "list": [Request("GET", f"/goals?tenant={c.tenant_id}&person={c.person_id}") for c in callers],
        "get": [
            Request("GET", f"/goals/{g}?tenant={c.tenant_id}&person={c.person_id}")
            for c in callers
            for g in c.some_goals(GETS_PER_CALLER)
        ],
        "first": [Request("GET", f"/tenant-goals?tenant={p.tenant_id}") for p in pages],
        "deep": [Request("GET", deep_path(p)) for p in pages],
        "create": [
            Request("POST", f"/goals?tenant={c.tenant_id}&person={c.person_id}", "", CREATE_BODY)
            for c in callers
        ],
        "patch": [
            Request(
                "PATCH",
                f"/goals/{g}?tenant={c.tenant_id}&person={c.person_id}",
                "",
                json.dumps({"title": f"Renamed {n}"}),
            )
            for c in callers
            for n, g in enumerate(c.some_goals(GETS_PER_CALLER))
        ],
        "okr_checkin": _bare_check_ins(okrs),
        "okr_checkin_1t": _bare_check_ins(okrs[:1]),
        "review_put": [
            Request("PUT", f"/reviews/{review}?tenant={r.tenant_id}&person={r.reviewer_id}", "", body)
            for r, review, body in _review_bodies(reviews)
        ],
    }
    from stride_server.config import get_settings

    _say(f"bare FastAPI + asyncpg, --workers {run.args.workers} …")
    server = drivers.start_bare(
        dsn, spec, run.args.workers, get_settings().stride_pool_size, WORK / "bare.log"
    )
    try:
        with httpx.Client(base_url=server.base, timeout=10) as client:
            for r, caller in zip(requests["list"], callers, strict=True):
                assert len(client.get(r.path).json()["data"]) == min(50, len(caller.goal_ids)), r.path
            for r in requests["get"] + requests["first"] + requests["deep"]:
                assert client.get(r.path).status_code == 200, r.path
            headers = {"Content-Type": "application/json"}
            created = client.post(
                requests["create"][0].path, content=requests["create"][0].body, headers=headers
            )
            assert created.status_code == 201 and created.json()["source"] == dataset.CREATED_SOURCE, (
                created.text
            )
            patched = client.patch(
                requests["patch"][0].path, content=requests["patch"][0].body, headers=headers
            )
            assert patched.status_code == 200 and patched.json()["title"] == "Renamed 0", patched.text
            for r in (requests["okr_checkin"][0], requests["okr_checkin_1t"][0]):
                checked = client.post(r.path, content=r.body, headers=headers)
                assert checked.status_code == 201 and checked.json()["history"][-1]["note"] == "wrk", (
                    checked.text
                )
            r = requests["review_put"][0]
            put = client.put(r.path, content=r.body, headers=headers)
            sent = json.loads(r.body)
            assert put.status_code == 200 and {k: put.json()[k] for k in sent} == sent, put.text
    except BaseException:
        server.stop()
        raise
    return server, requests


def _check_same_check_in(
    dsn: str,
    stride: str,
    bare: str,
    stride_requests: dict[str, list[Request]],
    bare_requests: dict[str, list[Request]],
) -> None:
    """The floor writes what Stride writes: a key result checked in by Stride at one value (after
    another, so the whole chain rolls up), then at the other, then at the first by the bare app leaves
    its tree — the key result's current, progress and health, every objective's progress and key
    results — exactly as Stride's check-in at the first value had."""
    import asyncpg

    first, again = stride_requests["okr_checkin"][0], bare_requests["okr_checkin"][0]
    other = next(r for r in stride_requests["okr_checkin"] if r.path == first.path and r.body != first.body)
    tenant = again.path.split("tenant=")[1].split("&")[0]
    key_result = first.path.split("/")[-2]

    async def tree() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("SELECT set_config('stride.tenant_id', $1, false)", tenant)
            rows = await conn.fetch(
                """SELECT k.current, k.progress_pct, k.status, o.id, o.progress_pct, o.key_result_ids
                     FROM key_results k JOIN objectives o
                       ON o.tenant_id = k.tenant_id AND o.owner_id = k.owner_id
                    WHERE k.tenant_id = $1 AND k.id = $2 ORDER BY o.id""",
                tenant,
                key_result,
            )
            return [tuple(r) for r in rows]
        finally:
            await conn.close()

    def post(base: str, r: Request) -> None:
        headers = {"Content-Type": "application/json"} | (
            {"Authorization": f"Bearer {r.token}"} if r.token else {}
        )
        answer = httpx.post(base + r.path, content=r.body, headers=headers, timeout=10)
        assert answer.status_code == 201, answer.text

    post(stride, other)
    post(stride, first)
    by_stride = asyncio.run(tree())
    post(stride, other)
    assert asyncio.run(tree()) != by_stride, "a check-in at another value moves the tree"
    post(bare, again)
    assert asyncio.run(tree()) == by_stride, "the bare check-in must write what Stride's writes"


# ------------------------------------------------------------------------------------------- pgbench
def _script(name: str, body: str) -> Path:
    path = WORK / "pgbench" / f"{name}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def _variables(
    statement: statements.Statement, inputs: dict[str, str], defines: dict[str, str], key: str
) -> list[str]:
    """pgbench variable names for each $n of `statement`; constants become shared defines."""
    names = []
    for n, param in enumerate(statement.params, 1):
        if "input" in param:
            names.append(inputs[param["input"]])
        else:
            names.append(f"c_{key}_{n}")
            const = param["const"]
            # A list constant is a PostgreSQL array literal in a pgbench variable.
            defines[f"c_{key}_{n}"] = "{" + ",".join(const) + "}" if isinstance(const, list) else str(const)
    return names


def _bench_pgbench(
    run: Runner,
    dsn: str,
    sql: dict[str, statements.Statement],
    callers: list[dataset.Caller],
    pages: list[dataset.DeepPage],
) -> None:
    defines: dict[str, str] = {}
    scripts: dict[str, list[Path]] = {
        name: [] for name in ("list", "get", "first", "deep", "list_tx", "get_tx")
    }

    def text(name: str, inputs: dict[str, str]) -> str:
        return drivers.to_pgbench(sql[name].sql, _variables(sql[name], inputs, defines, name))

    def transaction(name: str, inputs: dict[str, str]) -> str:  # what one Stride request sends, in order
        return "BEGIN READ ONLY;\n" + text("enter", inputs) + text(name, inputs) + "COMMIT;\n"

    for k, c in enumerate(callers):
        defines[f"t{k}"], defines[f"p{k}"] = c.tenant_id, c.person_id
        inputs = {"tenant": f"t{k}", "person": f"p{k}"}
        scripts["list"].append(_script(f"list_{k}", text("list", inputs)))
        scripts["list_tx"].append(_script(f"list_tx_{k}", transaction("list", inputs)))
        # One goal per caller: each script is a prepared statement per client, planned custom five
        # times before PostgreSQL settles on a plan, so fewer scripts keep the warm-up short.
        defines[f"g{k}"] = c.goal_ids[0]
        scripts["get"].append(_script(f"get_{k}", text("get", {**inputs, "id": f"g{k}"})))
        scripts["get_tx"].append(_script(f"get_tx_{k}", text("person_get", {**inputs, "id": f"g{k}"})))
    for d, p in enumerate(pages):
        defines[f"dt{d}"], defines[f"da{d}"], defines[f"di{d}"] = (
            p.tenant_id,
            p.after[0].isoformat(),
            p.after[1],
        )
        inputs = {"tenant": f"dt{d}", "after_created_at": f"da{d}", "after_id": f"di{d}"}
        scripts["first"].append(_script(f"first_{d}", text("first_page", inputs)))
        scripts["deep"].append(_script(f"deep_{d}", text("deep_page", inputs)))
    from stride_server.config import get_settings

    _say("pgbench, as the owner (same SQL, same parameters, prepared) …")
    for scenario in ("list", "get", "first", "deep"):
        run.pgbench(scenario, dsn, scripts[scenario], defines)
    role = get_settings().stride_app_db_role
    _say(f"pgbench, Stride's whole transaction per request as role {role} (row-level security on) …")
    for scenario in ("list_tx", "get_tx"):
        run.pgbench(scenario, dsn, scripts[scenario], defines, options=f"-c jit=off -c role={role}")


# ------------------------------------------------------------------------------------------ reporting
def _explain(
    dsn: str, sql: dict[str, statements.Statement], caller: dataset.Caller, page: dataset.DeepPage
) -> dict[str, Any]:
    from stride_server.config import get_settings

    role = get_settings().stride_app_db_role
    person = {"tenant": caller.tenant_id, "person": caller.person_id, "id": caller.goal_ids[0]}
    tenant = {"tenant": page.tenant_id, "after_created_at": page.after[0], "after_id": page.after[1]}
    plans = {}
    for name, inputs in (("list", person), ("get", person), ("first_page", tenant), ("deep_page", tenant)):
        plan = asyncio.run(statements.explain(dsn, sql[name], inputs, role))
        plans[name] = {
            "summary": statements.summarise(plan),
            "one_line": statements.one_line(plan),
            "plan": plan,
        }
    _say(
        f"\nEXPLAIN (ANALYZE, BUFFERS), as role {role} with the tenant set; caller {caller.access_level} "
        f"{caller.person_id}, deep page after row {page.depth:,} of {page.total:,}:"
    )
    for name in ("list", "deep_page", "first_page", "get"):
        _say(f"  {name}:")
        for line in plans[name]["summary"]:
            _say(f"    {line}")
    _say("EXPLAIN (ANALYZE) in one line:")
    for name in ("list", "deep_page"):
        _say(f"  {name:10} {plans[name]['one_line']}")
    _say("")
    return plans


def _mean(results: list[dict[str, Any]], target: str, scenario: str, key: str) -> float | None:
    values = [r[key] for r in results if r["target"] == target and r["scenario"] == scenario]
    return sum(values) / len(values) if values else None


def _ratios(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The issue's targets, from the means of the ABBA rows."""
    ratios: dict[str, Any] = {}
    for scenario in ("list", "get"):
        stride, bare = _mean(results, "stride", scenario, "rps"), _mean(results, "bare", scenario, "rps")
        if stride and bare:
            value = stride / bare
            ratios[f"{scenario}_stride_over_bare_rps"] = {
                "value": round(value, 3),
                "target": f">= {TARGET_RATIO}",
                "met": value >= TARGET_RATIO,
            }
        stride, bare = (_mean(results, t, scenario, "p99_ms") for t in ("stride", "bare"))
        if stride and bare:  # the tail: Stride's p99 within a multiple of the floor's
            value = stride / bare
            ratios[f"{scenario}_stride_over_bare_p99"] = {
                "value": round(value, 3),
                "target": f"<= {TARGET_P99_RATIO}",
                "met": value <= TARGET_P99_RATIO,
            }
    for scenario in ("create", "patch", "okr_checkin", "review_put"):  # the write floor
        stride, bare = _mean(results, "stride", scenario, "rps"), _mean(results, "bare", scenario, "rps")
        if stride and bare:
            value = stride / bare
            ratios[f"{scenario}_stride_over_bare_rps"] = {
                "value": round(value, 3),
                "target": f">= {TARGET_WRITE_RATIO}",
                "met": value >= TARGET_WRITE_RATIO,
            }
    one, many = (_mean(results, "stride", s, "rps") for s in ("okr_checkin_1t", "okr_checkin"))
    if one and many:  # tenants are not what serialises check-ins: objective trees are
        value = one / many
        ratios["okr_checkin_1t_over_8t_rps"] = {
            "value": round(value, 3),
            "target": f">= {TARGET_OKR_ONE_TENANT}",
            "met": value >= TARGET_OKR_ONE_TENANT,
        }
    first, deep = _mean(results, "stride", "first", "p50_ms"), _mean(results, "stride", "deep", "p50_ms")
    if first and deep:
        value = deep / first
        ratios["deep_p50_over_first_p50"] = {
            "value": round(value, 3),
            "target": f"<= {TARGET_DEEP}",
            "met": value <= TARGET_DEEP,
        }
    return ratios


def _print_table(report: dict[str, Any]) -> None:
    data = report["data"]
    _say(
        f"\nData API benchmark — {data['goals']:,} goals, {data['tenants']} tenants, "
        f"{data['people']:,} people; "
        f"{report['connections']} connections, {report['workers']} workers, "
        f"{report['duration_s']:g} s per row; "
        f"{report['machine']['cpus']} CPUs shared by load generator, servers and PostgreSQL"
    )
    _say(f"{'scenario':36} {'target':8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'bg cpu':>7}")
    for scenario, label in SCENARIOS.items():
        for r in (x for x in report["results"] if x["scenario"] == scenario):
            failures = r["errors"] + r["non_2xx"]
            _say(
                f"{label:36} {r['target']:8} {r['rps']:9.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} "
                f"{failures:7d} {r['background_cpu_pct']:6.0f}%"
            )
    _say("\nmeans of the ABBA rows (req/s; p50 ms):")
    for scenario in SIDE_BY_SIDE:
        stride, bare = (_mean(report["results"], t, scenario, "rps") for t in ("stride", "bare"))
        p50 = _mean(report["results"], "stride", scenario, "p50_ms")
        if stride and bare and p50:
            _say(
                f"  {SCENARIOS[scenario]:34} stride {stride:7.0f}  bare {bare:7.0f}  "
                f"stride/bare {stride / bare:5.3f}"
                f"  stride p50 {p50:6.2f}"
            )
    one, many = (
        {t: _mean(report["results"], t, s, "rps") for t in ("stride", "bare")}
        for s in ("okr_checkin_1t", "okr_checkin")
    )
    if all(one.values()) and all(many.values()):  # the tenants' spread, Stride's and the floor's
        label = f"OKR check-in, 1 tenant / {OKR_TENANTS} tenants"
        _say(
            f"  {label:34} stride {one['stride'] / many['stride']:5.3f}  "
            f"bare {one['bare'] / many['bare']:5.3f}"
        )
    _say("\ntargets:")
    for name, ratio in report["ratios"].items():
        _say(
            f"  {name:34} {ratio['value']:6.3f}  (target {ratio['target']})  "
            f"{'MET' if ratio['met'] else 'MISSED'}"
        )
    _say(
        "(bg cpu = how busy the machine was, from others' work, in the idle second before the row; "
        "every row\n"
        " shares the same CPUs between the load generator, the server and PostgreSQL, so figures are noisy)"
    )


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    _say(f"total {time.perf_counter() - started:.0f} s")
