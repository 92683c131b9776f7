"""The rules of the Data API, generic over the registry: permissions (§2.1), the envelope (§2.2),
references (§2.3) and lists (§2.5). Entity-specific behaviour arrives through registry hooks."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from pydantic import BaseModel

from stride_server.auth.principal import person_principal
from stride_server.auth.tokens import Claims
from stride_server.core.context import Context
from stride_server.core.ids import new_id
from stride_server.core.problems import NotFound, Unprocessable, field_error
from stride_server.core.writes import check_version, sent_fields
from stride_server.db.reads import NO_CONNECTION, NOW
from stride_server.db.scope import levels_allowed
from stride_server.directory import store as directory
from stride_server.edm import store
from stride_server.edm.hooks import BUILT_IN_REFERENCES, NO_HOOKS, hooks_of, reference_checker
from stride_server.edm.query import ListQuery, encode_cursor
from stride_server.edm.registry import BY_NAME, Entity, Field


def _require_view(ctx: Context, entity: Entity) -> None:
    ctx.principal.require("view", entity.area)


async def list_records(ctx: Context, entity: Entity, query: ListQuery) -> dict[str, Any]:
    _require_view(ctx, entity)
    if query.include_deleted:
        ctx.principal.require("manage", entity.area)
    rows, has_more, total = await store.fetch_page(ctx.reader, entity, ctx.principal, query)
    return _page(ctx, entity, query, rows, has_more, total)


async def list_own_records(
    request: Request, entity: Entity, claims: Claims, query: ListQuery
) -> dict[str, Any] | None:
    """`list_records` of a person's own records (store.lists_own) in one statement, with the same
    answers in the same order: 401 for an unknown or inactive caller, 403 without view. None for any
    other list."""
    if not store.lists_own(entity, claims, query):
        return None
    rows = await store.fetch_own_page(request, entity, claims, query)
    caller = (
        None if not rows else {"access_level": rows[0]["_caller_level"], "status": rows[0]["_caller_status"]}
    )
    ctx = Context(person_principal(claims, caller), NO_CONNECTION)
    _require_view(ctx, entity)  # the statement read no record for a caller without it
    names = [*entity.field_names, *(["_rank"] if query.search is not None else [])]
    records = [{name: row[name] for name in names} for row in rows if row["id"] is not None]
    return _page(ctx, entity, query, records[: query.limit], len(records) > query.limit, None)


def _page(
    ctx: Context,
    entity: Entity,
    query: ListQuery,
    rows: list[dict[str, Any]],
    has_more: bool,
    total: int | None,
) -> dict[str, Any]:
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(query, [last[k.name] for k in query.sort])
    page: dict[str, Any] = {
        "data": [present(ctx, entity, r) for r in rows],
        "next_cursor": next_cursor,
        "has_more": has_more,
    }
    if total is not None:
        page["total"] = total
    return page


async def get_record(
    ctx: Context, entity: Entity, record_id: str, *, include_deleted: bool = False
) -> dict[str, Any]:
    _require_view(ctx, entity)
    if include_deleted:
        ctx.principal.require("manage", entity.area)
    record = await store.fetch(ctx.reader, entity, ctx.principal, record_id, include_deleted=include_deleted)
    if record is None:
        raise NotFound(f"No {entity.name} {record_id}.")
    return present(ctx, entity, record)


async def get_record_for_person(
    request: Request,
    entity: Entity,
    claims: Claims,
    record_id: str,
) -> dict[str, Any]:
    """`get_record` for a person's token in one statement (store.fetch_for_person), with the same
    answers in the same order: 401 for an unknown or inactive caller, 403 without view, 404 for what
    does not exist or is not visible to the caller."""
    row = await store.fetch_for_person(request, entity, claims, record_id)
    caller = None if row is None else {"access_level": row["_caller_level"], "status": row["_caller_status"]}
    ctx = Context(person_principal(claims, caller), NO_CONNECTION)
    _require_view(ctx, entity)
    if row["id"] is None or (entity.personal and not row["_visible"]):  # visibility: decided in the statement
        raise NotFound(f"No {entity.name} {record_id}.")
    return present(ctx, entity, {name: row[name] for name in entity.field_names})


def present(ctx: Context, entity: Entity, record: dict[str, Any]) -> dict[str, Any]:
    record.pop("_rank", None)
    if (hook_present := hooks_of(entity).present) is not None:
        return hook_present(ctx.principal, record)
    return record


def _is_self(ctx: Context, entity: Entity, person_id: Any) -> bool:
    return entity.personal and ctx.principal.is_person and person_id == ctx.principal.sub


def _require_write(ctx: Context, entity: Entity, person_id: Any) -> None:
    """§2.1: update:{area}; self-service on one's own personal records needs view:performance alone."""
    if _is_self(ctx, entity, person_id):
        ctx.principal.require("view", entity.area)
    else:
        ctx.principal.require("update", entity.area)


def on_templates(entity: Entity, body: BaseModel | None) -> bool:
    """Whether every statement of a write of `body` is a template of db.reads, so it may run on the
    pool (`db.reads.open_write_context`): the entity's write hooks, if any, run on `ctx.reader`, and
    the body names no reference that a domain's checker resolves."""
    hooks = hooks_of(entity)
    if not hooks.on_reader and (hooks.lock or hooks.validate or hooks.before_write or hooks.after_write):
        return False
    return all(getattr(body, f.name, None) is None for f in _checked_elsewhere(entity))


@cache
def _checked_elsewhere(entity: Entity) -> tuple[Field, ...]:
    return tuple(f for f in entity.writable_fields if f.ref and f.ref not in BUILT_IN_REFERENCES)


def _sent(entity: Entity, body: BaseModel) -> dict[str, Any]:
    return sent_fields(body, (f.name for f in entity.writable_fields))


async def create_record(ctx: Context, entity: Entity, body: BaseModel) -> dict[str, Any]:
    principal = ctx.principal
    values = _sent(entity, body)
    for f in _defaulting_to_caller(entity):  # person references default to the caller (§2.3)
        if values.get(f.name) is None:
            if principal.is_person:
                values[f.name] = principal.sub
            elif f.required:
                raise field_error(f.name, "is required when the caller is an application")
    if (missing := _missing(entity, values)) is not None:
        raise field_error(missing, "is required")
    _require_write(ctx, entity, values.get("person_id"))
    await _lock(ctx, entity, None, values)
    await _check_references(ctx, entity, values, before=None)
    merged = _merged(entity, None, values)
    if (hook_validate := hooks_of(entity).validate) is not None:
        await hook_validate(ctx, merged, None)
    _stamp(entity, values, principal.tenant_id, principal.app_id, principal.sub)
    if (hook_before_write := hooks_of(entity).before_write) is not None:
        await hook_before_write(ctx, values, merged, None)
    record = await store.insert_record(ctx.reader, entity, values)
    record = await _after_write(ctx, entity, record, None)
    return present(ctx, entity, record)


@cache
def _defaulting_to_caller(entity: Entity) -> tuple[Field, ...]:
    return tuple(
        f for f in entity.writable_fields if f.ref == "person" and f.name in ("person_id", "owner_id")
    )


def _missing(entity: Entity, values: dict[str, Any]) -> str | None:
    """The first required field without a value."""
    return next((f.name for f in entity.writable_fields if f.required and values.get(f.name) is None), None)


def _stamp(entity: Entity, values: dict[str, Any], tenant_id: str, app_id: str | None, sub: str) -> None:
    """A new record's envelope (§2.2): its id, scope and stamps."""
    values.update(
        id=new_id(entity.prefix),
        tenant_id=tenant_id,
        app_id=app_id,
        created_at=NOW,
        updated_at=NOW,
        created_by=sub,
        updated_by=sub,
    )


# A person's common writes in one statement (edm.store: writes at once), for entities without hooks,
# when every rule is a condition of the statement: the caller active at a level allowed the write, the
# record in scope and visible, at the version asked for, no reference but the caller. None when they
# do not apply or wrote nothing; the route then runs the write in a transaction, which answers the
# rule that failed (401, 403, 404, 409, 412, 422) or writes after all.
async def create_at_once(
    request: Request, entity: Entity, claims: Claims, body: BaseModel
) -> dict[str, Any] | None:
    if hooks_of(entity) != NO_HOOKS:
        return None
    values = _sent(entity, body)
    for f in _defaulting_to_caller(entity):
        if values.get(f.name) is None:
            values[f.name] = claims.sub
    if _missing(entity, values) is not None or not _only_caller_referenced(entity, values, claims.sub):
        return None
    own = entity.personal and values.get("person_id") == claims.sub
    levels = levels_allowed(claims.permissions, "view" if own else "update", entity.area)
    _stamp(entity, values, claims.tenant_id, claims.app_id, claims.sub)
    return await store.insert_at_once(request, entity, claims, values, levels)


async def update_at_once(
    request: Request, entity: Entity, claims: Claims, record_id: str, body: BaseModel, if_match: str | None
) -> dict[str, Any] | None:
    if hooks_of(entity) != NO_HOOKS:
        return None
    values = _sent(entity, body)
    if any(entity.field_map[name].ref for name in values):
        return None
    versions = {v for v in (_if_match_version(if_match), getattr(body, "version", None)) if v is not None}
    if len(versions) > 1 or (if_match is not None and if_match.strip() != "*" and not versions):
        return None
    values["updated_by"] = claims.sub
    return await store.update_at_once(
        request, entity, claims, record_id, values, version=versions.pop() if versions else None
    )


def _only_caller_referenced(entity: Entity, values: dict[str, Any], sub: str) -> bool:
    return all(
        values.get(f.name) is None or (f.ref == "person" and values[f.name] == sub)
        for f in entity.writable_fields
        if f.ref
    )


def _merged(entity: Entity, before: dict[str, Any] | None, values: dict[str, Any]) -> dict[str, Any]:
    """The record as it will be after the write, with registry defaults for what is unset."""
    base = dict(before) if before else {f.name: _default(f) for f in entity.fields}
    base.update(values)
    return base


def _default(f: Field) -> Any:
    return list(f.default) if isinstance(f.default, tuple) else f.default


def _check_version(
    before: dict[str, Any], if_match: str | None, body_version: int | None, ctx: Context, entity: Entity
) -> None:
    check_version(before["version"], if_match, body_version, present(ctx, entity, dict(before)))


async def _after_write(
    ctx: Context, entity: Entity, record: dict[str, Any], before: dict[str, Any] | None
) -> dict[str, Any]:
    """Propagate a write (roll-ups, counts); a hook that recomputed the record itself returns it anew."""
    if (hook_after_write := hooks_of(entity).after_write) is not None:
        refreshed = await hook_after_write(ctx, record, before)
        if refreshed is not None:
            return dict(refreshed)
    return record


async def _lock(ctx: Context, entity: Entity, record_id: str | None, values: dict[str, Any]) -> None:
    if (hook_lock := hooks_of(entity).lock) is not None:
        await hook_lock(ctx, record_id, values)


async def _locked(
    ctx: Context, entity: Entity, record_id: str, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The record, locked for its update (setting `values`) or delete, after the entity's lock hook."""
    await _lock(ctx, entity, record_id, values or {})
    before = await store.fetch(ctx.reader, entity, ctx.principal, record_id, for_update=True)
    if before is None:
        raise NotFound(f"No {entity.name} {record_id}.")
    return before


async def update_record(
    ctx: Context,
    entity: Entity,
    record_id: str,
    body: BaseModel,
    *,
    if_match: str | None = None,
) -> dict[str, Any]:
    _require_view(ctx, entity)
    values = _sent(entity, body)
    before = await _locked(ctx, entity, record_id, values)
    _require_write(ctx, entity, before.get("person_id"))
    if entity.personal and "person_id" in values and values["person_id"] != before["person_id"]:
        _require_write(ctx, entity, values["person_id"])  # moving a record to someone else
    _check_version(before, if_match, getattr(body, "version", None), ctx, entity)
    await _check_references(ctx, entity, values, before=before)
    merged = _merged(entity, before, values)
    if (hook_validate := hooks_of(entity).validate) is not None:
        await hook_validate(ctx, merged, before)
    values["updated_by"] = ctx.principal.sub
    if (hook_before_write := hooks_of(entity).before_write) is not None:
        await hook_before_write(ctx, values, merged, before)
    record = await store.update_record(ctx.reader, entity, ctx.principal, record_id, values)
    assert record is not None  # the row is locked
    record = await _after_write(ctx, entity, record, before)
    return present(ctx, entity, record)


def _if_match_version(if_match: str | None) -> int | None:
    """The version an `If-Match` names (core.writes.check_version reads it alike), None for none or `*`."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() and str(int(tag)) == tag else None


async def delete_record(ctx: Context, entity: Entity, record_id: str, *, if_match: str | None = None) -> None:
    _require_view(ctx, entity)
    before = await _locked(ctx, entity, record_id)
    ctx.principal.require("update", entity.area)
    owner = before.get(entity.owner_field) if entity.owner_field else None
    owns = ctx.principal.sub in (owner or []) if entity.owner_is_array else owner == ctx.principal.sub
    if not (owns or before["created_by"] == ctx.principal.sub):
        ctx.principal.require("manage", entity.area)
    _check_version(before, if_match, None, ctx, entity)
    values = {
        "is_deleted": True,
        "deleted_at": NOW,
        "deleted_by": ctx.principal.sub,
        "updated_by": ctx.principal.sub,
    }
    record = await store.update_record(ctx.reader, entity, ctx.principal, record_id, values)
    assert record is not None  # the row is locked
    if (hook_after_write := hooks_of(entity).after_write) is not None:
        await hook_after_write(ctx, record, before)


async def _check_references(
    ctx: Context, entity: Entity, values: dict[str, Any], before: dict[str, Any] | None
) -> None:
    """§2.3: a reference must name a visible, live record of the tenant, a person an active person;
    anything else is 422, whether it is missing, deleted, of another tenant or invisible."""
    for f in entity.writable_fields:
        if not f.ref or values.get(f.name) is None:
            continue
        if before is not None and values[f.name] == before.get(f.name):
            continue  # unchanged references stay valid even if their target has since changed
        ids = list(values[f.name]) if isinstance(values[f.name], list) else [values[f.name]]
        if not ids:
            continue
        found = await _existing(ctx, f, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            what = {"person": "an active person", "group": "a group"}.get(f.ref, f"a visible {f.ref}")
            raise Unprocessable(
                f"{f.name}: {missing[0]} is not {what} of this tenant.",
                errors=[{"field": f.name, "message": f"{missing[0]} is not {what}"}],
            )
        if entity.personal and f.name == "person_id" and not _is_self(ctx, entity, ids[0]):
            if not await directory.person_is_visible(ctx.reader, ctx.principal, ids[0]):
                raise field_error(f.name, f"{ids[0]} is not an active person of this tenant")


async def _existing(ctx: Context, f: Field, ids: list[str]) -> set[str]:
    principal = ctx.principal
    tenant = principal.tenant_id
    if f.ref == "person":
        if principal.is_person and ids == [principal.sub]:
            return set(ids)  # the caller, whom entering the tenant found active (auth.principal)
        return await directory.active_people_exist(ctx.reader, tenant, ids)
    if f.ref == "group":
        found = set()
        for group_id in ids:
            kind = await directory.group_kind(ctx.reader, tenant, group_id)
            if kind is not None and (f.ref_group_kind is None or kind == f.ref_group_kind):
                found.add(group_id)
        return found
    if f.ref in BY_NAME:
        return await store.visible_ids(ctx.reader, BY_NAME[f.ref], ctx.principal, ids)
    return await reference_checker(f.ref or "")(ctx, ids)
