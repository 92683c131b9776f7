"""The job queue (CONTRACT §8.3): procrastinate on Stride's own PostgreSQL (docs/events.md says why).
The outbox hands each delivery to it in the transaction of the change (`stride_enqueue_delivery`, a
job whose lock is the endpoint and the subject, so one endpoint's deliveries of one subject run one
after another, in event order, a retry waiting included); workers wake on its LISTEN/NOTIFY. The
schedules — reminders hourly, retention daily, stalled jobs every minute — are its periodic tasks,
deferred once per tick whatever the number of workers."""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector, RetryDecision
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy
from sqlalchemy.ext.asyncio import AsyncEngine

from stride_server.config import get_settings

log = logging.getLogger("stride.worker")

DELIVER = "stride.deliver_webhook"  # the name the database's stride_enqueue_delivery defers
QUEUES = ("webhooks", "schedules")
_INFRASTRUCTURE_RETRY_SECONDS = 10  # a job that failed on something else than its HTTP attempt
_INFRASTRUCTURE_RETRIES = 60


class _DeliveryRetry(BaseRetryStrategy):
    """The webhook schedule (delivery.RetryLater carries the wait); anything else — the database
    unreachable for a moment — is tried again every few seconds for a while."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        from stride_server.events.delivery import RetryLater

        if isinstance(exception, RetryLater):
            return RetryDecision(retry_in={"seconds": exception.seconds})
        if job.attempts < _INFRASTRUCTURE_RETRIES:
            return RetryDecision(retry_in={"seconds": _INFRASTRUCTURE_RETRY_SECONDS})
        return None


def _engine(context: JobContext) -> AsyncEngine:
    return context.additional_context["engine"]  # type: ignore[no-any-return]


@lru_cache
def queue() -> App:
    """The procrastinate app: the app role's login (row-level security applies to every job)."""
    from stride_server.db.engine import app_url, libpq_url

    settings = get_settings()
    connector = PsycopgConnector(
        conninfo=libpq_url(app_url(settings)),
        min_size=1,
        max_size=4,
        kwargs={"application_name": "stride-worker"},
    )
    app = App(connector=connector)

    @app.task(name=DELIVER, queue="webhooks", pass_context=True, retry=_DeliveryRetry())
    async def deliver_webhook(
        context: JobContext, tenant_id: str, webhook_id: str, event_id: str, first_attempt: int = 1
    ) -> str:
        from stride_server.events.delivery import deliver

        return await deliver(_engine(context), tenant_id, webhook_id, event_id, first_attempt)

    @app.periodic(cron="0 * * * *", periodic_id="reminders")
    @app.task(name="stride.reminders", queue="schedules", pass_context=True, queueing_lock="reminders")
    async def reminders(context: JobContext, timestamp: int) -> int:
        from stride_server.events.reminders import run_all_tenants

        return await run_all_tenants(_engine(context))

    @app.periodic(cron="17 3 * * *", periodic_id="retention")
    @app.task(name="stride.retention", queue="schedules", pass_context=True, queueing_lock="retention")
    async def retention(context: JobContext, timestamp: int) -> int:
        from stride_server.events.service import purge_all_tenants

        return await purge_all_tenants(_engine(context))

    @app.periodic(cron="* * * * *", periodic_id="stalled")
    @app.task(name="stride.retry_stalled", queue="schedules", pass_context=True, queueing_lock="stalled")
    async def retry_stalled(context: JobContext, timestamp: int) -> int:
        """Jobs of a worker that died mid-run (no heartbeat) go back to the queue: at least once."""
        stalled = list(await app.job_manager.get_stalled_jobs())
        for job in stalled:
            await app.job_manager.retry_job(job)
        return len(stalled)

    return app


async def run_worker(engine: AsyncEngine, *, install_signal_handlers: bool, name: str = "stride") -> None:
    """Run deliveries and schedules until cancelled (or, with signal handlers, until SIGINT/SIGTERM)."""
    settings = get_settings()
    app = queue()
    async with app.open_async():
        await app.run_worker_async(
            queues=list(QUEUES),
            name=name,
            concurrency=settings.stride_worker_concurrency,
            install_signal_handlers=install_signal_handlers,
            additional_context={"engine": engine},
            delete_jobs="successful",
            listen_notify=True,
            fetch_job_polling_interval=1,  # a retry's time comes without a notification
            shutdown_graceful_timeout=5,
        )


def start_in_process(engine: AsyncEngine) -> asyncio.Task[Any]:
    """`stride serve`'s worker: a task of the server's event loop, cancelled at shutdown."""

    async def supervised() -> None:
        while True:
            try:
                await run_worker(engine, install_signal_handlers=False, name="stride-serve")
                return
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away at start-up: try again, never take the server down
                log.exception("the in-process worker stopped; restarting in 5 s")
                await asyncio.sleep(5)

    return asyncio.create_task(supervised(), name="stride-worker")
