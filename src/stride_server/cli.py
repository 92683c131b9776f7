"""The `stride` command: serve, db upgrade, tenant create, token, demo, import (CONTRACT §7)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence

from stride_server.config import IN_PROCESS_WORKER, get_settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from stride_server.core.logging import configure_logging
    from stride_server.db.migrate import upgrade

    settings = get_settings()
    configure_logging(settings.stride_log_level)
    upgrade()
    os.environ[IN_PROCESS_WORKER] = "false" if args.no_worker else "true"
    uvicorn.run(
        "stride_server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        log_level=settings.stride_log_level.lower(),
        timeout_graceful_shutdown=5,
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Deliveries and scheduled jobs, until SIGINT or SIGTERM (§8.3)."""
    from stride_server.core.logging import configure_logging
    from stride_server.db.engine import create_engine
    from stride_server.db.migrate import upgrade
    from stride_server.events.queue import run_worker

    settings = get_settings()
    configure_logging(settings.stride_log_level)
    upgrade()

    async def run() -> None:
        engine = create_engine(settings, pool_size=4)
        try:
            await run_worker(engine, install_signal_handlers=True, name="stride-worker")
        finally:
            await engine.dispose()

    asyncio.run(run())
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from stride_server.db.migrate import upgrade

    upgrade()
    print("database is at the latest migration")
    return 0


def _tenant_create(args: argparse.Namespace) -> int:
    from stride_server.auth.tokens import mint
    from stride_server.db.migrate import upgrade
    from stride_server.directory.bootstrap import create_tenant

    upgrade()
    admin_id = asyncio.run(create_tenant(args.tenant_id, args.admin_name, args.admin_email))
    print(
        json.dumps(
            {"tenant_id": args.tenant_id, "admin_id": admin_id, "token": mint(args.tenant_id, admin_id)}
        )
    )
    return 0


def _token(args: argparse.Namespace) -> int:
    from stride_server.auth.tokens import mint

    permissions = [p for p in args.permissions.split(",") if p] if args.permissions is not None else None
    print(mint(args.tenant, args.sub, permissions=permissions, app_id=args.app_id, ttl=args.ttl))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from stride_server.db.migrate import upgrade
    from stride_server.demo import seed_demo

    upgrade()
    asyncio.run(seed_demo())
    return 0


def _import_people(args: argparse.Namespace) -> int:
    from stride_server.db.migrate import upgrade
    from stride_server.directory.importer import import_file

    upgrade()
    return asyncio.run(import_file(args.file, args.tenant))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stride", description="Stride people-performance server.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate if needed and serve the API, explorer and docs")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--no-worker", action="store_true", help="do not run a job worker in the server (see `stride worker`)"
    )
    serve.set_defaults(run=_serve)

    commands.add_parser("worker", help="run webhook deliveries and scheduled jobs").set_defaults(run=_worker)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply migrations (idempotent)").set_defaults(run=_db_upgrade)

    tenant = commands.add_parser("tenant", help="tenants").add_subparsers(
        dest="tenant_command", required=True
    )
    create = tenant.add_parser("create", help="create a tenant and its first (executive) person")
    create.add_argument("tenant_id")
    create.add_argument("--admin-name", required=True)
    create.add_argument("--admin-email", required=True)
    create.set_defaults(run=_tenant_create)

    token = commands.add_parser("token", help="print a signed JWT (HS256 mode only)")
    token.add_argument("--tenant", required=True)
    token.add_argument("--sub", required=True)
    token.add_argument("--permissions", default=None, help="comma-separated, e.g. view:okr,update:okr")
    token.add_argument("--app-id", default=None)
    token.add_argument("--ttl", type=int, default=None, help="seconds")
    token.set_defaults(run=_token)

    commands.add_parser("demo", help="create or refresh the demo tenant").set_defaults(run=_demo)

    imp = commands.add_parser("import", help="imports").add_subparsers(dest="import_command", required=True)
    people = imp.add_parser("people", help="import people from CSV or JSON lines")
    people.add_argument("file")
    people.add_argument("--tenant", required=True)
    people.set_defaults(run=_import_people)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except (ValueError, LookupError, RuntimeError) as exc:
        print(f"stride: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
