"""Tenant scoping lives in one module: `stride_server/db/scope.py` builds every tenant, app and
visibility predicate, and no other module compares `tenant_id` itself — neither in Python
(`table.c.tenant_id == …`) nor in SQL text (`tenant_id = :tenant`, `a.tenant_id = b.tenant_id`).
Migrations are exempt: they define the row-level security policies themselves."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "stride_server"
SEAM = SRC / "db" / "scope.py"
SQL_COMPARISON = re.compile(r"tenant_id\s*=\s*(:|\$\d|\w+\.tenant_id)", re.IGNORECASE)


def _mentions_tenant(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "tenant_id") or (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == "tenant_id"
    )


def violations(source: str, name: str = "<source>") -> list[str]:
    """Where `source` compares tenant_id by hand: Python comparisons and SQL text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(
            _mentions_tenant(part) for part in (node.left, *node.comparators)
        ):
            found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_COMPARISON.search(node.value)
        ):
            found.append(f"{name}:{node.lineno}: SQL text {SQL_COMPARISON.search(node.value).group(0)!r}")  # type: ignore[union-attr]
    return found


def test_no_module_but_db_scope_compares_tenant_id() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SEAM or "migrations" in path.parts:
            continue
        found += violations(path.read_text(), str(path.relative_to(SRC)))
    assert found == [], "tenant predicates belong in db/scope.py:\n" + "\n".join(found)


def test_the_check_finds_each_form() -> None:
    """The check can fail: each way of comparing a tenant by hand is caught."""
    assert violations("where(people.c.tenant_id == tenant_id)")
    assert violations("where(tenant_id == people.c.tenant_id)")
    assert violations("x = row['tenant_id'] != other")
    assert violations('SQL = "SELECT 1 FROM t WHERE tenant_id = :tenant"')
    assert violations('SQL = "JOIN m ON m.tenant_id = c.tenant_id"')
    assert violations("SQL = 'WHERE t.tenant_id=$1'")
    assert not violations("where(of_tenant(people, tenant_id), people.c.id == person_id)")
    assert not violations("values(tenant_id=tenant_id)")


def test_levels_seeing_all_follow_the_principal_rule() -> None:
    """§1.4 rule 3: executives and callers with manage:performance see every personal record; a token
    without a permissions claim has its level's defaults (a head's include manage:performance)."""
    from stride_server.db.scope import levels_seeing_all

    assert levels_seeing_all(None) == ["head", "executive"]
    assert levels_seeing_all(("view:performance",)) == ["executive"]
    assert levels_seeing_all(("manage:performance",)) == ["employee", "lead", "manager", "head", "executive"]
    assert levels_seeing_all(()) == ["executive"]
