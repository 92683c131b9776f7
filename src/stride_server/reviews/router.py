"""The Performance reviews API under /api/performance (seed 001, CONTRACT §3): the resources' routers,
mounted in this order — FastAPI matches routes in order (`/reviews/history/{userId}` before
`/reviews/{id}`, each inside its resource's router)."""

from __future__ import annotations

from fastapi import APIRouter

from stride_server.reviews.cycles.router import router as cycles_router
from stride_server.reviews.feedback.router import router as feedback_router
from stride_server.reviews.pending.router import router as pending_router
from stride_server.reviews.records.router import router as records_router
from stride_server.reviews.templates.router import router as templates_router

router = APIRouter()
router.include_router(templates_router)
router.include_router(cycles_router)
router.include_router(records_router)
router.include_router(feedback_router)
router.include_router(pending_router)
