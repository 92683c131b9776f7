"""The app logs in as its non-owner role, never as the owner with SET ROLE (CONTRACT §7): no statement
it runs can become the owner or step around row-level security, and the role itself is
NOSUPERUSER NOBYPASSRLS. Checked through the server's own connection settings (db/engine.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text

from stride_server.config import get_settings
from stride_server.core.context import tenant_transaction
from stride_server.db.engine import create_engine, login_as
from stride_server.db.migrate import scram_verifier
from stride_server.db.reads import create_read_pool

OBJECTIVES = "/api/v1/okr/objectives"


@pytest.fixture
async def read_pool() -> AsyncIterator[asyncpg.Pool]:
    pool = await create_read_pool()
    try:
        yield pool
    finally:
        await pool.close()


async def owner_name(owner_db: asyncpg.Pool) -> str:
    return str(await owner_db.fetchval("SELECT current_user"))


async def create_objective(api, org, title):  # type: ignore[no-untyped-def]
    response = await api.post(
        OBJECTIVES, json={"title": title, "period": "2026-Q1"}, headers=org.headers("exec")
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_the_running_server_logs_in_as_the_app_role(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    await create_objective(api, org, "Served")
    assert (await api.get(OBJECTIVES, headers=org.headers("exec"))).status_code == 200
    users = await owner_db.fetch("""SELECT DISTINCT usename FROM pg_stat_activity
                                    WHERE datname = current_database() AND application_name = 'stride'""")
    assert [u["usename"] for u in users] == [get_settings().stride_app_db_role]


async def test_engine_session_user_is_the_app_role_and_reset_role_keeps_it(
    api, org, other_org, owner_db
) -> None:  # type: ignore[no-untyped-def]
    mine = await create_objective(api, org, "Mine")
    await create_objective(api, other_org, "Theirs")
    role, owner = get_settings().stride_app_db_role, await owner_name(owner_db)
    engine = create_engine(pool_size=1)
    try:
        async with tenant_transaction(engine, org.tenant_id) as conn:
            assert tuple((await conn.execute(text("SELECT session_user, current_user"))).one()) == (
                role,
                role,
            )
            await conn.execute(text("RESET ROLE"))
            await conn.execute(text("SELECT set_config('role', 'none', false)"))  # RESET ROLE inside a SELECT
            assert tuple((await conn.execute(text("SELECT session_user, current_user"))).one()) == (
                role,
                role,
            )
            rows = (await conn.execute(text("SELECT id, tenant_id FROM objectives"))).all()
            assert [r.id for r in rows] == [mine] and {r.tenant_id for r in rows} == {org.tenant_id}
            for statement in (
                f'SET ROLE "{owner}"',
                f'SET SESSION AUTHORIZATION "{owner}"',
                f"SELECT set_config('role', '{owner}', false)",
            ):
                with pytest.raises(Exception, match="permission denied"):
                    async with conn.begin_nested():
                        await conn.execute(text(statement))
            assert (await conn.execute(text("SELECT current_user"))).scalar() == role
    finally:
        await engine.dispose()


async def test_read_pool_cannot_become_the_owner_even_in_one_multi_statement_string(  # type: ignore[no-untyped-def]
    api, org, other_org, owner_db, read_pool
) -> None:
    await create_objective(api, other_org, "Theirs")
    role, owner = get_settings().stride_app_db_role, await owner_name(owner_db)
    async with read_pool.acquire() as conn:
        assert tuple(await conn.fetchrow("SELECT session_user, current_user")) == (role, role)
        async with conn.transaction():
            await conn.execute("SELECT set_config('stride.tenant_id', $1, true)", org.tenant_id)
            # the simple query protocol: several statements in one string, as an injection would send
            await conn.execute("RESET ROLE; RESET SESSION AUTHORIZATION; SET LOCAL row_security = off")
            assert await conn.fetchval("SELECT current_user") == role
            with pytest.raises(
                asyncpg.InsufficientPrivilegeError
            ):  # row_security off refuses, never bypasses
                await conn.fetchval("SELECT count(*) FROM objectives")
        async with conn.transaction():
            await conn.execute("SELECT set_config('stride.tenant_id', $1, true)", org.tenant_id)
            await conn.execute("RESET ROLE")
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM objectives WHERE tenant_id = $1", other_org.tenant_id
                )
                == 0
            )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(f'RESET ROLE; SET ROLE "{owner}"')
        assert await conn.fetchval("SELECT current_user") == role


async def test_app_role_is_a_plain_login_role_that_cannot_become_the_owner(owner_db) -> None:  # type: ignore[no-untyped-def]
    role = get_settings().stride_app_db_role
    row = await owner_db.fetchrow(
        """
        SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,
               pg_has_role(oid, current_user, 'MEMBER') AS can_become_owner,
               EXISTS (SELECT FROM pg_auth_members m WHERE m.member = r.oid) AS is_member_of_any_role
        FROM pg_roles r WHERE rolname = $1""",
        role,
    )
    assert dict(row) == {
        "rolcanlogin": True,
        "rolsuper": False,
        "rolbypassrls": False,
        "rolcreaterole": False,
        "rolcreatedb": False,
        "can_become_owner": False,
        "is_member_of_any_role": False,
    }
    owned = await owner_db.fetchval(
        """SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                       WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles
                                                                                    WHERE rolname = $1)""",
        role,
    )
    assert owned == 0  # FORCE row-level security binds owners too, but an owner could turn it off


async def test_stored_password_is_the_configured_one(owner_db) -> None:  # type: ignore[no-untyped-def]
    if not await owner_db.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        pytest.skip("only a superuser reads pg_authid")
    settings = get_settings()
    secret = await owner_db.fetchval(
        "SELECT rolpassword FROM pg_authid WHERE rolname = $1", settings.stride_app_db_role
    )
    if secret is None:
        pytest.skip("the role was made a login role elsewhere, under trust authentication")
    assert _verifies(secret, settings.app_db_password())


async def test_app_role_logs_in_with_its_password_only_where_the_server_asks_for_one() -> None:
    from stride_server.db.engine import app_url, libpq_url

    right = libpq_url(app_url())
    conn = await asyncpg.connect(right)
    await conn.close()
    role = get_settings().stride_app_db_role
    try:
        conn = await asyncpg.connect(login_as(right, role, "not-" + get_settings().app_db_password()))
    except asyncpg.InvalidPasswordError:
        return  # password authentication (scripts/pg15.sh: scram-sha-256 over TCP)
    await conn.close()
    pytest.skip("the server trusts this connection (the embedded server's unix socket)")


def test_scram_verifier_verifies_its_password_and_no_other() -> None:
    secret = scram_verifier("correct horse")
    assert _verifies(secret, "correct horse") and not _verifies(secret, "correct horse ")
    assert scram_verifier("pässword") == "pässword"  # non-ASCII: the server SASLpreps and hashes it


def _verifies(secret: str, password: str) -> bool:
    """RFC 5802 as PostgreSQL stores it: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>."""
    method, params, keys = secret.split("$")
    iterations, salt = params.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    return (
        method == "SCRAM-SHA-256"
        and hmac.compare_digest(
            hashlib.sha256(hmac.digest(salted, b"Client Key", "sha256")).digest(), stored_key
        )
        and hmac.compare_digest(hmac.digest(salted, b"Server Key", "sha256"), server_key)
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://postgres:@/stride?host=/tmp/pg",
            "postgresql://stride_app:p%40ss%2Fw%3Ard@/stride?host=/tmp/pg",
        ),
        (
            "postgresql+asyncpg://owner:secret@db.example:5433/stride?sslmode=require",
            "postgresql+asyncpg://stride_app:p%40ss%2Fw%3Ard@db.example:5433/stride?sslmode=require",
        ),
        (
            "postgresql://owner@[::1]:5432/stride?user=owner&password=x&application_name=a",
            "postgresql://stride_app:p%40ss%2Fw%3Ard@[::1]:5432/stride?application_name=a",
        ),
        ("postgresql://127.0.0.1/stride", "postgresql://stride_app:p%40ss%2Fw%3Ard@127.0.0.1/stride"),
    ],
)
def test_login_as_keeps_the_server_and_database_and_replaces_the_credentials(url: str, expected: str) -> None:
    assert login_as(url, "stride_app", "p@ss/w:rd") == expected
