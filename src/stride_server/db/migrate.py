"""Apply migrations programmatically (`stride db upgrade`, `stride serve`, the tests), then let the
app role log in with its own password (CONTRACT §7: the app never runs as the owner with SET ROLE)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config

from stride_server.config import get_settings
from stride_server.db.engine import libpq_url, login_as, resolved_owner_url
from stride_server.db.migrations.security import app_role

HERE = Path(__file__).parent
SCRAM_ITERATIONS = 4096  # PostgreSQL's default scram_iterations

log = logging.getLogger("stride.db")


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(HERE / "alembic.ini"))
    config.set_main_option("script_location", str(HERE / "migrations"))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(url: str | None = None) -> None:
    command.upgrade(alembic_config(url), "head")
    asyncio.run(enable_app_login(libpq_url(url or resolved_owner_url())))


async def enable_app_login(owner: str) -> None:
    """As the owner, make the app role a login role (NOSUPERUSER NOBYPASSRLS) with the app's password.

    Not a revision: the password belongs to the installation, so this runs after every upgrade and
    alters the role only when the app cannot log in with the current password. Roles are
    cluster-wide, so two installations starting together may race; the loser retries."""
    role, password = app_role(), get_settings().app_db_password()
    app = login_as(owner, role, password)
    for attempt in range(3):
        try:
            await _alter_unless_ready(owner, role, password, app)
            break
        except asyncpg.InternalServerError as exc:  # "tuple concurrently updated"
            if "concurrently" not in str(exc) or attempt == 2:
                raise
    error = await _login_error(app)
    if error is not None:
        raise RuntimeError(f"the app role {role} cannot log in: {error}")
    log.info("app role %s logs in", role)


async def _alter_unless_ready(owner: str, role: str, password: str, app: str) -> None:
    conn = await asyncpg.connect(owner)
    try:
        state = await conn.fetchrow(
            """SELECT r.rolcanlogin AND NOT r.rolsuper AND NOT r.rolbypassrls AS is_ready,
                      pg_has_role(r.oid, current_user, 'MEMBER') AS can_become_owner, current_user AS owner
               FROM pg_roles r WHERE r.rolname = $1""",
            role,
        )
        if state is None:
            raise RuntimeError(f"role {role} does not exist: the migrations create it")
        # The owner stays a member of the app role (revision 0001 grants it, and PostgreSQL 16 wants that
        # ADMIN OPTION for a non-superuser owner to set the password): that lets the owner act as the
        # app, never the app act as the owner, which would let it SET ROLE around row-level security.
        if state["can_become_owner"]:
            raise RuntimeError(f"role {role} must not be, or be a member of, the owner {state['owner']}")
        if state["is_ready"] and await _login_error(app) is None:
            return
        # The server quotes (%L). The secret is a SCRAM verifier, so the password itself reaches neither
        # the server's logs nor its statistics.
        statement = await conn.fetchval(
            "SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD %L', "
            "$1::text, $2::text)",
            role,
            scram_verifier(password),
        )
        await conn.execute(statement)
    finally:
        await conn.close()


async def _login_error(url: str) -> str | None:
    """None when `url` logs in, else why not (the server's message, which never contains the password)."""
    try:
        conn = await asyncpg.connect(url, timeout=10)
    except (asyncpg.PostgresError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


def scram_verifier(password: str) -> str:
    """The SCRAM-SHA-256 secret PostgreSQL would store for `password` (what psql's \\password sends).

    PostgreSQL SASLpreps a password before hashing; an ASCII one is left as it is. A non-ASCII one is
    sent as it is, for the server to prepare and hash the same way the client will."""
    if not password.isascii():
        return password
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    stored_key = hashlib.sha256(hmac.digest(salted, b"Client Key", "sha256")).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    b64 = base64.b64encode
    keys = f"{b64(stored_key).decode()}:{b64(server_key).decode()}"
    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt).decode()}${keys}"
