"""`client.events` and `client.platform.webhooks` / `.reminders` (CONTRACT §8): the tenant's events oldest
first, webhook endpoints with their delivery attempts, and the reminders job run on demand. Verifying a
delivery's signature is `stride.webhooks.verify`."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Unpack

from stride._generated import (
    Delivery,
    Event,
    Queued,
    RemindersRun,
    Secret,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhooksDeliveriesParams,
    WebhookUpdate,
)
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions
from stride.pagination import AsyncPageRequest, Page
from stride.resources._base import AsyncResource, SyncResource, if_match_headers, path_id
from stride.resources._collection import AsyncPaged, SyncPaged, update_body

EVENTS = "/api/v1/events"
WEBHOOKS = "/api/v1/platform/webhooks"
REMINDERS = "/api/v1/platform/reminders/run"


def _events_query(type: str | Sequence[str] | None, subject_id: str | None, after: str | None,
                  limit: int | None) -> dict[str, Any]:
    # A list of types is sent comma-separated, the form the API reads (§8.1).
    return {"type": type, "subject_id": subject_id, "after": after, "limit": limit}


def _webhook(id: str, tail: str = "") -> str:
    return f"{WEBHOOKS}/{path_id(id)}{tail}"


def _retry(webhook_id: str, delivery_id: str) -> str:
    return _webhook(webhook_id, f"/deliveries/{path_id(delivery_id)}/retry")


class Events(SyncPaged):
    """The tenant's events (§8.1): needs manage:platform (people) or view:platform (applications)."""

    def list(self, *, type: str | Sequence[str] | None = None, subject_id: str | None = None,
             after: str | None = None, limit: int | None = None,
             request_options: RequestOptions | None = None) -> Page[Event]:
        """Events oldest first; iterating the page walks every later one. `type` takes exact types and
        `prefix.*` (a list, or a comma-separated string); `after=` the last event id handled resumes there."""
        return self._page(EVENTS, _events_query(type, subject_id, after, limit), Event, request_options,
                          cursor_param="after")


class Deliveries(SyncPaged):
    """The delivery attempts of one endpoint, newest first (one row per attempt)."""

    def list(self, webhook_id: str, /, *, request_options: RequestOptions | None = None,
             **params: Unpack[WebhooksDeliveriesParams]) -> Page[Delivery]:
        """Filtered by `status` (pending, succeeded, failed) and `event_id`."""
        return self._page(_webhook(webhook_id, "/deliveries"), params, Delivery, request_options)

    def retry(self, webhook_id: str, delivery_id: str, /, *,
              request_options: RequestOptions | None = None) -> Queued:
        """Delivers that attempt's event to the endpoint again (a new attempt, the retry schedule afresh)."""
        return self._request(Queued, "POST", _retry(webhook_id, delivery_id), options=request_options)


class Webhooks(SyncResource):
    """Webhook endpoints (§8.2; manage:platform). Deliveries are signed: check them with
    `stride.webhooks.verify`."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport)
        self.deliveries = Deliveries(transport)

    def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[Webhook]:
        return self._request(WebhookList, "GET", WEBHOOKS, options=request_options).data

    def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> Webhook:
        """The endpoint, without its secret."""
        return self._request(Webhook, "GET", _webhook(id), options=request_options)

    def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[WebhookCreate]) -> WebhookCreated:
        """An endpoint receiving the events `event_types` match; its `secret` (`whsec_…`) is returned only
        this once."""
        return self._request(WebhookCreated, "POST", WEBHOOKS, body=fields, options=request_options)

    def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
               request_options: RequestOptions | None = None, **fields: Unpack[WebhookUpdate]) -> Webhook:
        """Only the fields given change; `enabled=True` re-enables a disabled endpoint. `version=n` →
        ConflictError (409), `if_match=n` → PreconditionFailedError (412) when it changed meanwhile."""
        return self._request(Webhook, "PATCH", _webhook(id), body=update_body(fields, version),
                             headers=if_match_headers(if_match), options=request_options)

    def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        self._delete(_webhook(id), options=request_options)

    def rotate_secret(self, id: str, /, *, request_options: RequestOptions | None = None) -> Secret:
        """A new secret, shown once; the old one keeps signing (a second signature) for 24 h."""
        return self._request(Secret, "POST", _webhook(id, "/rotate-secret"), options=request_options)

    def ping(self, id: str, /, *, request_options: RequestOptions | None = None) -> Queued:
        """Delivers a `webhook.ping` event now, whatever the endpoint's event types."""
        return self._request(Queued, "POST", _webhook(id, "/ping"), options=request_options)


class Reminders(SyncResource):
    def run(self, *, request_options: RequestOptions | None = None) -> RemindersRun:
        """Writes the `reminder.*` events due now (§8.4), as the hourly job does: `emitted`."""
        return self._request(RemindersRun, "POST", REMINDERS, options=request_options)


class AsyncEvents(AsyncPaged):
    """The tenant's events (§8.1): needs manage:platform (people) or view:platform (applications)."""

    def list(self, *, type: str | Sequence[str] | None = None, subject_id: str | None = None,
             after: str | None = None, limit: int | None = None,
             request_options: RequestOptions | None = None) -> AsyncPageRequest[Event]:
        """Events oldest first; `async for` walks every later one. `type` takes exact types and `prefix.*`
        (a list, or a comma-separated string); `after=` the last event id handled resumes there."""
        return self._page(EVENTS, _events_query(type, subject_id, after, limit), Event, request_options,
                          cursor_param="after")


class AsyncDeliveries(AsyncPaged):
    """The delivery attempts of one endpoint, newest first (one row per attempt)."""

    def list(self, webhook_id: str, /, *, request_options: RequestOptions | None = None,
             **params: Unpack[WebhooksDeliveriesParams]) -> AsyncPageRequest[Delivery]:
        """Filtered by `status` (pending, succeeded, failed) and `event_id`."""
        return self._page(_webhook(webhook_id, "/deliveries"), params, Delivery, request_options)

    async def retry(self, webhook_id: str, delivery_id: str, /, *,
                    request_options: RequestOptions | None = None) -> Queued:
        """Delivers that attempt's event to the endpoint again (a new attempt, the retry schedule afresh)."""
        return await self._request(Queued, "POST", _retry(webhook_id, delivery_id), options=request_options)


class AsyncWebhooks(AsyncResource):
    """Webhook endpoints (§8.2; manage:platform). Deliveries are signed: check them with
    `stride.webhooks.verify`."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport)
        self.deliveries = AsyncDeliveries(transport)

    async def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[Webhook]:
        return (await self._request(WebhookList, "GET", WEBHOOKS, options=request_options)).data

    async def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> Webhook:
        """The endpoint, without its secret."""
        return await self._request(Webhook, "GET", _webhook(id), options=request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[WebhookCreate]) -> WebhookCreated:
        """An endpoint receiving the events `event_types` match; its `secret` (`whsec_…`) is returned only
        this once."""
        return await self._request(WebhookCreated, "POST", WEBHOOKS, body=fields, options=request_options)

    async def update(self, id: str, /, *, version: int | None = None, if_match: int | str | None = None,
                     request_options: RequestOptions | None = None, **fields: Unpack[WebhookUpdate]) -> Webhook:
        """Only the fields given change; `enabled=True` re-enables a disabled endpoint. `version=n` →
        ConflictError (409), `if_match=n` → PreconditionFailedError (412) when it changed meanwhile."""
        return await self._request(Webhook, "PATCH", _webhook(id), body=update_body(fields, version),
                                   headers=if_match_headers(if_match), options=request_options)

    async def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        await self._delete(_webhook(id), options=request_options)

    async def rotate_secret(self, id: str, /, *, request_options: RequestOptions | None = None) -> Secret:
        """A new secret, shown once; the old one keeps signing (a second signature) for 24 h."""
        return await self._request(Secret, "POST", _webhook(id, "/rotate-secret"), options=request_options)

    async def ping(self, id: str, /, *, request_options: RequestOptions | None = None) -> Queued:
        """Delivers a `webhook.ping` event now, whatever the endpoint's event types."""
        return await self._request(Queued, "POST", _webhook(id, "/ping"), options=request_options)


class AsyncReminders(AsyncResource):
    async def run(self, *, request_options: RequestOptions | None = None) -> RemindersRun:
        """Writes the `reminder.*` events due now (§8.4), as the hourly job does: `emitted`."""
        return await self._request(RemindersRun, "POST", REMINDERS, options=request_options)
