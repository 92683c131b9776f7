"""The API explorer (GET /explorer) in a real browser: Playwright driving Debian's Chromium against a
live server. Screenshots land in test-artifacts/explorer/ (gitignored) for a human to look at.

Chromium comes from `scripts/ensure-chromium.sh` (run by `make test`); `playwright install` is never used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import httpx
import jwt
import pytest

from tests.conftest import ROOT, TEST_SECRET

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "test-artifacts" / "explorer"
ENTITIES = ("PersonGoal", "LearningRecord", "Objective", "KeyResult", "Cohort", "Assessment")
ASSETS = ("explorer.css", "util.js", "snippets.js", "console.js", "explorer.js")


def test_explorer_page_and_assets_are_served_and_demo_helpers_are_404_outside_embedded_mode(
    server: str,
) -> None:
    page = httpx.get(server + "/explorer", timeout=10)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for asset in ASSETS:
        assert f"/explorer/static/{asset}" in page.text
        assert httpx.get(f"{server}/explorer/static/{asset}", timeout=10).status_code == 200
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)  # no CDN, no external network
    assert httpx.get(server + "/explorer/static/secret.py", timeout=10).status_code == 404
    assert httpx.get(server + "/explorer/static/..%2Frouter.py", timeout=10).status_code == 404
    # DATABASE_URL is set for the test server: the demo token helpers do not exist there.
    assert httpx.get(server + "/api/v1/explorer/demo-people", timeout=10).status_code == 404
    minted = httpx.post(server + "/api/v1/explorer/demo-token", json={"person_id": "usr_x"}, timeout=10)
    assert minted.status_code == 404
    paths = httpx.get(server + "/openapi.json", timeout=10).json()["paths"]
    assert not [p for p in paths if "explorer" in p]


async def test_demo_token_helpers_work_only_in_embedded_mode_and_only_for_the_demo_tenant(  # type: ignore[no-untyped-def]
    api, org, other_org, monkeypatch
) -> None:
    from stride_server.app import create_app
    from stride_server.db.engine import create_engine
    from stride_server.explorer import router as explorer

    assert explorer.DEMO_TENANT == "demo"
    # Stand this test's organisation in for the `demo` tenant, and pretend DATABASE_URL is unset.
    monkeypatch.setattr(explorer, "DEMO_TENANT", org.tenant_id)
    embedded = SimpleNamespace(is_embedded=True)
    monkeypatch.setattr(explorer, "get_settings", lambda: embedded)
    app = create_app()
    app.state.engine = create_engine(pool_size=2)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://explorer"
        ) as client:
            people = (await client.get("/api/v1/explorer/demo-people")).json()["data"]
            assert {p["id"] for p in people} == set(org.people.values())
            assert people[0]["access_level"] == "executive" and people[-1]["access_level"] == "employee"

            minted = await client.post("/api/v1/explorer/demo-token", json={"person_id": org.people["alice"]})
            assert minted.status_code == 200, minted.text
            token = minted.json()["token"]
            claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
            assert claims["sub"] == org.people["alice"] and claims["tenant_id"] == org.tenant_id
            listed = await api.get("/api/v1/okr/objectives", headers={"Authorization": f"Bearer {token}"})
            assert listed.status_code == 200, listed.text

            # Someone of another tenant, or nobody: no token.
            stranger = await client.post(
                "/api/v1/explorer/demo-token", json={"person_id": other_org.people["exec"]}
            )
            assert stranger.status_code == 404
            extra = await client.post(
                "/api/v1/explorer/demo-token", json={"person_id": org.people["bob"], "tenant_id": "x"}
            )
            assert extra.status_code == 422

            embedded.is_embedded = False  # a deployment on its own PostgreSQL
            assert (await client.get("/api/v1/explorer/demo-people")).status_code == 404
            refused = await client.post(
                "/api/v1/explorer/demo-token", json={"person_id": org.people["alice"]}
            )
            assert refused.status_code == 404
    finally:
        await app.state.engine.dispose()


# Chromium logs each CSP violation to the console itself; the listener added before any page script also
# names the blocked directive and resource, in case a build stops logging them.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  `securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
  + ` at ${e.sourceFile}:${e.lineNumber}`));"""


def _watch(page, server: str) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """What a page must not do: throw, violate its Content-Security-Policy, or reach another host."""
    seen = SimpleNamespace(errors=[], violations=[], outside=[])
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            seen.violations.append(msg.text)
            if ("Content Security Policy" in msg.text or "securitypolicyviolation" in msg.text)
            else None
        ),
    )
    page.on("request", lambda r: None if r.url.startswith((server, "data:")) else seen.outside.append(r.url))
    return seen


def _set_body(page, op: str, body: dict) -> None:  # type: ignore[no-untyped-def]
    page.fill(f"form[data-op={op}] textarea", json.dumps(body, indent=2))


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_explorer_in_a_browser(server: str, org) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)")
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    token = org.token("exec")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            seen = _watch(page, server)
            page.goto(server + "/explorer")
            expect(page.get_by_role("heading", level=1)).to_have_text("Stride API explorer")
            expect(page.locator("#token-status")).to_have_text("No token")
            page.fill("#token", token)
            expect(page.locator("#token-status")).to_contain_text(org.tenant_id)

            nav = page.get_by_role("navigation", name="Domains and entities")
            for name in ENTITIES:
                expect(nav.locator(f"a[data-entity={name}]")).to_be_visible()
            _shot(page, "01-home")

            # KeyResult: its documentation, read from the manifest
            nav.get_by_role("link", name=re.compile("^KeyResult")).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("KeyResult")
            expect(page.locator("#rest-path")).to_have_text("/api/v1/okr/key-results")
            for op in ("list", "get", "create", "update", "delete"):
                expect(page.locator("#operations")).to_contain_text(op)
            expect(page.locator("tr[data-field=progress_pct] td.read-only")).to_contain_text("read-only")
            expect(page.locator("tr[data-field=title] td.required")).to_contain_text("required")
            expect(page.locator("tr[data-field=title] td.read-only")).not_to_contain_text("read-only")
            direction = page.locator("tr[data-field=direction] td.enum")
            expect(direction).to_contain_text("increase")
            expect(direction).to_contain_text("decrease")
            _shot(page, "02-keyresult-top")
            page.locator("#schema").scroll_into_view_if_needed()
            _shot(page, "03-keyresult-schema")
            sdk = page.locator("#sdk")
            expect(sdk).to_contain_text("await client.okr.keyResults.list()")
            expect(sdk).to_contain_text("client.okr.keyResults.create({")
            sdk.get_by_role("tab", name="Python").click()
            expect(sdk).to_contain_text("client.okr.key_results.list()")
            sdk.get_by_role("tab", name="curl").click()
            expect(sdk).to_contain_text(f'curl -s "{server}/api/v1/okr/key-results')
            sdk.get_by_role("tab", name="TypeScript").click()
            sdk.scroll_into_view_if_needed()
            _shot(page, "04-keyresult-sdk")

            # Objective: create one through its console (the prefilled example is valid as it is)
            nav.get_by_role("link", name=re.compile("^Objective")).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Objective")
            console = page.locator("#console")
            console.get_by_role("tab", name="Create").click()
            expect(console.locator("form[data-op=create] textarea")).to_have_value(re.compile('"period"'))
            console.get_by_role("button", name="Send create request").click()
            expect(page.locator("#response-status")).to_have_text("201 Created")
            objective_id = page.locator(".created code").inner_text()
            assert objective_id.startswith("obj_")
            console.scroll_into_view_if_needed()
            _shot(page, "05-objective-created")

            # KeyResult: create one for that objective; the example already points at it
            nav.get_by_role("link", name=re.compile("^KeyResult")).click()
            console = page.locator("#console")
            console.get_by_role("tab", name="Create").click()
            expect(console.locator("form[data-op=create] textarea")).to_have_value(re.compile(objective_id))
            _set_body(
                page,
                "create",
                {
                    "objective_id": objective_id,
                    "title": "Explorer revenue KR",
                    "baseline": 0,
                    "target": 100,
                    "direction": "increase",
                },
            )
            console.get_by_role("button", name="Send create request").click()
            expect(page.locator("#response-status")).to_have_text("201 Created")
            expect(page.locator("#response-json")).to_contain_text("Explorer revenue KR")
            key_result_id = page.locator(".created code").inner_text()
            console.scroll_into_view_if_needed()
            _shot(page, "06-keyresult-created")

            # ...see it in the list, filtered by its objective, one per page (Enter in a filter submits)
            second = httpx.post(
                server + "/api/v1/okr/key-results",
                headers=org.headers("exec"),
                timeout=10,
                json={"objective_id": objective_id, "title": "Explorer second KR", "target": 5},
            )
            assert second.status_code == 201, second.text
            console.get_by_role("tab", name="List").click()
            console.get_by_label("Filter 1 field").select_option("objective_id")
            console.get_by_label("Page size").fill("1")
            console.get_by_label("Filter 1 value").fill(objective_id)
            console.get_by_label("Filter 1 value").press("Enter")
            expect(page.locator("#response-status")).to_have_text("200 OK")
            expect(page.locator("#response .reqline")).to_contain_text(f"objective_id={objective_id}&limit=1")
            expect(page.locator("#response tbody tr")).to_have_count(1)
            expect(page.locator("#response tr[data-id]")).to_contain_text(
                "Explorer second KR"
            )  # newest first
            _shot(page, "07-keyresult-list")
            page.locator("#next-page").click()
            row = page.locator(f"#response tr[data-id='{key_result_id}']")
            expect(row).to_contain_text("Explorer revenue KR")
            expect(page.locator("#response .page-nav")).to_contain_text("Page 2")
            expect(page.locator("#response .page-nav")).to_contain_text("last page")
            _shot(page, "08-keyresult-list-page-2")

            # ...and an invalid one: direction increase with the target below the baseline → 422, explained
            console.get_by_role("tab", name="Create").click()
            _set_body(
                page,
                "create",
                {
                    "objective_id": objective_id,
                    "title": "Backwards KR",
                    "baseline": 50,
                    "target": 10,
                    "direction": "increase",
                },
            )
            console.locator("form[data-op=create] textarea").press("Control+Enter")
            expect(page.locator("#response-status")).to_have_text("422 Unprocessable Content")
            problem = page.locator("#response .problem")
            expect(problem).to_be_visible()
            expect(problem.locator(".ptitle")).to_have_text("Unprocessable content")
            field_error = problem.locator(".perrors li").first
            expect(field_error.locator("code")).to_have_text("target")
            expect(field_error).to_contain_text("greater than baseline")
            expect(page.locator("#response-json")).to_contain_text('"status": 422')
            console.scroll_into_view_if_needed()
            _shot(page, "09-keyresult-422")

            # Keyboard only: from the top of the page, Tab reaches the navigation with a visible focus ring
            # and Enter opens the entity.
            page.goto(server + "/explorer")
            expect(page.get_by_role("heading", level=1)).to_have_text("Stride API explorer")
            for _ in range(12):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.dataset.entity") == "PersonGoal":
                    break
            else:
                pytest.fail("Tab never reached the PersonGoal link")
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
            _shot(page, "10-keyboard-focus")
            page.keyboard.press("Enter")
            expect(page.get_by_role("heading", level=1)).to_have_text("PersonGoal")
            expect(page.locator("#entity-title")).to_be_focused()

            assert not seen.errors, seen.errors
            assert not seen.outside, seen.outside
            # CONTRACT §6: "Pages (`/explorer`, …) send `Content-Security-Policy` (scripts and styles from the
            # server itself, …)" — and the explorer works under it: nothing it does is refused.
            assert not seen.violations, seen.violations
        finally:
            browser.close()


def test_swagger_ui_renders_offline_under_the_csp(server: str) -> None:
    """CONTRACT §6: "`/docs` serves its assets from the server (it works offline, no CDN)", under the pages'
    `Content-Security-Policy` (scripts and styles from the server itself): Swagger UI renders the operations
    of /openapi.json with no request to another host and no violation of the policy."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)")
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            seen = _watch(page, server)
            response = page.goto(server + "/docs")
            assert (
                response is not None
                and "frame-ancestors 'none'" in response.headers["content-security-policy"]
            )
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("Stride API")
            operation = page.locator("#operations-okr-objectives-list")
            expect(operation).to_be_visible()
            expect(page.locator(".opblock").first).to_be_visible()
            operation.locator(".opblock-summary").click()
            expect(operation.locator(".parameters")).to_contain_text("include_deleted")
            _shot(page, "11-docs")
            assert not seen.errors, seen.errors
            assert not seen.outside, seen.outside
            assert not seen.violations, seen.violations
        finally:
            browser.close()
