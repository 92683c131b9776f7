"""The migrations build exactly the schema the code declares (stride_server.db.tables, read from the
registry), and applying them again is a no-op."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from stride_server.db.engine import with_driver
from stride_server.db.migrate import upgrade
from stride_server.db.tables import metadata


def _ours(name: str | None, type_: str, parent_names: object) -> bool:
    """The job queue's tables are procrastinate's own schema, applied as the library ships it."""
    return not (type_ == "table" and (name or "").startswith("procrastinate"))


def _diff(connection) -> list:  # type: ignore[no-untyped-def,type-arg]
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": _ours})
    return list(compare_metadata(context, metadata))


async def test_migrated_schema_matches_the_declared_tables(database_url) -> None:  # type: ignore[no-untyped-def]
    engine = create_async_engine(with_driver(database_url, "asyncpg"))
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent(database_url) -> None:  # type: ignore[no-untyped-def]
    upgrade()  # already at head: nothing to do, no error
