"""One delivery attempt of one event to one endpoint (CONTRACT §8.3), as a job of the queue: read the
pending attempt, POST the signed event (the URL checked again after DNS resolution, at the address
checked), record the outcome, and either schedule the next attempt (the job then waits, keeping the
endpoint's later events of the subject behind it) or settle the delivery — disabling an endpoint
whose last deliveries all failed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from stride_server.config import get_settings
from stride_server.core.context import tenant_transaction
from stride_server.core.responses import dumps
from stride_server.events import http, signing, store


@dataclass(frozen=True)
class RetryLater(Exception):
    """The attempt failed and the schedule has another: run the job again in `seconds`."""

    seconds: int


async def deliver(
    engine: AsyncEngine, tenant_id: str, webhook_id: str, event_id: str, first_attempt: int = 1
) -> str:
    """Run the pending attempt; answers its outcome (for logs). Raises RetryLater to be run again."""
    settings = get_settings()
    async with tenant_transaction(engine, tenant_id) as conn:
        target = await store.delivery_target(conn, tenant_id, webhook_id, event_id)
    if target is None:
        return "nothing pending"  # the endpoint or the event is gone, or another run recorded it
    endpoint, event = target["endpoint"], target["event"]
    if not endpoint["enabled"]:
        outcome = http.Outcome(ok=False, status=None, error="the endpoint is disabled", duration_ms=0)
    else:
        body = dumps(store.event_json(event)).decode()
        keys = [endpoint["secret"]]
        if endpoint["previous_signs"] and endpoint["previous_secret"]:
            keys.append(endpoint["previous_secret"])
        outcome = await http.deliver(
            endpoint["url"],
            body.encode(),
            signing.headers(event_id, int(time.time()), body, keys),
            allow_private=settings.stride_webhook_allow_private,
        )
    schedule = settings.retry_schedule
    used = target["attempt"] - first_attempt  # retries this job has made so far
    wait = schedule[used] if not outcome.ok and endpoint["enabled"] and used < len(schedule) else None
    next_at = datetime.now(UTC) + timedelta(seconds=wait) if wait is not None else None
    async with tenant_transaction(engine, tenant_id) as conn:
        await store.record_attempt(
            conn,
            tenant_id,
            target["delivery_id"],
            succeeded=outcome.ok,
            response_status=outcome.status,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
            next_attempt_at=next_at,
        )
        if next_at is not None:
            await store.add_pending_attempt(
                conn, tenant_id, webhook_id, event, target["attempt"] + 1, next_at
            )
        elif endpoint["enabled"]:
            disabled = await store.settle_endpoint(
                conn,
                tenant_id,
                webhook_id,
                succeeded=outcome.ok,
                disable_after=settings.stride_webhook_disable_after,
            )
            if disabled:
                await store.emit(
                    conn, "webhook.disabled", ("webhook", webhook_id), {"webhook_id": webhook_id}
                )
    if wait is not None:
        raise RetryLater(wait)
    return "succeeded" if outcome.ok else f"failed: {outcome.error or outcome.status}"
