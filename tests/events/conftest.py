"""A client of the server that delivers webhooks to 127.0.0.1 (tests/conftest.py: `delivering_server`,
with a short retry schedule, and `receiver`, a real HTTP server whose answers each test chooses)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import Received as Received  # re-exported for the tests that use them
from tests.conftest import Receiver as Receiver


@pytest.fixture
async def hooks_api(delivering_server: str) -> Any:
    async with httpx.AsyncClient(base_url=delivering_server, timeout=30) as client:
        yield client


def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
