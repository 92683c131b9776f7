"""OKR check-in benchmark: key-result check-ins (which roll progress up a 5-level objective chain
in the same transaction) next to a plain key-result PATCH, with wrk on loopback.

    python bench/okr_bench.py [--tenants 8] [--trees 16] [--workers 2] [--duration 10]

Every tenant gets the same organisation: `--trees` people, each with their own objective chain
(DEPTH levels, key results on the leaf). Check-ins lock only the tree they roll up into (one
writer per tree at a time, no lost roll-up), so the figures of interest are the spread over several
tenants and a single tenant, which should be close: tenants are not what serialises writes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from dataset import ensure_database, migrate, server_url  # noqa: E402
from drivers import Request, start_stride, write_requests, wrk  # noqa: E402

WORK = BENCH / "results" / "work"
DEPTH, KEY_RESULTS_PER_TREE = 5, 2

# (token, key result ids per tree) for each tenant
Tenant = tuple[str, list[list[str]]]


async def _tree(client: httpx.AsyncClient, headers: dict[str, str], person: int) -> list[str]:
    """One person's objective chain, DEPTH levels deep, with KEY_RESULTS_PER_TREE key results on the
    leaf: a check-in rolls up through every level."""
    parent = None
    for level in range(DEPTH):
        body = {"title": f"Person {person}, level {level}", "period": "2026-Annual", "weight": 0.5}
        if parent:
            body["parent_objective_id"] = parent
        created = await client.post("/api/v1/okr/objectives", json=body, headers=headers)
        parent = created.json()["id"]
    ids = []
    for n in range(KEY_RESULTS_PER_TREE):
        created = await client.post(
            "/api/v1/okr/key-results",
            headers=headers,
            json={"title": f"KR {n}", "objective_id": parent, "target": 1000},
        )
        ids.append(created.json()["id"])
    return ids


async def _setup(base: str, url: str, tenants: int, trees: int) -> list[Tenant]:
    """Per tenant: an executive and `trees` independent objective trees."""
    from stride_server.auth.tokens import get_verifier, mint
    from stride_server.config import get_settings
    from stride_server.db.engine import resolved_owner_url
    from stride_server.directory.bootstrap import create_tenant

    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    resolved_owner_url.cache_clear()
    get_verifier.cache_clear()

    out = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for index in range(tenants):
            tenant = f"okr_bench_{index}_{secrets.token_hex(3)}"
            person = await create_tenant(tenant, "Bench Exec", f"exec@{tenant}.test")
            token = mint(tenant, person, ttl=3600)
            headers = {"Authorization": f"Bearer {token}"}
            key_results = await asyncio.gather(*(_tree(client, headers, p) for p in range(trees)))
            out.append((token, list(key_results)))
    return out


def _requests(setup: list[Tenant], kind: str) -> list[Request]:
    """Rounds over every key result, interleaving tenants and trees so that consecutive requests (what
    wrk's connections have in flight together) land on different trees. With one tree per tenant, a
    one-tenant run would measure one tree's serialised roll-ups, not the tenant: a real tenant's
    check-ins come from many people, each on their own objectives."""
    requests = []
    for round_ in range(50):
        for n in range(KEY_RESULTS_PER_TREE):
            for tree in range(len(setup[0][1])):
                for token, trees in setup:
                    kr = trees[tree][n]
                    if kind == "check-in":
                        method, path = "POST", f"/api/v1/okr/key-results/{kr}/check-ins"
                        body = f'{{"value": {round_ * 7 % 1000}, "note": "bench"}}'
                    else:
                        method, path = "PATCH", f"/api/v1/okr/key-results/{kr}"
                        body = f'{{"title": "KR round {round_}"}}'
                    requests.append(Request(method, path, token, body))
    return requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--trees", type=int, default=16, help="objective trees (people) per tenant")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10)
    args = parser.parse_args()

    url = asyncio.run(ensure_database(server_url(), "stride_bench_okr"))
    migrate(url)
    secret = secrets.token_urlsafe(32)
    os.environ["STRIDE_JWT_SECRET"] = secret
    server = start_stride(url, secret, args.workers, "warning", WORK / "okr-server.log")
    try:
        setup = asyncio.run(_setup(server.base, url, args.tenants, args.trees))
        rows = []
        for label, tenants in ((f"{args.tenants} tenants", setup), ("1 tenant", setup[:1])):
            for kind in ("patch", "check-in"):
                path = write_requests(WORK / f"okr-{kind}.tsv", _requests(tenants, kind))
                result = wrk(server.base, path, duration=args.duration, connections=32, threads=2)
                rows.append((label, kind, result))
        print(
            f"\nKey-result writes, {args.workers} workers, 32 connections, {args.duration:.0f} s each, "
            f"{args.trees} objective trees per tenant, each chain {DEPTH} levels deep"
        )
        print(f"{'spread':<12} {'request':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for label, kind, r in rows:
            print(
                f"{label:<12} {kind:<10} {r['rps']:>8.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                f"{r['non_2xx']:>8}"
            )
        many, one = (
            next(r["rps"] for lb, k, r in rows if lb == want and k == "check-in")
            for want in (f"{args.tenants} tenants", "1 tenant")
        )
        print(f"check-in, 1 tenant / {args.tenants} tenants: {one / many:.2f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
