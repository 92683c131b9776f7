"""Settings read from the environment (and a `.env` file), per CONTRACT §7."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RETRY_SCHEDULE = "5,30,120,600,3600,21600,86400"
# Set by `stride serve` for its server processes: each runs a job worker too (unless --no-worker).
IN_PROCESS_WORKER = "STRIDE_IN_PROCESS_WORKER"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = None
    stride_data_dir: Path = Path(".stride")
    stride_jwt_secret: str | None = None
    stride_jwt_public_key: str | None = None
    stride_jwks_url: str | None = None
    stride_jwt_issuer: str | None = None
    stride_jwt_audience: str | None = None
    stride_jwt_algorithms: str | None = None  # comma list; default by key type
    stride_log_level: str = "info"
    stride_app_db_role: str = "stride_app"
    stride_app_db_password: str | None = None
    stride_pool_size: int = 10
    stride_db_timeout: float = 2.0
    stride_token_ttl: int = 3600
    stride_metrics_token: str | None = None  # set: GET /metrics needs it as a bearer token (CONTRACT §6)
    # Webhooks (CONTRACT §8.3): the waits (seconds) before each retry, the failed deliveries in a row
    # that disable an endpoint, and whether private and plain-http URLs are allowed (development).
    stride_webhook_retry_schedule: str = DEFAULT_RETRY_SCHEDULE
    stride_webhook_disable_after: int = 50
    stride_webhook_allow_private: bool = False
    stride_worker_concurrency: int = 16

    @field_validator("stride_webhook_retry_schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        retry_waits(value)
        return value

    @field_validator("stride_webhook_disable_after", "stride_worker_concurrency")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @property
    def retry_schedule(self) -> tuple[int, ...]:
        return retry_waits(self.stride_webhook_retry_schedule)

    @property
    def data_dir(self) -> Path:
        return self.stride_data_dir.expanduser().resolve()

    @property
    def is_embedded(self) -> bool:
        return not self.database_url

    def jwt_secret(self) -> str:
        """The HS256 secret: configured, else generated once and kept in the data dir."""
        return self.stride_jwt_secret or _kept_secret(self.data_dir / "jwt_secret")

    def app_db_password(self) -> str:
        """The app role's database password: configured, else generated once and kept in the data dir,
        so migrations (which set it) and every worker (which log in with it) agree."""
        return self.stride_app_db_password or _kept_secret(self.data_dir / "app_db_password")


def retry_waits(value: str) -> tuple[int, ...]:
    """STRIDE_WEBHOOK_RETRY_SCHEDULE: a comma list of whole seconds ≥ 0 (empty: no retry)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts) or len(parts) > 50:
        raise ValueError(
            f"STRIDE_WEBHOOK_RETRY_SCHEDULE must be up to 50 comma-separated whole seconds, got {value!r}"
        )
    waits = tuple(int(p) for p in parts)
    if any(w > 7 * 86400 for w in waits):
        raise ValueError("STRIDE_WEBHOOK_RETRY_SCHEDULE: a wait may be at most 7 days (604800 s)")
    return waits


def _kept_secret(path: Path) -> str:
    """A random secret generated once into `path` (mode 0600) and read back from there ever after."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    tmp.touch(mode=0o600)
    tmp.write_text(secrets.token_urlsafe(48))
    try:  # link() is atomic and refuses to overwrite: concurrent workers agree on one secret
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
