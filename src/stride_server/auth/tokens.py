"""JWT verification with a fixed algorithm allow-list (HS256, or RS256/ES256 by key or JWKS), and
minting of HS256 tokens for the CLI, the demo and the API-key exchange."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt

from stride_server.config import Settings, get_settings
from stride_server.core.problems import ServiceUnavailable, Unauthorized

ASYMMETRIC = ("RS256", "ES256")
LEEWAY = 5
# Verified tokens are remembered per process for at most this long (and never past their expiry),
# so a key dropped from a JWKS stops being honoured within a minute; the key is the whole token.
CACHE_SECONDS, CACHE_SIZE = 60.0, 10_000


@dataclass(frozen=True)
class Claims:
    sub: str
    tenant_id: str
    app_id: str | None
    permissions: tuple[str, ...] | None
    raw: dict[str, Any]

    @property
    def is_application(self) -> bool:
        """An integration's token (`sub` is an application id, §1.1), not a person's."""
        return self.sub.startswith("app_")


class Verifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.issuer = settings.stride_jwt_issuer
        self.audience = settings.stride_jwt_audience
        self.jwks: jwt.PyJWKClient | None = None
        self.key: Any
        if settings.stride_jwks_url:
            self.jwks = jwt.PyJWKClient(settings.stride_jwks_url, cache_keys=True, lifespan=300, timeout=2)
            self.algorithms = _configured(settings) or list(ASYMMETRIC)
        elif settings.stride_jwt_public_key:
            self.key = _read_key(settings.stride_jwt_public_key)
            self.algorithms = _configured(settings) or list(ASYMMETRIC)
        else:
            self.key = settings.jwt_secret()
            self.algorithms = ["HS256"]
        if any(a not in ("HS256", *ASYMMETRIC) for a in self.algorithms):
            raise ValueError(f"unsupported JWT algorithm in {self.algorithms}")
        self._verified: dict[str, tuple[float, Claims]] = {}

    def verify(self, token: str) -> Claims:
        """The token's claims, or Unauthorized. A token verified in the last minute is not verified
        again (signature checks are the bulk of a cheap request's CPU)."""
        now = time.time()
        cached = self._verified.get(token)
        if cached is not None:
            if now < cached[0]:
                return cached[1]
            del self._verified[token]
        claims = self._verify(token)
        if len(self._verified) >= CACHE_SIZE:
            self._verified.clear()
        exp = claims.raw.get("exp")
        if isinstance(exp, int | float):
            self._verified[token] = (min(now + CACHE_SECONDS, exp + LEEWAY), claims)
        return claims

    def _verify(self, token: str) -> Claims:
        try:
            key = self.jwks.get_signing_key_from_jwt(token).key if self.jwks else self.key
        except jwt.PyJWKClientConnectionError:
            raise ServiceUnavailable("The identity provider's key set (JWKS) cannot be reached.") from None
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unauthorized(f"Invalid token: {exc}") from None
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                issuer=self.issuer,
                audience=self.audience,
                options={
                    "require": ["exp", "iat", "sub"],
                    "verify_aud": bool(self.audience),
                    "verify_iss": bool(self.issuer),
                },
                leeway=LEEWAY,
            )
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unauthorized(f"Invalid token: {exc}") from None
        return _claims(payload)


def _configured(settings: Settings) -> list[str] | None:
    if not settings.stride_jwt_algorithms:
        return None
    return [a.strip() for a in settings.stride_jwt_algorithms.split(",") if a.strip()]


def _read_key(value: str) -> str:
    if value.lstrip().startswith("-----BEGIN"):
        return value
    with open(value) as f:  # a path to a PEM file
        return f.read()


def _claims(payload: dict[str, Any]) -> Claims:
    sub, tenant_id, app_id = payload.get("sub"), payload.get("tenant_id"), payload.get("app_id")
    permissions = payload.get("permissions")
    if not isinstance(sub, str) or not sub or not isinstance(tenant_id, str) or not tenant_id:
        raise Unauthorized("Invalid token: sub and tenant_id are required strings.")
    if app_id is not None and not isinstance(app_id, str):
        raise Unauthorized("Invalid token: app_id must be a string.")
    if permissions is not None and (
        not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions)
    ):
        raise Unauthorized("Invalid token: permissions must be a list of strings.")
    return Claims(sub, tenant_id, app_id, tuple(permissions) if permissions is not None else None, payload)


@lru_cache
def get_verifier() -> Verifier:
    return Verifier(get_settings())


def mint(
    tenant_id: str,
    sub: str,
    *,
    permissions: list[str] | None = None,
    app_id: str | None = None,
    ttl: int | None = None,
    settings: Settings | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """An HS256 token signed with the configured secret (HS256 mode only); `extra` adds private claims."""
    settings = settings or get_settings()
    if settings.stride_jwt_public_key or settings.stride_jwks_url:
        raise RuntimeError("tokens can be minted only in HS256 mode")
    now = int(time.time())
    payload: dict[str, Any] = {
        "sub": sub,
        "tenant_id": tenant_id,
        "iat": now,
        "exp": now + (ttl or settings.stride_token_ttl),
    }
    if app_id:
        payload["app_id"] = app_id
    if permissions is not None:
        payload["permissions"] = permissions
    if extra:
        payload.update(extra)
    if settings.stride_jwt_issuer:
        payload["iss"] = settings.stride_jwt_issuer
    if settings.stride_jwt_audience:
        payload["aud"] = settings.stride_jwt_audience
    return jwt.encode(payload, settings.jwt_secret(), algorithm="HS256")
