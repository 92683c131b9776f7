"""`client.platform`: integrations and their API keys (CONTRACT §1.2; manage:platform), and the webhook
endpoints and reminders of §8 (resources/events.py)."""

from __future__ import annotations

import builtins
from typing import Unpack

from stride._generated import (
    ApiKey,
    ApiKeyCreated,
    ApiKeyList,
    Application,
    ApplicationCreate,
    ApplicationList,
    ApplicationUpdate,
)
from stride._transport import AsyncTransport, SyncTransport
from stride._types import RequestOptions
from stride.resources._base import AsyncResource, SyncResource, path_id
from stride.resources.events import AsyncReminders, AsyncWebhooks, Reminders, Webhooks

APPLICATIONS = "/api/v1/platform/applications"


def _keys_path(application_id: str) -> str:
    return f"{APPLICATIONS}/{path_id(application_id)}/keys"


class ApiKeys(SyncResource):
    def create(self, application_id: str, /, *, request_options: RequestOptions | None = None) -> ApiKeyCreated:
        """A new key; its secret `key` (`sk_…`) is returned only this once."""
        return self._request(ApiKeyCreated, "POST", _keys_path(application_id), options=request_options)

    def list(self, application_id: str, /, *, request_options: RequestOptions | None = None) -> builtins.list[ApiKey]:
        return self._request(ApiKeyList, "GET", _keys_path(application_id), options=request_options).data

    def revoke(self, application_id: str, key_id: str, /, *, request_options: RequestOptions | None = None) -> None:
        self._delete(f"{_keys_path(application_id)}/{path_id(key_id)}", options=request_options)


class Applications(SyncResource):
    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport)
        self.keys = ApiKeys(transport)

    def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[Application]:
        return self._request(ApplicationList, "GET", APPLICATIONS, options=request_options).data

    def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> Application:
        return self._request(Application, "GET", f"{APPLICATIONS}/{path_id(id)}", options=request_options)

    def create(self, *, request_options: RequestOptions | None = None,
               **fields: Unpack[ApplicationCreate]) -> Application:
        """An application whose API keys act with `permissions` (needs manage:platform)."""
        return self._request(Application, "POST", APPLICATIONS, body=fields, options=request_options)

    def update(self, id: str, /, *, request_options: RequestOptions | None = None,
               **fields: Unpack[ApplicationUpdate]) -> Application:
        return self._request(Application, "PATCH", f"{APPLICATIONS}/{path_id(id)}", body=fields,
                             options=request_options)

    def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        self._delete(f"{APPLICATIONS}/{path_id(id)}", options=request_options)


class Platform:
    def __init__(self, transport: SyncTransport) -> None:
        self.applications = Applications(transport)
        self.webhooks = Webhooks(transport)
        """Webhook endpoints, their secrets and delivery attempts (§8.2)."""
        self.reminders = Reminders(transport)


class AsyncApiKeys(AsyncResource):
    async def create(self, application_id: str, /, *, request_options: RequestOptions | None = None) -> ApiKeyCreated:
        """A new key; its secret `key` (`sk_…`) is returned only this once."""
        return await self._request(ApiKeyCreated, "POST", _keys_path(application_id), options=request_options)

    async def list(self, application_id: str, /, *,
                   request_options: RequestOptions | None = None) -> builtins.list[ApiKey]:
        return (await self._request(ApiKeyList, "GET", _keys_path(application_id), options=request_options)).data

    async def revoke(self, application_id: str, key_id: str, /, *,
                     request_options: RequestOptions | None = None) -> None:
        await self._delete(f"{_keys_path(application_id)}/{path_id(key_id)}", options=request_options)


class AsyncApplications(AsyncResource):
    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport)
        self.keys = AsyncApiKeys(transport)

    async def list(self, *, request_options: RequestOptions | None = None) -> builtins.list[Application]:
        return (await self._request(ApplicationList, "GET", APPLICATIONS, options=request_options)).data

    async def get(self, id: str, /, *, request_options: RequestOptions | None = None) -> Application:
        return await self._request(Application, "GET", f"{APPLICATIONS}/{path_id(id)}", options=request_options)

    async def create(self, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[ApplicationCreate]) -> Application:
        """An application whose API keys act with `permissions` (needs manage:platform)."""
        return await self._request(Application, "POST", APPLICATIONS, body=fields, options=request_options)

    async def update(self, id: str, /, *, request_options: RequestOptions | None = None,
                     **fields: Unpack[ApplicationUpdate]) -> Application:
        return await self._request(Application, "PATCH", f"{APPLICATIONS}/{path_id(id)}", body=fields,
                                   options=request_options)

    async def delete(self, id: str, /, *, request_options: RequestOptions | None = None) -> None:
        await self._delete(f"{APPLICATIONS}/{path_id(id)}", options=request_options)


class AsyncPlatform:
    def __init__(self, transport: AsyncTransport) -> None:
        self.applications = AsyncApplications(transport)
        self.webhooks = AsyncWebhooks(transport)
        """Webhook endpoints, their secrets and delivery attempts (§8.2)."""
        self.reminders = AsyncReminders(transport)
