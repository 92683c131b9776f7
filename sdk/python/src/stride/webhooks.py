"""Checking that a webhook delivery comes from Stride (CONTRACT §8.3, the Standard Webhooks scheme), with
the standard library only: `stride.webhooks.verify(payload, headers, secret)` returns the event or raises
`WebhookVerificationError`; `sign` computes what Stride sends, to test a receiver."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Iterator, Mapping

import pydantic

from stride._generated import Event
from stride.errors import StrideError

__all__ = ["DEFAULT_TOLERANCE", "WebhookVerificationError", "sign", "verify"]

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE = 300
"""Seconds a delivery's `webhook-timestamp` may be from now, either way (the Standard Webhooks default)."""


class WebhookVerificationError(StrideError):
    """A delivery not proven to come from Stride: a header missing or malformed, a timestamp outside the
    tolerance, no signature matching the secret, or a signed body that is not an event. Answer it with a
    4xx and do not act on it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def _key(secret: str | bytes) -> bytes:
    """The HMAC key: the base64-decoded part of `whsec_…` (raw bytes are taken as they are)."""
    if isinstance(secret, bytes):
        key = secret
    else:
        text = secret.strip().removeprefix(SECRET_PREFIX)
        try:
            key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except binascii.Error as error:
            raise ValueError("the webhook secret is not `whsec_` and base64") from error
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def _digest(key: bytes, webhook_id: str, timestamp: int, payload: bytes | str) -> bytes:
    body = payload.encode() if isinstance(payload, str) else payload
    return hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def sign(secret: str | bytes, webhook_id: str, timestamp: int, payload: bytes | str) -> str:
    """The `v1,<base64>` signature of a delivery: HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}"."""
    return "v1," + base64.b64encode(_digest(_key(secret), webhook_id, timestamp, payload)).decode()


def _timestamp(header: str, tolerance: float) -> int:
    text = header.strip()
    if not (text.isascii() and text.isdigit()):
        raise WebhookVerificationError(f"webhook-timestamp {header!r} is not Unix seconds")
    timestamp = int(text)
    # A replayed delivery carries its old timestamp, which the signature covers.
    now = time.time()
    if timestamp < now - tolerance:
        raise WebhookVerificationError(f"webhook-timestamp is too old ({int(now - timestamp)} s ago)")
    if timestamp > now + tolerance:
        raise WebhookVerificationError(f"webhook-timestamp is too new ({int(timestamp - now)} s ahead)")
    return timestamp


def _v1_signatures(header: str) -> Iterator[bytes]:
    """The `v1,<base64>` signatures of the header (several, space-separated, during a rotation)."""
    for part in header.split():
        version, _, encoded = part.partition(",")
        if version != "v1":
            continue
        try:
            yield base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue


def verify(payload: bytes | str, headers: Mapping[str, str], secret: str | bytes, *,
           tolerance: float = DEFAULT_TOLERANCE) -> Event:
    """The event of a delivery whose signature and timestamp check out; else `WebhookVerificationError`.

    `payload` is the request body exactly as received (bytes, or the text it decodes to: a parsed and
    re-serialised body does not verify); `headers` any mapping of the request headers (names in any case);
    `secret` the endpoint's `whsec_…`. Any one of several `v1,` signatures may match (a rotation sends one
    per secret), compared in constant time; a `webhook-timestamp` more than `tolerance` seconds from now
    is refused. A malformed `secret` is a ValueError.
    """
    key = _key(secret)
    found = {name.lower(): value for name, value in headers.items()}
    missing = [name for name in ("webhook-id", "webhook-timestamp", "webhook-signature") if not found.get(name)]
    if missing:
        raise WebhookVerificationError(f"the delivery has no {', '.join(missing)} header")
    timestamp = _timestamp(found["webhook-timestamp"], tolerance)
    expected = _digest(key, found["webhook-id"], timestamp, payload)
    if not any(hmac.compare_digest(expected, given) for given in _v1_signatures(found["webhook-signature"])):
        raise WebhookVerificationError("no signature of webhook-signature matches the secret")
    try:
        return Event.model_validate_json(payload)
    except pydantic.ValidationError as error:
        raise WebhookVerificationError(f"the signed body is not a Stride event: {error}") from error
