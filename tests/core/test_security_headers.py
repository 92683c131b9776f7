"""Security headers on pages and responses, and /docs served whole by Stride (CONTRACT §6): "Pages
(`/explorer`, `/docs`, `/app/…`) send `Content-Security-Policy` (scripts and styles from the server itself,
`frame-ancestors 'none'`), `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`; `/docs`
serves its assets from the server (it works offline, no CDN)." The browser side is
tests/e2e/test_explorer.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

PAGES = ("/explorer", "/docs")


def policy(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives: dict[str, list[str]] = {}
    for part in response.headers["content-security-policy"].split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_hardened(response: httpx.Response) -> None:
    assert response.headers.get("x-content-type-options") == "nosniff", response.headers
    assert response.headers.get("referrer-policy") == "no-referrer", response.headers
    assert len(response.headers.get_list("x-content-type-options")) == 1


class Page(HTMLParser):
    """What an HTML page loads and runs: external scripts and stylesheets, inline code of any kind."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.inline += [f"{tag} {name}" for name, _ in attrs if name.startswith("on") or name == "style"]
        if tag == "script":
            self._in_script = True
            if values.get("src"):
                self.scripts.append(str(values["src"]))
        elif tag == "link" and values.get("rel") == "stylesheet":
            self.styles.append(str(values["href"]))
        elif tag == "style":
            self.inline.append("<style>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(f"<script>{data.strip()[:80]}")


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_csp_of_self_that_forbids_framing(server: str, path: str) -> None:
    """§6: "Pages (`/explorer`, `/docs`, `/app/…`) send `Content-Security-Policy` (scripts and styles from
    the server itself, `frame-ancestors 'none'`), `X-Content-Type-Options: nosniff` and
    `Referrer-Policy: no-referrer`"."""
    response = httpx.get(server + path, timeout=10)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert_hardened(response)
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_hold_no_inline_script_style_or_event_handler(server: str, path: str) -> None:
    """§6: "scripts and styles from the server itself": nothing inline, which the CSP would block."""
    page = parse(httpx.get(server + path, timeout=10).text)
    assert page.scripts and page.styles
    assert not page.inline, page.inline


def test_docs_serves_every_asset_itself(server: str) -> None:
    """§6: "`/docs` serves its assets from the server (it works offline, no CDN)"."""
    response = httpx.get(server + "/docs", timeout=10)
    assert response.status_code == 200
    # No URL of another host anywhere: only the SVG namespace inside the data: favicon names one.
    hosts = set(re.findall(r"(?:https?:)?//[\w.-]+", response.text)) - {"http://www.w3.org"}
    assert not hosts, hosts
    page = parse(response.text)
    assets = [*page.scripts, *page.styles]
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        loaded = httpx.get(server + asset, timeout=30)
        assert loaded.status_code == 200, (asset, loaded.status_code)
        kind = "text/css" if asset.endswith(".css") else "text/javascript"
        assert loaded.headers["content-type"].startswith(kind), (asset, loaded.headers["content-type"])
        assert_hardened(loaded)
        assert len(loaded.content) > 100
    spec = httpx.get(server + "/openapi.json", timeout=10)
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.1")


def test_docs_assets_revalidate_with_etags_and_unknown_ones_are_404(server: str) -> None:
    """§6: "`/docs` serves its assets from the server": the 1.5 MB bundle is not sent again unchanged."""
    first = httpx.get(server + "/docs/static/swagger-ui-bundle.js", timeout=30)
    etag = first.headers["etag"]
    again = httpx.get(
        server + "/docs/static/swagger-ui-bundle.js", headers={"If-None-Match": etag}, timeout=10
    )
    assert again.status_code == 304 and not again.content
    for name in ("index.html", "..%2Fdocs.py", "redoc.standalone.js"):
        missing = httpx.get(f"{server}/docs/static/{name}", timeout=10)
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "method, path, kwargs, status",
    [
        ("GET", "/healthz", {}, 200),
        ("GET", "/api/v1/manifest", {}, 200),
        ("GET", "/openapi.json", {}, 200),
        ("GET", "/metrics", {}, 200),
        ("GET", "/explorer/static/explorer.js", {}, 200),
        ("GET", "/api/v1/okr/objectives", {}, 401),
        ("GET", "/no/such/path", {}, 404),
        ("DELETE", "/api/v1/manifest", {}, 405),
        ("POST", "/api/v1/okr/objectives", {"content": b"x" * (1024 * 1024 + 1)}, 413),
    ],
)
def test_every_response_is_nosniff_and_no_referrer(
    server: str,
    method: str,
    path: str,
    kwargs: dict,  # type: ignore[type-arg]
    status: int,
) -> None:
    """§6: "`X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`" — sent on every response,
    pages or not, errors included; the CSP only on pages."""
    response = httpx.request(method, server + path, timeout=10, **kwargs)
    assert response.status_code == status, response.text[:300]
    assert_hardened(response)
    assert "content-security-policy" not in response.headers


async def test_every_response_of_an_api_call_is_hardened(api, org) -> None:  # type: ignore[no-untyped-def]
    """§6: nosniff and no-referrer on every response, a real Data API read and write included."""
    created = await api.post(
        "/api/v1/okr/objectives", json={"title": "Headers", "period": "2026-Q1"}, headers=org.headers("exec")
    )
    assert created.status_code == 201, created.text
    assert_hardened(created)
    listed = await api.get("/api/v1/okr/objectives", headers=org.headers("exec"))
    assert listed.status_code == 200
    assert_hardened(listed)
