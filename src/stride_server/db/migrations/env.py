"""Alembic environment: runs migrations as the database owner over asyncpg."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from stride_server.db.engine import resolved_owner_url, with_driver
from stride_server.db.tables import metadata

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    url = config.attributes.get("url") or with_driver(resolved_owner_url(), "asyncpg")
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        # One migrator at a time: several workers may start `stride serve` together.
        await connection.exec_driver_sql("SELECT pg_advisory_lock(724513)")
        await connection.commit()
        try:
            await connection.run_sync(_run)
        finally:
            await connection.exec_driver_sql("SELECT pg_advisory_unlock(724513)")
            await connection.commit()
    await engine.dispose()


asyncio.run(_main())
