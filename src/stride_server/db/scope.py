"""Tenant scoping, in one place: every tenant, application and visibility predicate a statement
carries is built here (CONTRACT §1.4), and no other module compares `tenant_id` itself
(`tests/core/test_scope_seam.py` fails when one does). Row-level security is the backstop, not the
first line.

- `of_tenant(table, tenant)` — the tenant condition of a statement on one table; `joined(a, b, …)` —
  a join condition that also pairs the two tables' tenants; `tenant_sql` / `same_tenant_sql` — the
  same for the few statements written as SQL text.
- `people_of`, `groups_of` (live groups), `members_of` — the directory tables.
- `visible_people(principal)` — the people whose personal records a caller sees (rule 3), built once
  as `VISIBLE_PEOPLE` with bind parameters.
- `record_scope(...)` — a Data API record's tenant, app, live-row and visibility conditions, with the
  caller's values or as bind parameters for the cached read templates (one builder for both).
- `cycle_scope`, `review_scope` — the review cycles and reviews a caller sees, with its values or as bind
  parameters for the reviews' cached templates; `visible_cycle_reviews` — those of one cycle.
- `live_applications(tenant)` — a tenant's applications that are not deleted."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Text,
    and_,
    any_,
    bindparam,
    case,
    false,
    literal,
    literal_column,
    not_,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter

from stride_server.auth.permissions import ACCESS_LEVELS, default_permissions, expand
from stride_server.auth.principal import Principal
from stride_server.db.tables import applications, group_members, groups, people, review_cycles, reviews

Tenant = str | BindParameter[str]


# ------------------------------------------------------------------------------------------ tenant
def of_tenant(table: Any, tenant: Tenant) -> ColumnElement[bool]:
    """The tenant condition of a statement on `table` (a table or an alias of one)."""
    return table.c.tenant_id == tenant  # type: ignore[no-any-return]


def same_tenant(left: Any, right: Any) -> ColumnElement[bool]:
    """Two joined tables' rows belong to one tenant (every key is `(tenant_id, id)`)."""
    return left.c.tenant_id == right.c.tenant_id  # type: ignore[no-any-return]


def joined(left: Any, right: Any, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """A join condition: the tenants paired, then `conditions` (the foreign key)."""
    return and_(same_tenant(left, right), *conditions)


def tenant_sql(alias: str | None = None, param: str = "tenant") -> str:
    """`of_tenant` for SQL text: `alias.tenant_id = :param`."""
    return f"{alias + '.' if alias else ''}tenant_id = :{param}"


def same_tenant_sql(left: str, right: str) -> str:
    """`same_tenant` for SQL text."""
    return f"{left}.tenant_id = {right}.tenant_id"


# --------------------------------------------------------------------------------------- directory
def people_of(tenant: Tenant) -> ColumnElement[bool]:
    return of_tenant(people, tenant)


def groups_of(tenant: Tenant) -> ColumnElement[bool]:
    """Live (not deleted) groups of the tenant."""
    return and_(of_tenant(groups, tenant), groups.c.is_deleted.is_(False))


def members_of(tenant: Tenant) -> ColumnElement[bool]:
    return of_tenant(group_members, tenant)


# ------------------------------------------------------------------------------- visibility (§1.4)
_TENANT = bindparam("visibility_tenant", type_=Text())
_CALLER = bindparam("visibility_sub", type_=Text())


def _led_members(kind: str, role: str) -> Select[Any]:
    """Members of groups of `kind` in which the caller holds `role` (squad leads, department heads)."""
    leader, member = group_members.alias(f"leader_{kind}"), group_members.alias(f"member_{kind}")
    return (
        select(member.c.person_id)
        .select_from(leader)
        .join(groups, joined(groups, leader, groups.c.id == leader.c.group_id))
        .join(member, joined(member, leader, member.c.group_id == leader.c.group_id))
        .where(
            of_tenant(leader, _TENANT),
            leader.c.person_id == _CALLER,
            leader.c.role == role,
            groups.c.kind == kind,
            groups.c.is_deleted.is_(False),
        )
    )


def _visible_people_statement() -> Select[Any]:
    reports = (
        select(people.c.id)
        .where(of_tenant(people, _TENANT), people.c.manager_id == _CALLER)
        .cte("reports", recursive=True)
    )
    below = people.alias("below")
    reports = reports.union(
        select(below.c.id)
        .join(reports, and_(below.c.manager_id == reports.c.id))
        .where(of_tenant(below, _TENANT))
    )
    return select(
        union(
            select(_CALLER.label("id")),
            select(reports.c.id),
            _led_members("squad", "lead"),
            _led_members("department", "head"),
        )
        .subquery()
        .c.id
    )


# Built once: constructing this statement per request cost ~1.2 ms of CPU (bench/); each request
# only binds the tenant and the caller.
VISIBLE_PEOPLE = _visible_people_statement()


def visibility_params(principal: Principal) -> dict[str, Any]:
    """The values VISIBLE_PEOPLE binds, for statements that embed it unbound."""
    return {"visibility_tenant": principal.tenant_id, "visibility_sub": principal.sub}


def visible_people(principal: Principal) -> Select[Any] | None:
    """Ids of the people whose personal records the caller sees, or None when it sees all (§1.4):
    themself, everyone below them in the reporting tree, members of squads they lead and of
    departments they head."""
    if principal.sees_all_personal:
        return None
    if not principal.is_person:
        return select(literal(None))
    return VISIBLE_PEOPLE.params(visibility_params(principal))


# Bounded: the permissions a token may list are the issuer's to choose.
@lru_cache(maxsize=256)
def _level_principals(permissions: tuple[str, ...] | None) -> tuple[Principal, ...]:
    """A Principal per access level for a person token carrying `permissions` (None: the level's
    defaults), its tenant and subject left blank."""
    return tuple(
        Principal(
            "",
            "",
            None,
            expand(permissions if permissions is not None else default_permissions(level)),
            level,
        )
        for level in ACCESS_LEVELS
    )


@lru_cache(maxsize=256)
def levels_seeing_all(permissions: tuple[str, ...] | None) -> list[str]:
    """The access levels at which a person token carrying `permissions` (None: the level's defaults)
    sees every personal record — `Principal.sees_all_personal`, asked for each level — so a statement
    that reads the caller's level itself can decide visibility in SQL, once."""
    return [p.access_level for p in _level_principals(permissions) if p.sees_all_personal and p.access_level]


@lru_cache(maxsize=1024)
def levels_allowed(permissions: tuple[str, ...] | None, action: str, area: str) -> list[str]:
    """The access levels at which a person token carrying `permissions` may `action` in `area`
    (`Principal.can`), for a statement that reads the caller's level itself."""
    return [p.access_level for p in _level_principals(permissions) if p.can(action, area) and p.access_level]


def person_visible(person_id: Any, caller_level: Any) -> ColumnElement[bool]:
    """Whether the caller sees `person_id`'s personal records, for a statement that reads the caller's
    `caller_level` itself: binds `levels_seeing_all` (see above) and VISIBLE_PEOPLE's parameters."""
    return case(
        (caller_level == any_(bindparam("levels_seeing_all", type_=ARRAY(Text()))), true()),
        (person_id == _CALLER, true()),  # one's own: without building the visibility set
        else_=person_id.in_(VISIBLE_PEOPLE),
    )


# ----------------------------------------------------------------------------- Data API records
Visible = Literal["all", "tree", "none"]


@dataclass(frozen=True)
class ScopeShape:
    """What of a record scope a statement needs — never the caller's values — so cached templates
    are built once per shape: an app filter, deleted rows too, which visibility set."""

    has_app: bool
    include_deleted: bool
    visible: Visible


def scope_shape(personal: bool, principal: Principal, include_deleted: bool = False) -> ScopeShape:
    if not personal or principal.sees_all_personal:
        visible: Visible = "all"
    else:
        visible = "tree" if principal.is_person else "none"
    return ScopeShape(principal.app_id is not None, include_deleted, visible)


def scope_params(principal: Principal, prefix: str = "") -> dict[str, Any]:
    """The values a bound record scope (and VISIBLE_PEOPLE in it) takes; `prefix` as given to it."""
    return {
        f"{prefix}tenant_id": principal.tenant_id,
        f"{prefix}app_id": principal.app_id,
        **visibility_params(principal),
    }


def record_scope(
    table: Any,
    shape: ScopeShape,
    principal: Principal | None = None,
    prefix: str = "",
    *,
    own_first: bool = False,
) -> list[ColumnElement[bool]]:
    """Conditions every statement on a Data API table carries (§1.4): the caller's tenant, its app,
    live rows, and for personal records only the people the caller may see. With `principal` the
    caller's values are inlined; without, they are bind parameters (`scope_params` fills them).
    `own_first`, for a statement on one record: the caller's own record passes without the visibility
    set being built (PostgreSQL evaluates an OR's arms in order, and a subplan only when reached)."""
    if principal is None:  # bind names take `prefix` where a column's name is taken (an UPDATE's SET)
        tenant: Tenant = bindparam(f"{prefix}tenant_id", type_=Text())
        app: Any = bindparam(f"{prefix}app_id", type_=Text())
        tree: Any = VISIBLE_PEOPLE
    else:
        tenant, app, tree = (
            principal.tenant_id,
            principal.app_id,
            VISIBLE_PEOPLE.params(visibility_params(principal)),
        )
    conditions: list[ColumnElement[bool]] = [of_tenant(table, tenant)]
    if shape.has_app:
        conditions.append(table.c.app_id == app)
    if not shape.include_deleted:
        conditions.append(not_(table.c.is_deleted))  # matches the partial indexes WHERE NOT is_deleted
    if shape.visible == "tree" and own_first:
        caller = _CALLER if principal is None else principal.sub
        conditions.append(or_(table.c.person_id == caller, table.c.person_id.in_(tree)))
    elif shape.visible == "tree":
        conditions.append(table.c.person_id.in_(tree))
    elif shape.visible == "none":
        conditions.append(false())
    return conditions


# ----------------------------------------------------------------------------------------- reviews
def sees_draft_cycles(principal: Principal) -> bool:
    """Seed 001: "Non-executive users only see open/closed cycles" (`manage:performance` sees all)."""
    return principal.access_level == "executive" or principal.can("manage", "performance")


def cycle_scope(principal: Principal, tenant: Tenant | None = None) -> ColumnElement[bool]:
    """The cycles of the caller's tenant it may see. A template passes `tenant` as a bind parameter; its
    shape is then `sees_draft_cycles(principal)` alone."""
    condition = of_tenant(review_cycles, principal.tenant_id if tenant is None else tenant)
    if not sees_draft_cycles(principal):
        # One bind per status, not an expanding IN, which a template's driver form cannot take.
        condition = and_(condition, review_cycles.c.status.in_([literal("open"), literal("closed")]))
    return condition


def review_visibility(principal: Principal) -> Visible:
    """Whose reviews the caller sees besides those assigned to it to review: everyone's (`all`), those
    of the people it sees (`tree`, VISIBLE_PEOPLE), or no one's (`none`, an application without
    view:performance)."""
    return scope_shape(True, principal).visible


def review_scope(
    principal: Principal, table: Any = reviews, *, tenant: BindParameter[str] | None = None
) -> ColumnElement[bool]:
    """The reviews (`table`: reviews or an alias of it) of the caller's tenant it may see: of people it
    sees, or assigned to it to review. A template passes `tenant` as a bind parameter: the caller is
    then VISIBLE_PEOPLE's (`visibility_params`), and the shape `review_visibility(principal)` alone."""
    visible = review_visibility(principal)
    if tenant is None:
        scope = of_tenant(table, principal.tenant_id)
        caller: Any = principal.sub
        tree: Any = VISIBLE_PEOPLE.params(visibility_params(principal))
    else:
        scope, caller, tree = of_tenant(table, tenant), _CALLER, VISIBLE_PEOPLE
    if visible == "all":
        return scope
    assigned = table.c.reviewer_id == caller
    if visible == "none":
        return and_(scope, assigned)
    return and_(scope, or_(table.c.user_id.in_(tree), assigned))


def visible_cycle_reviews(principal: Principal, tenant: BindParameter[str], cycle_id: Any) -> Select[Any]:
    """`review_scope` over one cycle's reviews (columns id, status) for a template (`tenant` and the
    caller bound), shaped for the indexes. For a caller who sees a tree, the review of each person it
    sees is looked up in ux_reviews_cycle_user by a LATERAL subquery (OFFSET 0 keeps it one), and the
    reviews assigned to it are added: the planner, which expects thousands of rows from the recursive
    reporting tree, would otherwise scan and filter every review of the cycle."""
    visible = review_visibility(principal)
    columns = (reviews.c.id, reviews.c.status)
    in_cycle = (of_tenant(reviews, tenant), reviews.c.cycle_id == cycle_id)
    if visible == "all":
        return select(*columns).where(*in_cycle)
    assigned = select(*columns).where(*in_cycle, reviews.c.reviewer_id == _CALLER)
    if visible == "none":
        return assigned
    person = VISIBLE_PEOPLE.subquery("visible_person")
    probe = (
        select(*columns)
        .where(*in_cycle, reviews.c.user_id == person.c.id)
        .offset(literal_column("0"))
        .lateral("probe")
    )
    of_people = select(probe.c.id, probe.c.status).select_from(person.join(probe, true()))
    return select(union(of_people, assigned).subquery("visible_review"))


# ---------------------------------------------------------------------------------------- platform
def live_applications(tenant: Tenant) -> list[ColumnElement[bool]]:
    """A tenant's applications that are not deleted."""
    return [of_tenant(applications, tenant), applications.c.is_deleted.is_(False)]
