"""`stride.webhooks` (standard library only) against the `standardwebhooks` package the server signs
with: byte-equal signatures for the same inputs, and the same deliveries accepted and refused."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import stride
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
OTHER = "whsec_" + base64.b64encode(b"another key of thirty-two bytes!").decode()
EVENT: dict[str, Any] = {
    "id": "evt_01JABCDEFGHJKMNPQRSTVWXYZ0",
    "type": "objective.updated",
    "tenant_id": "ten_1",
    "app_id": None,
    "occurred_at": "2026-01-05T09:30:00Z",
    "actor": {"type": "person", "id": "usr_1"},
    "subject": {"type": "objective", "id": "obj_1"},
    "data": {"record": {"id": "obj_1", "title": "Grow — €, 日本"}, "changed": ["title"]},
}
BODY = json.dumps(EVENT, ensure_ascii=False).encode()


def _theirs(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    return Webhook(secret).sign(webhook_id, datetime.fromtimestamp(timestamp, UTC), body.decode())


def _headers(timestamp: int | None = None, *secrets: str, body: bytes = BODY) -> dict[str, str]:
    """A delivery's headers as the server writes them (signed by `standardwebhooks`)."""
    at = int(time.time()) if timestamp is None else timestamp
    signatures = " ".join(_theirs(s, EVENT["id"], at, body) for s in secrets or (SECRET,))
    return {"webhook-id": EVENT["id"], "webhook-timestamp": str(at), "webhook-signature": signatures}


@pytest.mark.parametrize(
    ("secret", "webhook_id", "timestamp", "body"),
    [
        (SECRET, EVENT["id"], 1_767_600_000, BODY),
        (SECRET.removeprefix("whsec_"), "msg_1", 0, b""),
        ("whsec_" + base64.b64encode(b"k").decode().rstrip("="), "evt_x", 1_700_000_000, b"{}"),
        (OTHER, "evt_2", 2_000_000_000, '{"title": "naïve café"}'.encode()),
    ],
)
def test_signatures_are_byte_equal_to_standardwebhooks(
    secret: str, webhook_id: str, timestamp: int, body: bytes
) -> None:
    assert stride.webhooks.sign(secret, webhook_id, timestamp, body) == _theirs(
        secret, webhook_id, timestamp, body
    )
    assert stride.webhooks.sign(secret, webhook_id, timestamp, body.decode()) == _theirs(
        secret, webhook_id, timestamp, body
    )


@given(
    key=st.binary(min_size=1, max_size=64),
    webhook_id=st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
    timestamp=st.integers(min_value=0, max_value=4_102_444_800),
    body=st.text(st.characters(codec="utf-8"), max_size=300),
)
def test_any_signature_is_byte_equal_to_standardwebhooks(
    key: bytes, webhook_id: str, timestamp: int, body: str
) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    ours = stride.webhooks.sign(secret, webhook_id, timestamp, body.encode())
    assert ours == _theirs(secret, webhook_id, timestamp, body.encode())
    assert ours == stride.webhooks.sign(key, webhook_id, timestamp, body)


def test_a_delivery_signed_by_standardwebhooks_verifies_into_its_event() -> None:
    headers = _headers()
    event = stride.webhooks.verify(BODY, headers, SECRET)
    assert isinstance(event, stride.Event)
    assert event.model_dump(mode="json", exclude={"occurred_at"}) == {
        k: v for k, v in Webhook(SECRET).verify(BODY, headers).items() if k != "occurred_at"
    }
    assert event.occurred_at == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    # Header names in any case, and any mapping of them (httpx's, a framework's, a dict).
    assert (
        stride.webhooks.verify(BODY, httpx.Headers({k.upper(): v for k, v in headers.items()}), SECRET)
        == event
    )


def test_any_of_several_v1_signatures_may_match() -> None:
    rotation = _headers(None, OTHER, SECRET)
    assert stride.webhooks.verify(BODY, rotation, SECRET).id == EVENT["id"]
    assert stride.webhooks.verify(BODY, rotation, OTHER).id == EVENT["id"]
    mixed = rotation | {"webhook-signature": "v2,AAAA v1,!!notbase64 " + rotation["webhook-signature"]}
    assert stride.webhooks.verify(BODY, mixed, SECRET).id == EVENT["id"]


Change = Callable[[dict[str, str]], dict[str, str]]


def _as_is(headers: dict[str, str]) -> dict[str, str]:
    return headers


# (body, timestamp's distance from now, change to the headers, secret, what the error says)
REFUSED: dict[str, tuple[bytes, int, Change, str, str]] = {
    "tampered body": (BODY.replace(b"Grow", b"Shrink"), 0, _as_is, SECRET, "signature"),
    "body with a byte added": (BODY + b" ", 0, _as_is, SECRET, "signature"),
    "wrong secret": (BODY, 0, _as_is, OTHER, "signature"),
    "other webhook-id": (BODY, 0, lambda h: h | {"webhook-id": "evt_other"}, SECRET, "signature"),
    "wrong signature": (BODY, 0, lambda h: h | {"webhook-signature": "v1,AAAA"}, SECRET, "signature"),
    "only a v2 signature": (
        BODY,
        0,
        lambda h: h | {"webhook-signature": h["webhook-signature"].replace("v1,", "v2,")},
        SECRET,
        "signature",
    ),
    "timestamp 301 s old": (BODY, -301, _as_is, SECRET, "too old"),
    "timestamp 301 s ahead": (BODY, 301, _as_is, SECRET, "too new"),
    "timestamp not a number": (BODY, 0, lambda h: h | {"webhook-timestamp": "soon"}, SECRET, "unix seconds"),
    "no webhook-id": (
        BODY,
        0,
        lambda h: {k: v for k, v in h.items() if k != "webhook-id"},
        SECRET,
        "webhook-id",
    ),
    "empty webhook-signature": (
        BODY,
        0,
        lambda h: h | {"webhook-signature": ""},
        SECRET,
        "webhook-signature",
    ),
}


@pytest.mark.parametrize(
    ("body", "offset", "change", "secret", "reason"), REFUSED.values(), ids=REFUSED.keys()
)
def test_what_standardwebhooks_refuses_is_refused(
    body: bytes, offset: int, change: Change, secret: str, reason: str
) -> None:
    headers = change(_headers(int(time.time()) + offset))
    with pytest.raises(stride.webhooks.WebhookVerificationError, match=f"(?i){reason}"):
        stride.webhooks.verify(body, headers, secret)
    with pytest.raises(Exception):  # noqa: B017 (standardwebhooks raises several kinds)
        Webhook(secret).verify(body, headers)


def test_the_tolerance_is_adjustable_and_the_error_is_a_stride_error() -> None:
    old = _headers(int(time.time()) - 600)
    assert stride.webhooks.verify(BODY, old, SECRET, tolerance=900).id == EVENT["id"]
    with pytest.raises(stride.StrideError, match="too old"):
        stride.webhooks.verify(BODY, old, SECRET, tolerance=60)


def test_a_signed_body_that_is_not_an_event_is_refused() -> None:
    body = b'{"hello": "world"}'
    with pytest.raises(stride.WebhookVerificationError, match="not a Stride event"):
        stride.webhooks.verify(body, _headers(None, SECRET, body=body), SECRET)


@pytest.mark.parametrize("secret", ["", "whsec_", "whsec_not base64!"])
def test_a_malformed_secret_is_a_value_error(secret: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        stride.webhooks.verify(BODY, _headers(), secret)
