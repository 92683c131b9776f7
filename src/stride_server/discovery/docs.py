"""GET /docs: Swagger UI over /openapi.json, every asset served by Stride itself (CONTRACT §6: "`/docs`
serves its assets from the server (it works offline, no CDN)"). The Swagger UI dist files come from the
`fastapi-offline` package; the page's init script is a file of ours, since the CSP forbids inline scripts.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import Response

from stride_server.core.body import StrideRoute
from stride_server.core.problems import NotFound

router = APIRouter(route_class=StrideRoute, include_in_schema=False)

ICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' "
    "height='32' rx='7' fill='%231d4ed8'/%3E%3Cpath d='M9 21l5-6 4 4 6-8' stroke='white' stroke-width='3' "
    "fill='none' stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E"
)

PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Stride API · Swagger UI</title>
  <link rel="icon" href="{ICON}">
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
  <script src="/docs/static/swagger-ui-bundle.js" defer></script>
  <script src="/docs/static/swagger-init.js" defer></script>
</head>
<body>
  <div id="swagger-ui"></div>
</body>
</html>
""".encode()

# FastAPI's own settings for Swagger UI, less the online validator (a request to another host).
INIT = b"""/* Starts Swagger UI on /docs (a file, not an inline script: the page's CSP allows only 'self'). */
"use strict";
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""

MEDIA_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-init.js": "text/javascript; charset=utf-8",
}


@lru_cache
def _asset(name: str) -> tuple[bytes, str]:
    """An asset's bytes and its ETag (the dist files are 1.5 MB: a browser revalidates, then gets 304)."""
    body = (
        INIT if name == "swagger-init.js" else files("fastapi_offline").joinpath("static", name).read_bytes()
    )
    return body, '"' + hashlib.blake2s(body, digest_size=12).hexdigest() + '"'


@router.get("/docs")
async def docs() -> Response:
    return Response(PAGE, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})


@router.get("/docs/static/{name}")
async def docs_asset(request: Request, name: str) -> Response:
    if name not in MEDIA_TYPES:
        raise NotFound("No such docs asset.")
    body, etag = _asset(name)
    headers = {"Cache-Control": "no-cache", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPES[name], headers=headers)
