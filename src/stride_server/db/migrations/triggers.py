"""What the outbox migrations share: multi-statement SQL scripts (dollar-quoted function bodies) run
in the migration's transaction, and statement-level triggers with transition tables. Migrations are
history: what these emit must never change (a new shape gets a new helper)."""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy.util import await_only

# A trigger with transition tables has one operation; these are its tables' names in the function.
_TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}

# (table, operation, trigger function, its argument or None)
Trigger = tuple[str, str, str, str | None]


def run_script(sql: str) -> None:
    """A multi-statement script in the migration's transaction, on the driver's connection."""
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    await_only(driver.execute(sql))


def create_statement_triggers(triggers: Sequence[Trigger]) -> None:
    """`stride_events_<operation>` on each table, once per statement, with its transition tables."""
    for table, operation, function, argument in triggers:
        arguments = f"'{argument}'" if argument else ""
        op.execute(
            f"CREATE TRIGGER stride_events_{operation.lower()} AFTER {operation} ON {table} "
            f"REFERENCING {_TRANSITIONS[operation]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}({arguments})"
        )


def drop_statement_triggers(triggers: Sequence[Trigger]) -> None:
    for table, operation, *_ in triggers:
        op.execute(f"DROP TRIGGER stride_events_{operation.lower()} ON {table}")
