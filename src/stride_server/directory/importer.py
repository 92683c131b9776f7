"""The directory import (§4): people from CSV (with a header) or JSON lines, created or updated by
email together with their managers, squads and departments, in one transaction. One bad row rejects
the whole file, naming every bad row. Shared by POST /api/v1/directory/import, `stride import people`
and `stride demo`.

Cells: a column absent from the file leaves that attribute alone; an empty cell clears it (job_title,
external_id, manager_email, squad, department) or, for name/access_level/status, keeps the current
value. `squad`/`department` hold group names (several separated by `;`): the person's memberships in
groups of that kind become exactly those, created when missing; a new membership of a `lead` in a
squad gets role `lead`, of a `head` in a department role `head`; existing memberships keep their role.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.permissions import ACCESS_LEVELS
from stride_server.core.ids import is_id, new_id
from stride_server.core.problems import Conflict, Forbidden, StrideError, Unprocessable
from stride_server.directory import store
from stride_server.directory.import_file import GROUP_COLUMNS, Row, format_from_path, parse
from stride_server.directory.schemas import EMAIL, EMAIL_MAX, NAME_MAX, PERSON_STATUSES, TEXT_MAX
from stride_server.learning import service as learning

PERSON_COLUMNS = ("name", "email", "access_level", "manager_id", "job_title", "status", "external_id")
MAX_ERRORS, CHUNK = 200, 500
Progress = Callable[[int], object]


@dataclass
class Target:
    """What one valid row will make of one person."""

    row: Row
    before: dict[str, Any] | None
    final: dict[str, Any]
    manager_email: str | None = None
    sets_manager: bool = False
    groups: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Plan:
    rows: int
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    new_managers: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    groups: list[dict[str, Any]] = field(default_factory=list)
    add: list[dict[str, Any]] = field(default_factory=list)
    remove: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------- planning
def _clean(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def _check(column: str, value: str) -> str | None:
    if column == "access_level" and value not in ACCESS_LEVELS:
        return f"must be one of {', '.join(ACCESS_LEVELS)}"
    if column == "status" and value not in PERSON_STATUSES:
        return "must be active or inactive"
    limit = NAME_MAX if column in ("name", "squad", "department") else TEXT_MAX
    return f"must be at most {limit} characters" if len(value) > limit else None


def _identify(
    row: Row,
    email: str,
    by_id: dict[str, Any],
    by_email: dict[str, Any],
    claimed: dict[str, int],
    bad: Callable[[str, str], None],
) -> tuple[bool, dict[str, Any] | None]:
    """Which existing person the row names (by `id`, else by email), if any; (ok, person)."""
    person = by_email.get(email.lower())
    raw_id = _clean(row.cells.get("id"))
    if raw_id is not None:
        if not is_id(raw_id, "usr") or raw_id not in by_id:
            bad("id", "is not a person of this tenant")
            return False, None
        if person is not None and person["id"] != raw_id:
            bad("email", f"already belongs to another person ({person['id']})")
            return False, None
        person = by_id[raw_id]
    for key in (email.lower(), person["id"] if person else None):
        if key is not None and key in claimed:
            bad("email", f"names the same person as row {claimed[key]}")
            return False, None
    claimed[email.lower()] = row.number
    if person:
        claimed[person["id"]] = row.number
    return True, person


def _read_cells(target: Target, bad: Callable[[str, str], None]) -> set[str]:
    """Apply the row's cells to `target.final`; return the columns found invalid."""
    flagged: set[str] = set()
    cells, final = target.row.cells, target.final
    for column in (
        "name",
        "access_level",
        "status",
        "job_title",
        "external_id",
        "manager_email",
        *GROUP_COLUMNS,
    ):
        if column not in cells:
            continue
        value = _clean(cells[column])
        if column in GROUP_COLUMNS:
            names = list(
                {n.strip().lower(): n.strip() for n in (value or "").split(";") if n.strip()}.values()
            )
            problems = [p for p in (_check(column, n) for n in names) if p]
            if problems:
                bad(column, problems[0])
                flagged.add(column)
            target.groups[column] = names
        elif column == "manager_email":
            if value is not None and (len(value) > EMAIL_MAX or not EMAIL.match(value)):
                bad(column, "is not a valid email address")
                flagged.add(column)
            target.sets_manager, target.manager_email = True, value
        elif value is None:
            if column in ("job_title", "external_id"):
                final[column] = None
        elif problem := _check(column, value):
            bad(column, problem)
            flagged.add(column)
        else:
            final[column] = value
    return flagged


def _target(
    row: Row,
    by_id: dict[str, Any],
    by_email: dict[str, Any],
    claimed: dict[str, int],
    bad: Callable[[str, str], None],
) -> Target | None:
    """What the row makes of its person, or None (after reporting why) when it is invalid."""
    email = _clean(row.cells.get("email"))
    if email is None or len(email) > EMAIL_MAX or not EMAIL.match(email):
        bad("email", "is required" if email is None else "is not a valid email address")
        return None
    ok, person = _identify(row, email, by_id, by_email, claimed, bad)
    if not ok:
        return None
    final = (
        dict(person)
        if person
        else {
            "id": new_id("usr"),
            "name": None,
            "access_level": None,
            "manager_id": None,
            "job_title": None,
            "status": "active",
            "external_id": None,
        }
    )
    final["email"] = email
    target = Target(row, person, final)
    flagged = _read_cells(target, bad)
    for column in ("name", "access_level"):
        if final[column] is None and column not in flagged:
            bad(column, "is required for a new person")
            flagged.add(column)
    return None if flagged else target


def _in_cycles(graph: dict[str, str | None]) -> set[str]:
    """Nodes on a cycle of a graph where each node has at most one successor (its manager)."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    cyclic: set[str] = set()
    for start in graph:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in graph and node not in state:
            state[node] = 1
            path.append(node)
            node = graph[node]
        if node is not None and state.get(node) == 1:
            cyclic.update(path[path.index(node) :])
        for visited in path:
            state[visited] = 2
    return cyclic


def _resolve_managers(
    targets: list[Target], existing: list[dict[str, Any]], bad: Callable[[Row, str, str], None]
) -> None:
    in_file = {t.final["id"] for t in targets}
    by_email = {p["email"].lower(): p for p in existing if p["id"] not in in_file}
    by_email.update({t.final["email"].lower(): t.final for t in targets})
    for t in targets:
        if not t.sets_manager or t.manager_email is None:
            if t.sets_manager:
                t.final["manager_id"] = None
            continue
        manager = by_email.get(t.manager_email.lower())
        if manager is None:
            bad(t.row, "manager_email", "no person of this tenant or file has this email")
        elif manager["id"] == t.final["id"]:
            bad(t.row, "manager_email", "a person cannot be their own manager")
        elif manager["status"] != "active" and (t.before is None or t.before["manager_id"] != manager["id"]):
            bad(t.row, "manager_email", "is not an active person")
        else:
            t.final["manager_id"] = manager["id"]
    graph = {p["id"]: p["manager_id"] for p in existing}
    graph.update({t.final["id"]: t.final["manager_id"] for t in targets})
    cyclic = _in_cycles(graph)
    for t in targets:
        if t.sets_manager and t.final["id"] in cyclic:
            bad(t.row, "manager_email", "would create a reporting cycle")


def _rejection(errors: list[dict[str, Any]]) -> Unprocessable:
    errors.sort(key=lambda e: e["row"])
    rows = sorted({e["row"] for e in errors})
    listed = ", ".join(map(str, rows[:20])) + (", …" if len(rows) > 20 else "")
    return Unprocessable(
        f"{len(rows)} row(s) of the file are invalid (rows {listed}); nothing was imported.",
        slug="import-rejected",
        errors=errors[:MAX_ERRORS],
    )


def _role(kind: str, access_level: str) -> str:
    return {("squad", "lead"): "lead", ("department", "head"): "head"}.get((kind, access_level), "member")


async def _plan_groups(conn: AsyncConnection, tenant_id: str, targets: list[Target], plan: Plan) -> None:
    kinds = [k for k in GROUP_COLUMNS if any(k in t.groups for t in targets)]
    if not kinds:
        return
    ids: dict[tuple[str, str], str] = {}
    for group in await store.live_groups(conn, tenant_id, kinds):  # oldest first: the oldest wins a name
        ids.setdefault((group["kind"], group["name"].lower()), group["id"])
    for t in targets:
        for kind, names in t.groups.items():
            for name in names:
                if (kind, name.lower()) not in ids:
                    ids[(kind, name.lower())] = new_id("grp")
                    plan.groups.append(
                        {"tenant_id": tenant_id, "id": ids[(kind, name.lower())], "kind": kind, "name": name}
                    )
    held: dict[str, dict[str, str]] = {}  # person -> group -> kind
    person_ids = [t.final["id"] for t in targets if t.before is not None and t.groups]
    for membership in await store.memberships_of_kinds(conn, tenant_id, person_ids, kinds):
        held.setdefault(membership["person_id"], {})[membership["group_id"]] = membership["kind"]
    for t in targets:
        person_id = t.final["id"]
        for kind, names in t.groups.items():
            desired = [ids[(kind, n.lower())] for n in names]
            current = {g for g, k in held.get(person_id, {}).items() if k == kind}
            plan.remove += [(g, person_id) for g in sorted(current - set(desired))]
            plan.add += [
                {
                    "tenant_id": tenant_id,
                    "group_id": g,
                    "person_id": person_id,
                    "role": _role(kind, t.final["access_level"]),
                }
                for g in desired
                if g not in current
            ]


def _check_levels(targets: list[Target], may_assign_level: Callable[[str], bool]) -> None:
    """403 listing every row that sets an access level (new, or changed from one) the caller could not
    grant (§1.3): the whole file is refused, as for a bad row."""
    refused = []
    for t in targets:
        before = t.before["access_level"] if t.before else None
        if before == t.final["access_level"]:
            continue
        level = next(
            (lv for lv in (before, t.final["access_level"]) if lv and not may_assign_level(lv)), None
        )
        if level is not None:
            refused.append(
                {
                    "row": t.row.number,
                    "field": "access_level",
                    "message": f"you may not set or change access level {level}",
                }
            )
    if refused:
        rows = ", ".join(str(e["row"]) for e in refused)
        raise Forbidden(
            f"The file sets access levels above your own permissions (rows {rows}); nothing was imported.",
            errors=refused,
        )


async def plan_import(
    conn: AsyncConnection,
    tenant_id: str,
    rows: list[Row],
    *,
    may_assign_level: Callable[[str], bool] | None = None,
) -> Plan:
    """Validate every row against the file and the tenant; raise 422 listing all bad rows, then 403 when
    a row sets an access level the caller may not grant."""
    existing = await store.people_snapshot(conn, tenant_id)
    by_id = {p["id"]: p for p in existing}
    by_email = {p["email"].lower(): p for p in existing}
    errors: list[dict[str, Any]] = []

    def bad(row: Row, column: str, message: str) -> None:
        errors.append({"row": row.number, "field": column, "message": message})

    targets: list[Target] = []
    claimed: dict[str, int] = {}
    for row in rows:
        for column, message in row.problems:
            bad(row, column, message)
        target = _target(row, by_id, by_email, claimed, partial(bad, row))
        if target is not None and not row.problems:
            targets.append(target)
    _resolve_managers(targets, existing, bad)
    if errors:
        raise _rejection(errors)
    if may_assign_level is not None:
        _check_levels(targets, may_assign_level)

    plan = Plan(rows=len(rows))
    for t in targets:
        values = {c: t.final[c] for c in PERSON_COLUMNS}
        if t.before is None:
            plan.creates.append({"tenant_id": tenant_id, "id": t.final["id"], **values, "manager_id": None})
            if values["manager_id"] is not None:
                plan.new_managers.append({"person_id": t.final["id"], "manager_id": values["manager_id"]})
        elif any(t.before[c] != values[c] for c in PERSON_COLUMNS):
            plan.updates.append({"person_id": t.final["id"], **values})
        else:
            plan.unchanged += 1
    await _plan_groups(conn, tenant_id, targets, plan)
    return plan


# ---------------------------------------------------------------------------------------- applying
def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def _apply(conn: AsyncConnection, tenant_id: str, plan: Plan, progress: Progress) -> None:
    # New people go in without managers first: their managers may be later rows of the same file.
    for chunk in _chunks(plan.creates):
        await store.insert_people(conn, chunk)
        progress(len(chunk))
    for chunk in _chunks(plan.updates):
        await store.update_people(conn, tenant_id, chunk)
        progress(len(chunk))
    await store.update_people(conn, tenant_id, plan.new_managers, bump=False)
    await store.insert_groups(conn, plan.groups)
    await store.remove_memberships(conn, tenant_id, plan.remove)
    await store.add_memberships(conn, plan.add)
    touched = {group for group, _ in plan.remove} | {m["group_id"] for m in plan.add}
    await learning.refresh_groups(conn, tenant_id, sorted(touched))
    progress(plan.unchanged)


async def import_rows(
    conn: AsyncConnection,
    tenant_id: str,
    rows: list[Row],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    may_assign_level: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    """Plan, then (unless `dry_run`) apply, inside the caller's transaction."""
    # Serialise with other writers of the reporting tree and of group names (see store.lock).
    await store.lock_reporting_tree(conn, tenant_id)
    for kind in GROUP_COLUMNS:
        await store.lock_group_names(conn, tenant_id, kind)
    plan = await plan_import(conn, tenant_id, rows, may_assign_level=may_assign_level)
    if not dry_run:
        try:
            await _apply(conn, tenant_id, plan, progress or (lambda n: None))
        except IntegrityError:
            raise Conflict(
                "Another writer changed the directory during the import; nothing was imported, retry.",
                slug="import-conflict",
            ) from None
    return {
        "rows": plan.rows,
        "created": len(plan.creates),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "groups_created": len(plan.groups),
        "memberships_added": len(plan.add),
        "memberships_removed": len(plan.remove),
        "dry_run": dry_run,
    }


async def import_file(path: str, tenant_id: str) -> int:
    """`stride import people FILE --tenant T`: 0 when imported, 1 when the file is rejected, 2 on usage
    errors."""
    from tqdm import tqdm

    from stride_server.core.context import tenant_transaction
    from stride_server.db.engine import create_engine

    try:
        data = await asyncio.to_thread(Path(path).read_bytes)
    except OSError as exc:
        print(f"stride: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    engine = create_engine(pool_size=1)
    try:
        rows = parse(data, format_from_path(path, data))
        with tqdm(total=len(rows), unit="row", desc="importing", file=sys.stderr) as bar:
            async with tenant_transaction(engine, tenant_id) as conn:
                if not await store.tenant_exists(conn, tenant_id):
                    print(
                        f"stride: no tenant {tenant_id!r}; create it with `stride tenant create`",
                        file=sys.stderr,
                    )
                    return 2
                summary = await import_rows(conn, tenant_id, rows, progress=bar.update)
    except StrideError as exc:
        print(f"stride: {exc.detail}", file=sys.stderr)
        for error in exc.errors or []:
            print(f"  row {error.get('row', '?')}: {error['field']}: {error['message']}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(json.dumps(summary))
    return 0
