"""Verified tokens are remembered per process (auth/tokens.py): a hit must be exactly the token that was
verified, and must never outlive the token's expiry or the cache's minute."""

from __future__ import annotations

import time

import jwt
import pytest

from stride_server.auth import tokens
from stride_server.config import Settings
from stride_server.core.problems import Unauthorized

SECRET = "cache-test-secret-cache-test-secret"


def _verifier() -> tokens.Verifier:
    return tokens.Verifier(
        Settings(stride_jwt_secret=SECRET, stride_jwt_public_key=None, stride_jwks_url=None)
    )


def _token(exp_in: float, **extra: object) -> str:
    now = int(time.time())
    return jwt.encode(
        {"sub": "usr_1", "tenant_id": "acme", "iat": now, "exp": now + exp_in, **extra},
        SECRET,
        algorithm="HS256",
    )


def test_a_verified_token_is_answered_from_the_cache_until_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    verifier, token = _verifier(), _token(30)
    first = verifier.verify(token)
    calls: list[str] = []
    real = verifier._verify
    monkeypatch.setattr(verifier, "_verify", lambda t: calls.append(t) or real(t))
    assert verifier.verify(token) is first and calls == []  # a hit: no second verification

    # Past exp + leeway (though inside the cache's minute): verified again, which PyJWT then refuses
    # (test_token_attacks.py has the expired tokens).
    later = time.time() + 30 + tokens.LEEWAY + 1
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    verifier.verify(token)
    assert calls == [token]


def test_the_cache_forgets_after_a_minute_even_for_long_lived_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier, token = _verifier(), _token(3600)
    verifier.verify(token)
    calls: list[str] = []
    real = verifier._verify
    monkeypatch.setattr(verifier, "_verify", lambda t: calls.append(t) or real(t))
    moved = time.time() + tokens.CACHE_SECONDS + 1
    monkeypatch.setattr(tokens.time, "time", lambda: moved)
    verifier.verify(token)
    assert calls == [token]


def test_a_tampered_or_foreign_token_is_never_a_cache_hit() -> None:
    verifier, token = _verifier(), _token(600)
    verifier.verify(token)
    header, payload, signature = token.split(".")
    with pytest.raises(Unauthorized):
        verifier.verify(f"{header}.{payload}.{signature[:-2]}AA")
    foreign = jwt.encode(
        jwt.decode(token, SECRET, algorithms=["HS256"]), "another-secret-another-secret-xx", algorithm="HS256"
    )
    with pytest.raises(Unauthorized):
        verifier.verify(foreign)


def test_failures_are_not_remembered() -> None:
    verifier = _verifier()
    expired = _token(-60)
    for _ in range(2):
        with pytest.raises(Unauthorized):
            verifier.verify(expired)
    assert expired not in verifier._verified
