"""The API explorer (GET /explorer) in a real browser: Playwright driving Debian's Chromium against a
live server. Screenshots land in test-artifacts/explorer/ (gitignored) for a human to look at.

Chromium comes from `scripts/ensure-chromium.sh` (run by `make test`); `playwright install` is never used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "test-artifacts" / "explorer"
ENTITIES = ("PersonGoal", "LearningRecord", "Objective", "KeyResult", "Cohort", "Assessment")


def test_explorer_assets_and_demo_helpers_outside_embedded_mode(server: str) -> None:
    page = httpx.get(server + "/explorer", timeout=10)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/explorer/static/explorer.js" in page.text
    assert httpx.get(server + "/explorer/static/explorer.js", timeout=10).status_code == 200
    assert httpx.get(server + "/explorer/static/explorer.css", timeout=10).status_code == 200
    assert httpx.get(server + "/explorer/static/secret.py", timeout=10).status_code == 404
    # DATABASE_URL is set for the test server: the demo token helpers do not exist there.
    assert httpx.get(server + "/api/v1/explorer/demo-people", timeout=10).status_code == 404
    minted = httpx.post(server + "/api/v1/explorer/demo-token", json={"person_id": "usr_x"}, timeout=10)
    assert minted.status_code == 404
    paths = httpx.get(server + "/openapi.json", timeout=10).json()["paths"]
    assert not [p for p in paths if "explorer" in p]


def _set_body(page, op: str, body: dict) -> None:  # type: ignore[no-untyped-def]
    page.fill(f"form[data-op={op}] textarea", json.dumps(body, indent=2))


def test_explorer_in_a_browser(server: str, org) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)")
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    token = org.token("exec")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server + "/explorer")
            page.fill("#token", token)
            expect(page.locator("#token-status")).to_contain_text(org.tenant_id)

            nav = page.get_by_role("navigation", name="Domains and entities")
            for name in ENTITIES:
                expect(nav.locator(f"a[data-entity={name}]")).to_be_visible()
            page.screenshot(path=str(SHOTS / "01-home.png"))

            # KeyResult: documentation
            nav.get_by_role("link", name="KeyResult").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("KeyResult")
            expect(page.locator("#rest-path")).to_have_text("/api/v1/okr/key-results")
            for op in ("list", "get", "create", "update", "delete"):
                expect(page.locator("#operations")).to_contain_text(op)
            expect(page.locator("tr[data-field=progress_pct] td.read-only")).to_have_text("read-only")
            expect(page.locator("tr[data-field=title] td.read-only")).not_to_contain_text("read-only")
            direction = page.locator("tr[data-field=direction] td.enum")
            expect(direction).to_contain_text("increase")
            expect(direction).to_contain_text("decrease")
            page.screenshot(path=str(SHOTS / "02-keyresult-top.png"))
            sdk = page.locator("#sdk")
            expect(sdk).to_contain_text("await client.okr.keyResults.list()")
            expect(sdk).to_contain_text("client.okr.keyResults.create({")
            sdk.get_by_role("tab", name="Python").click()
            expect(sdk).to_contain_text("client.okr.key_results.list()")
            sdk.get_by_role("tab", name="curl").click()
            expect(sdk).to_contain_text("curl -s")
            page.screenshot(path=str(SHOTS / "02-keyresult-sdk.png"))
            page.locator("#schema").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "03-keyresult-schema.png"))

            # Objective: create through its console (the prefilled example is valid as is)
            nav.get_by_role("link", name="Objective").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Objective")
            console = page.locator("#console")
            console.get_by_role("tab", name="Create").click()
            expect(console.locator("form[data-op=create] textarea")).to_have_value(re.compile('"period"'))
            console.get_by_role("button", name="Send create request").click()
            expect(page.locator("#response-status")).to_have_text("201 Created")
            objective_id = page.locator(".created code").inner_text()
            assert objective_id.startswith("obj")
            console.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "04-objective-created.png"))

            # KeyResult: create for that objective; the example already points at it
            nav.get_by_role("link", name="KeyResult").click()
            console = page.locator("#console")
            console.get_by_role("tab", name="Create").click()
            body = console.locator("form[data-op=create] textarea")
            expect(body).to_have_value(re.compile(objective_id))
            _set_body(page, "create", {"objective_id": objective_id, "title": "Explorer revenue KR",
                                       "baseline": 0, "target": 100, "direction": "increase"})
            console.get_by_role("button", name="Send create request").click()
            expect(page.locator("#response-status")).to_have_text("201 Created")
            expect(page.locator("#response-json")).to_contain_text("Explorer revenue KR")
            key_result_id = page.locator(".created code").inner_text()

            # ...list it, filtered by the objective (Enter in a filter input submits)
            console.get_by_role("tab", name="List").click()
            console.get_by_label("Filter 1 field").fill("objective_id")
            console.get_by_label("Filter 1 value").fill(objective_id)
            console.get_by_label("Filter 1 value").press("Enter")
            expect(page.locator("#response-status")).to_have_text("200 OK")
            row = page.locator(f"#response tr[data-id='{key_result_id}']")
            expect(row).to_contain_text("Explorer revenue KR")
            console.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "05-keyresult-list.png"))

            # ...and an invalid one: direction increase with the target below the baseline
            console.get_by_role("tab", name="Create").click()
            _set_body(page, "create", {"objective_id": objective_id, "title": "Backwards KR",
                                       "baseline": 50, "target": 10, "direction": "increase"})
            console.locator("form[data-op=create] textarea").press("Control+Enter")
            expect(page.locator("#response-status")).to_have_text("422 Unprocessable Content")
            problem = page.locator("#response .problem")
            expect(problem).to_be_visible()
            expect(problem.locator(".perrors li").first).to_contain_text("target")
            expect(problem).to_contain_text("greater than baseline")
            console.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "06-keyresult-422.png"))

            # keyboard: the focus is visible on a nav link
            page.keyboard.press("Tab")
            assert not errors, errors
        finally:
            browser.close()
