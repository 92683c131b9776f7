"""Standard Webhooks signatures (CONTRACT §8.3): `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
keyed by the base64-decoded part of the secret after `whsec_`, computed by the `standardwebhooks`
package; during a rotation the old secret adds a second signature."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """`whsec_` and 32 random bytes, base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature_header(event_id: str, timestamp: int, body: str, secrets_: list[str]) -> str:
    """`webhook-signature`: one `v1,…` per secret, space-separated."""
    at = datetime.fromtimestamp(timestamp, UTC)
    return " ".join(Webhook(secret).sign(event_id, at, body) for secret in secrets_)


def headers(event_id: str, timestamp: int, body: str, secrets_: list[str]) -> dict[str, str]:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(event_id, timestamp, body, secrets_),
        "content-type": "application/json",
    }
