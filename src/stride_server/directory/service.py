"""The rules of the directory (§4): permissions (reads need view:directory, writes manage:directory),
unique emails, reporting lines without cycles, group trees and memberships. Each function runs
inside the caller's one tenant transaction (the Context)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.core.context import Context
from stride_server.core.ids import is_id, new_id
from stride_server.core.pages import decode_cursor, encode_cursor, fingerprint, page
from stride_server.core.problems import Conflict, NotFound, field_error
from stride_server.core.writes import check_version, sent_fields
from stride_server.directory import importer, store
from stride_server.directory.import_file import format_from_media_type, parse
from stride_server.directory.schemas import ID_MAX
from stride_server.edm.hooks import reference_checker
from stride_server.learning import service as learning

PERSON_WRITABLE = tuple(
    f for f in store.PERSON_FIELDS if f not in ("id", "created_at", "updated_at", "version")
)
GROUP_WRITABLE = ("kind", "name", "parent_id")


# (connection, tenant, filters, after, limit) → one page of rows and one more if more follow
Lister = Callable[[AsyncConnection, str, dict[str, Any], str | None, int], Awaitable[list[dict[str, Any]]]]
Fetcher = Callable[..., Awaitable[dict[str, Any] | None]]


async def _keyset_page(
    ctx: Context,
    kind: str,
    filters: dict[str, Any],
    cursor: str | None,
    limit: int,
    rows_after: Lister,
    key: str = "id",
) -> dict[str, Any]:
    """A directory list (view:directory): keyset pages whose cursor remembers the list's filters, so
    replaying it with other filters is a 400."""
    ctx.principal.require("view", "directory")
    print_ = fingerprint(kind, sorted((k, repr(v)) for k, v in filters.items() if v is not None))
    after = None
    if cursor:
        valid = lambda v: isinstance(v, str) and "\x00" not in v and len(v) <= ID_MAX  # noqa: E731
        after = decode_cursor(cursor, print_, valid)
    rows = await rows_after(ctx.conn, ctx.principal.tenant_id, filters, after, limit)
    return page(rows, limit, lambda last: encode_cursor(print_, last[key]))


async def _one(
    ctx: Context,
    what: str,
    prefix: str,
    fetch: Fetcher,
    record_id: str,
    for_update: bool,
) -> dict[str, Any]:
    """A person or group of the tenant by id, else 404 (an id of the wrong shape names nothing)."""
    record = None
    if is_id(record_id, prefix):
        record = await fetch(ctx.conn, ctx.principal.tenant_id, record_id, for_update=for_update)
    if record is None:
        raise NotFound(f"No {what} {record_id}.")
    return record


@asynccontextmanager
async def _unique_email() -> AsyncIterator[None]:
    """The unique index is the last word on emails (a concurrent writer may win the race)."""
    try:
        yield
    except IntegrityError as exc:
        if "ux_people_email" in str(exc.orig):
            raise Conflict(
                "Another person of this tenant already has this email.",
                slug="duplicate-email",
                errors=[{"field": "email", "message": "already in use"}],
            ) from None
        raise


# ------------------------------------------------------------------------------------------ people
async def list_people(
    ctx: Context, filters: dict[str, Any], cursor: str | None, limit: int
) -> dict[str, Any]:
    return await _keyset_page(ctx, "people", filters, cursor, limit, store.list_people)


async def _person(ctx: Context, person_id: str, *, for_update: bool = False) -> dict[str, Any]:
    return await _one(ctx, "person", "usr", store.fetch_person, person_id, for_update)


async def get_person(ctx: Context, person_id: str) -> dict[str, Any]:
    ctx.principal.require("view", "directory")
    return await _person(ctx, person_id)


async def _check_email_free(ctx: Context, email: str, person_id: str | None) -> None:
    owner = await store.email_owner(ctx.conn, ctx.principal.tenant_id, email)
    if owner is not None and owner != person_id:
        raise Conflict(
            f"Another person of this tenant already has the email {email}.",
            slug="duplicate-email",
            errors=[{"field": "email", "message": "already in use"}],
        )


async def _check_manager(ctx: Context, person_id: str | None, manager_id: str) -> None:
    """§4: the manager is an active person, and the reporting tree stays a tree."""
    tenant = ctx.principal.tenant_id
    await active_person(ctx, manager_id, "manager_id")
    if person_id is None:
        return  # a new person has no reports yet
    await store.lock_reporting_tree(ctx.conn, tenant)
    if person_id in await store.management_chain(ctx.conn, tenant, manager_id):
        raise field_error(
            "manager_id", f"{manager_id} reports to {person_id}: this would create a reporting cycle"
        )


async def _check_template(ctx: Context, template_id: str) -> None:
    if template_id not in await reference_checker("review_template")(ctx, [template_id]):
        raise field_error("review_template_id", f"{template_id} is not a review template of this tenant")


async def create_person(ctx: Context, body: BaseModel) -> dict[str, Any]:
    ctx.principal.require("manage", "directory")
    values = {k: v for k, v in body.model_dump().items() if k in PERSON_WRITABLE}
    ctx.principal.require_level(values["access_level"])
    await _check_email_free(ctx, values["email"], None)
    if values["manager_id"] is not None:
        await _check_manager(ctx, None, values["manager_id"])
    if values["review_template_id"] is not None:
        await _check_template(ctx, values["review_template_id"])
    values.update(tenant_id=ctx.principal.tenant_id, id=new_id("usr"))
    async with _unique_email():
        return await store.insert_person(ctx.conn, values)


async def update_person(
    ctx: Context,
    person_id: str,
    body: BaseModel,
    *,
    if_match: str | None = None,
) -> dict[str, Any]:
    ctx.principal.require("view", "directory")
    before = await _person(ctx, person_id, for_update=True)
    ctx.principal.require("manage", "directory")
    check_version(before["version"], if_match, getattr(body, "version", None), before, "person")
    values = sent_fields(body, PERSON_WRITABLE)
    if "access_level" in values and values["access_level"] != before["access_level"]:
        # Neither raising anyone above the caller nor demoting someone the caller could not have made.
        ctx.principal.require_level(before["access_level"])
        ctx.principal.require_level(values["access_level"])
    if "email" in values and values["email"].lower() != before["email"].lower():
        await _check_email_free(ctx, values["email"], person_id)
    if values.get("manager_id") is not None and values["manager_id"] != before["manager_id"]:
        await _check_manager(ctx, person_id, values["manager_id"])
    if (
        values.get("review_template_id") is not None
        and values["review_template_id"] != before["review_template_id"]
    ):
        await _check_template(ctx, values["review_template_id"])
    # Deactivating (status inactive) only flips the status: goals, reviews, feedback, memberships
    # and reporting lines stay, so history reads the same afterwards.
    async with _unique_email():
        return await store.update_person(ctx.conn, ctx.principal.tenant_id, person_id, values)


# ------------------------------------------------------------------- person checks other domains share
# They ask for no directory permission: the calling use case has checked its own.
async def visible_person(ctx: Context, person_id: str) -> dict[str, Any]:
    """A person the caller sees (§1.4), else 404."""
    person = await store.get_person(ctx.reader, ctx.principal.tenant_id, person_id)
    if person is None or not await store.person_is_visible(ctx.reader, ctx.principal, person_id):
        raise NotFound(f"No person {person_id}.")
    return person


async def visible_active_person(ctx: Context, person_id: str, field: str) -> dict[str, Any]:
    """A person the caller sees, else 404; an inactive one is refused (422) for new work."""
    person = await visible_person(ctx, person_id)
    if person["status"] != "active":
        raise field_error(field, f"{person_id} is not an active person")
    return person


async def active_person(ctx: Context, person_id: str, field: str) -> dict[str, Any]:
    """Any active person of the tenant, whether or not the caller sees them (a reviewer, a manager,
    a member), else 422 on `field`."""
    person = None
    if is_id(person_id, "usr"):
        person = await store.get_person(ctx.reader, ctx.principal.tenant_id, person_id)
    if person is None or person["status"] != "active":
        raise field_error(field, f"{person_id} is not an active person of this tenant")
    return person


# ------------------------------------------------------------------------------------------ groups
async def list_groups(
    ctx: Context, filters: dict[str, Any], cursor: str | None, limit: int
) -> dict[str, Any]:
    return await _keyset_page(ctx, "groups", filters, cursor, limit, store.list_groups)


async def _group(ctx: Context, group_id: str, *, for_update: bool = False) -> dict[str, Any]:
    return await _one(ctx, "group", "grp", store.fetch_group, group_id, for_update)


async def get_group(ctx: Context, group_id: str) -> dict[str, Any]:
    ctx.principal.require("view", "directory")
    return await _group(ctx, group_id)


async def _check_name_free(ctx: Context, kind: str, name: str, group_id: str | None) -> None:
    tenant = ctx.principal.tenant_id
    await store.lock_group_names(ctx.conn, tenant, kind)
    if any(other != group_id for other in await store.groups_named(ctx.conn, tenant, kind, name)):
        raise Conflict(
            f"A {kind} named {name!r} already exists.",
            slug="duplicate-group",
            errors=[{"field": "name", "message": "already in use"}],
        )


async def _check_parent(ctx: Context, group_id: str | None, parent_id: str) -> None:
    tenant = ctx.principal.tenant_id
    if not is_id(parent_id, "grp") or await store.group_kind(ctx.reader, tenant, parent_id) is None:
        raise field_error("parent_id", f"{parent_id} is not a group of this tenant")
    if group_id is not None and group_id in await store.group_ancestors(ctx.conn, tenant, parent_id):
        raise field_error("parent_id", f"{parent_id} is inside {group_id}: this would create a cycle")


async def create_group(ctx: Context, body: BaseModel) -> dict[str, Any]:
    ctx.principal.require("manage", "directory")
    values = {k: v for k, v in body.model_dump().items() if k in GROUP_WRITABLE}
    await _check_name_free(ctx, values["kind"], values["name"], None)
    if values["parent_id"] is not None:
        await _check_parent(ctx, None, values["parent_id"])
    values.update(tenant_id=ctx.principal.tenant_id, id=new_id("grp"))
    return await store.insert_group(ctx.conn, values)


async def find_group(ctx: Context, kind: str, name: str) -> dict[str, Any] | None:
    """The oldest live group of `kind` called `name` (case-insensitively), if any."""
    ctx.principal.require("view", "directory")
    ids = await store.groups_named(ctx.conn, ctx.principal.tenant_id, kind, name)
    return await store.fetch_group(ctx.conn, ctx.principal.tenant_id, ids[0]) if ids else None


async def update_group(
    ctx: Context,
    group_id: str,
    body: BaseModel,
    *,
    if_match: str | None = None,
) -> dict[str, Any]:
    ctx.principal.require("view", "directory")
    before = await _group(ctx, group_id, for_update=True)
    ctx.principal.require("manage", "directory")
    check_version(before["version"], if_match, getattr(body, "version", None), before, "group")
    values = sent_fields(body, GROUP_WRITABLE)
    kind, name = values.get("kind", before["kind"]), values.get("name", before["name"])
    if kind != before["kind"] or name.lower() != before["name"].lower():
        await _check_name_free(ctx, kind, name, group_id)
    if values.get("parent_id") is not None and values["parent_id"] != before["parent_id"]:
        await _check_parent(ctx, group_id, values["parent_id"])
    return await store.update_group(ctx.conn, ctx.principal.tenant_id, group_id, values)


async def delete_group(ctx: Context, group_id: str, *, if_match: str | None = None) -> None:
    """Soft delete: the group disappears (with the leads' and heads' visibility it granted); its
    rows, memberships and every record that referenced it stay."""
    ctx.principal.require("view", "directory")
    before = await _group(ctx, group_id, for_update=True)
    ctx.principal.require("manage", "directory")
    check_version(before["version"], if_match, None, before, "group")
    if await store.has_live_children(ctx.conn, ctx.principal.tenant_id, group_id):
        raise Conflict("The group has child groups; move or delete them first.", slug="group-has-children")
    await store.update_group(ctx.conn, ctx.principal.tenant_id, group_id, {"is_deleted": True})


# ------------------------------------------------------------------------------------- memberships
async def list_members(
    ctx: Context, group_id: str, role: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    ctx.principal.require("view", "directory")
    await _group(ctx, group_id)
    filters = {"group_id": group_id, "role": role}
    return await _keyset_page(ctx, "members", filters, cursor, limit, store.list_members, "person_id")


async def add_member(ctx: Context, group_id: str, person_id: str, role: str) -> tuple[dict[str, Any], bool]:
    """Adds the person, or changes the role of an existing member; returns (member, created)."""
    ctx.principal.require("view", "directory")
    await _group(ctx, group_id, for_update=True)
    ctx.principal.require("manage", "directory")
    tenant = ctx.principal.tenant_id
    await active_person(ctx, person_id, "person_id")
    existed = await store.fetch_member(ctx.conn, tenant, group_id, person_id) is not None
    await store.set_member(ctx.conn, tenant, group_id, person_id, role)
    member = await store.fetch_member(ctx.conn, tenant, group_id, person_id)
    assert member is not None
    if not existed:
        await _membership_changed(ctx, group_id)
    return member, not existed


async def remove_member(ctx: Context, group_id: str, person_id: str) -> None:
    ctx.principal.require("view", "directory")
    await _group(ctx, group_id, for_update=True)
    ctx.principal.require("manage", "directory")
    if not is_id(person_id, "usr") or not await store.remove_member(
        ctx.conn, ctx.principal.tenant_id, group_id, person_id
    ):
        raise NotFound(f"{person_id} is not a member of group {group_id}.")
    await _membership_changed(ctx, group_id)


async def _membership_changed(ctx: Context, group_id: str) -> None:
    """§2.4: a cohort's completion counts the members of its group, in the same transaction."""
    await learning.refresh_group_cohorts(ctx, group_id)


# ------------------------------------------------------------------------------------------ import
async def import_directory(
    ctx: Context, data: bytes, content_type: str | None, *, dry_run: bool = False
) -> dict[str, Any]:
    ctx.principal.require("manage", "directory")
    rows = parse(data, format_from_media_type(content_type, data))
    return await importer.import_rows(
        ctx.conn,
        ctx.principal.tenant_id,
        rows,
        dry_run=dry_run,
        may_assign_level=ctx.principal.may_assign_level,
    )
