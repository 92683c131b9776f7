"""Keyset pages, one scheme for every list: the `{data, next_cursor, has_more}` envelope (§2.5) and
an opaque cursor that remembers the list it came from (a fingerprint of its filters and sort), so
replaying it with other filters is a 400."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson

from stride_server.core.problems import BadRequest

MALFORMED = "Malformed cursor: pass next_cursor from the previous page unchanged."
FOREIGN = "This cursor belongs to a list with other filters or sort; start again without it."


def fingerprint(*parts: Any) -> str:
    """A short digest of what identifies a list (its kind, filters, sort)."""
    return hashlib.blake2s(repr(parts).encode(), digest_size=8).hexdigest()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode_cursor(print_: str, value: Any) -> str:
    """The cursor after a row: its key (one value, or a list of sort values) and the list's fingerprint."""
    plain = [_plain(v) for v in value] if isinstance(value, list) else _plain(value)
    return base64.urlsafe_b64encode(orjson.dumps({"h": print_, "v": plain})).decode().rstrip("=")


def decode_cursor(raw: str, print_: str, valid: Callable[[Any], bool]) -> Any:
    """The key a cursor carries; 400 when it is malformed, fails `valid`, or belongs to another list."""
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        value = payload["v"]
        if not valid(value):
            raise ValueError
    except Exception:
        raise BadRequest(MALFORMED) from None
    if payload.get("h") != print_:
        raise BadRequest(FOREIGN)
    return value


def page(
    rows: list[dict[str, Any]],
    limit: int,
    cursor_after: Callable[[dict[str, Any]], str],
    total: int | None = None,
) -> dict[str, Any]:
    """The envelope of `rows` fetched with `limit + 1` (the extra row only says there is more)."""
    has_more = len(rows) > limit
    data = rows[:limit]
    envelope: dict[str, Any] = {
        "data": data,
        "next_cursor": cursor_after(data[-1]) if has_more and data else None,
        "has_more": has_more,
    }
    if total is not None:
        envelope["total"] = total
    return envelope


def single_page(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The envelope of a list that is never paginated."""
    return {"data": items, "next_cursor": None, "has_more": False}
