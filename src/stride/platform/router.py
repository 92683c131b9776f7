"""HTTP routes of the platform: applications, API keys, the token exchange, tenant settings."""

from __future__ import annotations

from fastapi import APIRouter

from stride.core.body import StrideRoute

router = APIRouter(route_class=StrideRoute)
