"""HTTP routes of the directory: people, groups, memberships, import (§4)."""

from __future__ import annotations

from fastapi import APIRouter

from stride.core.body import StrideRoute

router = APIRouter(route_class=StrideRoute)
