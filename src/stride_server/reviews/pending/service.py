"""Use case of the caller's pending actions (CONTRACT §3.5)."""

from __future__ import annotations

from stride_server.core.context import Context
from stride_server.reviews.pending import store


async def pending(ctx: Context) -> dict[str, int]:
    ctx.principal.require("view", "performance")
    return await store.pending_counts(ctx.conn, ctx.principal)
