"""How entity rules reach the generic Data API: typed hooks per entity and reference checkers per
reference kind, declared by their domains (`okr.hooks.HOOKS`, `learning.hooks.HOOKS`,
`reviews.references.REFERENCE_CHECKERS`) and installed once by `stride_server.wiring.wire()`, which
`create_app()` calls. Installing checks the wiring: a hook for an unknown entity, or a reference kind
some field declares without a checker, fails at start-up instead of accepting any id at run time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from stride_server.edm.registry import BY_NAME, ENTITIES, Entity

if TYPE_CHECKING:
    from stride_server.auth.principal import Principal
    from stride_server.core.context import Context

Record = dict[str, Any]
# Reference kinds the Data API resolves itself: its own entities, and directory people and groups.
BUILT_IN_REFERENCES = frozenset({"person", "group", *BY_NAME})


class Lock(Protocol):
    """First thing in every write transaction of the entity (e.g. serialise roll-ups): `record_id` is
    None on create, `values` the fields the write sets (on an update, those the client sent; none on
    a delete), so the hook can lock where the record is and where it is moving."""

    async def __call__(self, ctx: Context, record_id: str | None, values: Record, /) -> None: ...


class Validate(Protocol):
    """Raise a 422 when the merged record breaks a rule; `before` is None on create."""

    async def __call__(self, ctx: Context, merged: Record, before: Record | None, /) -> None: ...


class BeforeWrite(Protocol):
    """Add computed values to `values` (what will be written) from the merged record."""

    async def __call__(
        self, ctx: Context, values: Record, merged: Record, before: Record | None, /
    ) -> None: ...


class AfterWrite(Protocol):
    """Propagate a write (roll-ups, counts); return the record anew if the hook changed it."""

    async def __call__(self, ctx: Context, record: Record, before: Record | None, /) -> Record | None: ...


class Present(Protocol):
    """Hide what the caller may not see of a record."""

    def __call__(self, principal: Principal, record: Record, /) -> Record: ...


class ReferenceChecker(Protocol):
    """Which of `ids` name records of the kind the caller may reference."""

    async def __call__(self, ctx: Context, ids: list[str], /) -> set[str]: ...


@dataclass(frozen=True)
class Hooks:
    lock: Lock | None = None
    validate: Validate | None = None
    before_write: BeforeWrite | None = None
    after_write: AfterWrite | None = None
    present: Present | None = None
    # The hooks run their statements through `ctx.reader` alone (templates), so the entity's writes
    # may run on the pool (db.reads.open_write_context).
    on_reader: bool = False


NO_HOOKS = Hooks()


@dataclass(frozen=True)
class Wiring:
    hooks: Mapping[str, Hooks]
    references: Mapping[str, ReferenceChecker]


_wiring: Wiring | None = None


def referenced_kinds() -> set[str]:
    """Every reference kind a field of the registry declares."""
    return {f.ref for entity in ENTITIES for f in entity.fields if f.ref}


def install(hooks: Mapping[str, Hooks], references: Mapping[str, ReferenceChecker]) -> Wiring:
    """Check and install the wiring (idempotent for the same wiring)."""
    global _wiring
    unknown = sorted(set(hooks) - set(BY_NAME))
    if unknown:
        raise RuntimeError(f"hooks for entities the registry does not declare: {', '.join(unknown)}")
    missing = sorted(referenced_kinds() - BUILT_IN_REFERENCES - set(references))
    if missing:
        raise RuntimeError(
            f"no reference checker for the reference kind(s) {', '.join(missing)}: "
            "install one (stride_server.wiring) before serving"
        )
    _wiring = Wiring(dict(hooks), dict(references))
    return _wiring


def _installed() -> Wiring:
    if _wiring is None:
        raise RuntimeError("the Data API is not wired: call stride_server.wiring.wire() (create_app does)")
    return _wiring


def hooks_of(entity: Entity) -> Hooks:
    return _installed().hooks.get(entity.name, NO_HOOKS)


def reference_checker(kind: str) -> ReferenceChecker:
    return _installed().references[kind]
