"""A person's common create and PATCH, and the list of its own records, run as one statement that is
its own transaction (edm.store, "writes at once", `fetch_own_page`). For the writes: the caller's
row, the tenant and every rule are conditions of the INSERT or UPDATE, and when any of them fails it
writes nothing and answers None — the route then runs the write in a transaction, which answers the
rule that failed. These tests call both roads on the app's own pool and show that the statement
writes exactly when the transaction would (§1.4 visibility, §2.1 permissions, §2.2 versions,
tenants, deleted rows, inactive callers, narrowed tokens), also once PostgreSQL plans the prepared
statement generically (after five runs); and that the one-statement list reads the transaction's
pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import Request

from stride_server.auth.tokens import Claims, get_verifier
from stride_server.core.problems import StrideError
from stride_server.db.reads import open_write_context
from stride_server.edm import service
from stride_server.edm.registry import BY_NAME
from stride_server.edm.schemas import MODELS
from tests.factories import PEOPLE, in_tenant

GOAL = BY_NAME["PersonGoal"]
CREATE, UPDATE = MODELS[GOAL.name].create, MODELS[GOAL.name].update


@pytest.fixture
async def request_() -> AsyncIterator[Request]:
    from stride_server.app import create_app

    app = create_app()
    async with app.router.lifespan_context(app):
        yield Request({"type": "http", "app": app, "method": "PATCH", "path": "/", "headers": []})


def _claims(org: Any, name: str, **kwargs: Any) -> Claims:
    return get_verifier().verify(org.token(name, **kwargs))


async def _in_transaction(request: Request, claims: Claims, write: Any) -> Any:
    """The write on the transaction road: the record, or the status of the problem it answers."""
    try:
        async with open_write_context(request, claims, on_templates=True) as ctx:
            return await write(ctx)
    except StrideError as exc:
        return exc.status


async def _goal_of(request: Request, org: Any, name: str) -> dict[str, Any]:
    async with open_write_context(request, _claims(org, name), on_templates=True) as ctx:
        return await service.create_record(ctx, GOAL, CREATE(title=f"{name}'s goal"))


async def test_a_patch_at_once_writes_exactly_when_the_transaction_would(request_, org) -> None:  # type: ignore[no-untyped-def]
    goals = {name: await _goal_of(request_, org, name) for name, _, _ in PEOPLE}
    for caller, _, _ in PEOPLE:
        claims = _claims(org, caller)
        for owner, goal in goals.items():
            body = UPDATE(title=f"{caller} was here")
            at_once = await service.update_at_once(request_, GOAL, claims, goal["id"], body, None)
            checked = await _in_transaction(
                request_, claims, lambda ctx, g=goal, b=body: service.update_record(ctx, GOAL, g["id"], b)
            )
            if at_once is None:
                assert isinstance(checked, int), (caller, owner, checked)  # refused on both roads
            else:
                assert isinstance(checked, dict), (caller, owner, checked)
                assert at_once["title"] == f"{caller} was here" and at_once["updated_by"] == claims.sub
                assert checked["version"] == at_once["version"] + 1  # both wrote, in turn


async def test_a_patch_at_once_keeps_every_rule(request_, org, other_org, owner_db) -> None:  # type: ignore[no-untyped-def]
    alice = _claims(org, "alice")
    goal = await _goal_of(request_, org, "alice")
    body = UPDATE(title="Renamed")

    async def at_once(claims: Claims, record_id: str, **kwargs: Any) -> Any:
        return await service.update_at_once(
            request_, GOAL, claims, record_id, kwargs.get("body", body), kwargs.get("if_match")
        )

    for n in range(8):  # past the custom plans of the prepared statement: the generic one too
        written = await at_once(alice, goal["id"])
        assert written is not None and written["version"] == goal["version"] + 1 + n
    version = written["version"]
    assert await at_once(alice, goal["id"], if_match=f'"{version}"') is not None
    assert await at_once(alice, goal["id"], if_match=f'"{version}"') is None  # stale If-Match
    assert await at_once(alice, goal["id"], body=UPDATE(title="x", version=version)) is None  # stale body
    assert await at_once(alice, goal["id"], body=UPDATE(title="x", version=version + 1)) is not None
    assert await at_once(alice, goal["id"], if_match='"abc"') is None  # the transaction answers 412
    assert await at_once(alice, "pgl_missing") is None
    assert await at_once(_claims(other_org, "exec"), goal["id"]) is None  # another tenant's record
    assert await at_once(_claims(org, "bob"), goal["id"]) is None  # a peer's record
    assert await at_once(_claims(org, "alice", permissions=[]), goal["id"]) is None  # a narrowed token
    assert await at_once(_claims(org, "alice", app_id="app_other"), goal["id"]) is None  # another app's
    # A reference sent, or a person_id moving the record: always the transaction.
    assert await at_once(alice, goal["id"], body=UPDATE(person_id=alice.sub)) is None

    await in_tenant(
        owner_db, org.tenant_id, [("UPDATE people SET status = 'inactive' WHERE id = $1", (alice.sub,))]
    )
    assert await at_once(alice, goal["id"]) is None  # an inactive caller
    await in_tenant(
        owner_db, org.tenant_id, [("UPDATE people SET status = 'active' WHERE id = $1", (alice.sub,))]
    )
    assert await at_once(alice, goal["id"]) is not None
    await in_tenant(
        owner_db, org.tenant_id, [("UPDATE person_goals SET is_deleted = true WHERE id = $1", (goal["id"],))]
    )
    assert await at_once(alice, goal["id"]) is None  # a deleted record
    assert await at_once(_claims(org, "exec"), goal["id"]) is None


async def test_a_create_at_once_writes_exactly_when_the_transaction_would(request_, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    for caller, _, _ in PEOPLE:
        for claims in (_claims(org, caller), _claims(org, caller, permissions=[])):
            body = CREATE(title="Mine")
            at_once = await service.create_at_once(request_, GOAL, claims, body)
            checked = await _in_transaction(
                request_, claims, lambda ctx, b=body: service.create_record(ctx, GOAL, b)
            )
            assert (at_once is None) == isinstance(checked, int), (caller, claims.permissions, checked)
            if at_once is not None:
                assert at_once["person_id"] == claims.sub and at_once["version"] == 1
                assert at_once["created_by"] == at_once["updated_by"] == claims.sub
    alice = _claims(org, "alice")
    for _ in range(8):  # the generic plan too
        assert await service.create_at_once(request_, GOAL, alice, CREATE(title="Again")) is not None
    # Someone else's goal, or any reference but the caller: the transaction checks it.
    lead = _claims(org, "lead")
    assert await service.create_at_once(request_, GOAL, lead, CREATE(title="x", person_id=alice.sub)) is None
    await in_tenant(
        owner_db, org.tenant_id, [("UPDATE people SET status = 'inactive' WHERE id = $1", (alice.sub,))]
    )
    assert await service.create_at_once(request_, GOAL, alice, CREATE(title="x")) is None


async def test_a_list_of_ones_own_records_is_the_page_the_transaction_reads(request_, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    """`person_id=<itself>` lists run as one statement (store.fetch_own_page): the same pages, cursors,
    search ranks and refusals as the transaction's list."""
    from stride_server.core.problems import Forbidden, Unauthorized
    from stride_server.db.reads import open_read_context
    from stride_server.edm.query import parse_list_query

    for name in ("alice", "lead", "exec"):
        for n in range(5):
            async with open_write_context(request_, _claims(org, name), on_templates=True) as ctx:
                await service.create_record(
                    ctx, GOAL, CREATE(title=f"Ship release {n}", category=f"c{n % 2}")
                )
    for name in ("alice", "lead", "exec"):
        claims = _claims(org, name)
        for params in (
            [("person_id", claims.sub), ("limit", "2")],
            [("person_id", claims.sub), ("sort", "title")],
            [("person_id", claims.sub), ("q", "release")],
            [("person_id", claims.sub), ("category", "c1"), ("mine", "true")],
        ):
            query = parse_list_query(GOAL, params)
            own = await service.list_own_records(request_, GOAL, claims, query)
            async with open_read_context(request_, claims) as ctx:
                checked = await service.list_records(ctx, GOAL, query)
            assert own == checked and own["data"], (name, params)
            if own["next_cursor"]:
                after = parse_list_query(GOAL, [*params, ("cursor", own["next_cursor"])])
                following = await service.list_own_records(request_, GOAL, claims, after)
                async with open_read_context(request_, claims) as ctx:
                    assert following == await service.list_records(ctx, GOAL, after)
    alice = _claims(org, "alice")
    others = parse_list_query(GOAL, [("person_id", org.people["bob"])])
    assert await service.list_own_records(request_, GOAL, alice, others) is None  # the transaction's list
    counted = parse_list_query(GOAL, [("person_id", alice.sub), ("count", "true")])
    assert await service.list_own_records(request_, GOAL, alice, counted) is None
    own = parse_list_query(GOAL, [("person_id", alice.sub)])
    with pytest.raises(Forbidden):
        await service.list_own_records(request_, GOAL, _claims(org, "alice", permissions=[]), own)
    await in_tenant(
        owner_db, org.tenant_id, [("UPDATE people SET status = 'inactive' WHERE id = $1", (alice.sub,))]
    )
    with pytest.raises(Unauthorized):
        await service.list_own_records(request_, GOAL, alice, own)
