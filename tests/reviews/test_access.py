"""Access scoping of §1.4 on the Performance API (employees their own, leads their squads, managers
their tree, heads their departments, executives all, reviewers their reviews; invisible → 404),
tenant isolation, applications, and the stable operation ids of /openapi.json."""

from __future__ import annotations

import pytest

from tests.factories import create_application
from tests.reviews.support import BASE, make_cycle, make_review, make_template

EVERYONE = ("exec", "head", "manager", "lead", "alice", "bob", "manager2", "carol")
SEES = {
    "alice": {"alice"},
    "bob": {"bob"},
    "carol": {"carol"},
    "lead": {"lead", "alice", "bob"},  # self + squad Alpha (and reports)
    "manager": {"manager", "lead", "alice", "bob"},  # reporting tree
    "manager2": {"manager2", "carol"},
    # a head without manage:performance: tree + department Engineering (plus exec's review, as its reviewer)
    "head/update": {"head", "manager", "lead", "alice", "bob", "exec"},
    "head": set(EVERYONE),  # manage:performance sees all
    "exec": set(EVERYONE),
}


def _headers(org, caller: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    name, _, scoped = caller.partition("/")
    return org.headers(name, permissions=["update:performance"]) if scoped else org.headers(name)


@pytest.fixture
async def reviews_of_everyone(api, org):  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    reviewer = {"exec": "head"}
    return {
        name: (await make_review(api, org, cycle, name, reviewer=reviewer.get(name, "exec")))["review"]["id"]
        for name in EVERYONE
    }


@pytest.mark.parametrize("caller", sorted(SEES))
async def test_each_level_lists_and_reads_exactly_the_reviews_it_sees(
    api, org, reviews_of_everyone, caller
) -> None:  # type: ignore[no-untyped-def]
    listed = (await api.get(f"{BASE}/reviews", headers=_headers(org, caller))).json()
    expected = SEES[caller]
    assert {r["user_id"] for r in listed} == {org.people[n] for n in expected}
    for name, review_id in reviews_of_everyone.items():
        status = (await api.get(f"{BASE}/reviews/{review_id}", headers=_headers(org, caller))).status_code
        assert status == (200 if name in expected else 404), (caller, name)


async def test_the_assigned_reviewer_sees_a_review_outside_their_scope(api, org) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "alice", reviewer="manager2")
    review_id = detail["review"]["id"]
    assert (await api.get(f"{BASE}/reviews/{review_id}", headers=org.headers("manager2"))).status_code == 200
    assert (
        await api.put(
            f"{BASE}/reviews/{review_id}", json={"strengths": "Calm"}, headers=org.headers("manager2")
        )
    ).status_code == 200
    # …but not the person's history or feedback
    history = await api.get(f"{BASE}/reviews/history/{org.people['alice']}", headers=org.headers("manager2"))
    assert history.status_code == 404


async def test_writes_on_an_invisible_review_are_404_not_403(api, org) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "alice")
    review_id = detail["review"]["id"]
    for method, path, body in (
        ("PUT", f"/reviews/{review_id}", {"strengths": "x"}),
        ("DELETE", f"/reviews/{review_id}", None),
        ("PUT", f"/reviews/{review_id}/previous-goals", {"outcomes": []}),
    ):
        response = await api.request(method, BASE + path, json=body, headers=org.headers("manager2"))
        assert response.status_code == 404, (method, path)


@pytest.mark.parametrize(
    ("caller", "subject", "status"),
    [
        ("alice", "alice", 200),
        ("alice", "bob", 404),
        ("lead", "bob", 200),
        ("lead", "carol", 404),
        ("manager2", "carol", 200),
        ("head", "bob", 200),
        ("exec", "carol", 200),
    ],
)
async def test_history_follows_visibility(api, org, caller, subject, status) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(f"{BASE}/reviews/history/{org.people[subject]}", headers=org.headers(caller))
    assert response.status_code == status


async def test_other_tenants_records_are_404(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    template = await make_template(api, org, [])
    cycle = await make_cycle(api, org)
    review = (await make_review(api, org, cycle, "alice"))["review"]
    request = (
        await api.post(
            f"{BASE}/feedback/requests",
            json={
                "cycle_id": cycle["id"],
                "subject_id": org.people["alice"],
                "reviewer_id": org.people["bob"],
            },
            headers=org.headers("exec"),
        )
    ).json()
    intruder = other_org.headers("exec")
    for path in (
        f"/templates/{template['id']}",
        f"/cycles/{cycle['id']}",
        f"/reviews/{review['id']}",
        f"/reviews/history/{org.people['alice']}",
        f"/feedback/summary/{org.people['alice']}",
    ):
        assert (await api.get(BASE + path, headers=intruder)).status_code == 404, path
    for method, path, body in (
        ("PUT", f"/cycles/{cycle['id']}", {"status": "closed"}),
        ("DELETE", f"/cycles/{cycle['id']}", None),
        ("PUT", f"/templates/{template['id']}", {"name": "x"}),
        ("PUT", f"/reviews/{review['id']}", {"strengths": "x"}),
        ("DELETE", f"/reviews/{review['id']}", None),
        ("POST", "/reviews", {"cycle_id": cycle["id"], "user_id": other_org.people["alice"]}),
        (
            "POST",
            "/reviews",
            {"cycle_id": (await make_cycle(api, other_org))["id"], "user_id": org.people["bob"]},
        ),
        ("POST", "/feedback/requests/bulk", {"cycle_id": cycle["id"], "subject_id": org.people["alice"]}),
        ("POST", "/feedback/submit", {"request_id": request["id"], "overall_comment": "x"}),
    ):
        response = await api.request(method, BASE + path, json=body, headers=intruder)
        assert response.status_code == 404, (method, path)
    assert (await api.get(f"{BASE}/reviews", headers=intruder)).json() == []
    assert (await api.get(f"{BASE}/templates", headers=intruder)).json() == []
    assert cycle["id"] not in {c["id"] for c in (await api.get(f"{BASE}/cycles", headers=intruder)).json()}


async def test_applications_need_the_view_permission_and_then_see_all(api, owner_db, org) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "alice")
    reader = await create_application(owner_db, org, ["view:performance"])
    stranger = await create_application(owner_db, org, ["view:okr"])
    listed = await api.get(f"{BASE}/reviews", headers=org.app_headers(reader, ["view:performance"]))
    assert [r["id"] for r in listed.json()] == [detail["review"]["id"]]
    assert (
        await api.get(f"{BASE}/reviews", headers=org.app_headers(stranger, ["view:okr"]))
    ).status_code == 403
    assert (
        await api.get(f"{BASE}/goals/current", headers=org.app_headers(reader, ["view:performance"]))
    ).json() == {"goals": [], "cycle_name": ""}


async def test_without_a_token_every_endpoint_is_401(api, org) -> None:  # type: ignore[no-untyped-def]
    for path in ("/cycles", "/reviews", "/pending", "/goals/current", "/feedback/requests", "/templates"):
        response = await api.get(BASE + path)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


OPERATIONS = {
    "templates-list": ("get", "/templates"),
    "templates-create": ("post", "/templates"),
    "templates-get": ("get", "/templates/{id}"),
    "templates-update": ("put", "/templates/{id}"),
    "templates-delete": ("delete", "/templates/{id}"),
    "cycles-list": ("get", "/cycles"),
    "cycles-create": ("post", "/cycles"),
    "cycles-get": ("get", "/cycles/{id}"),
    "cycles-update": ("put", "/cycles/{id}"),
    "cycles-delete": ("delete", "/cycles/{id}"),
    "goals-current": ("get", "/goals/current"),
    "reviews-list": ("get", "/reviews"),
    "reviews-create": ("post", "/reviews"),
    "reviews-get": ("get", "/reviews/{id}"),
    "reviews-update": ("put", "/reviews/{id}"),
    "reviews-delete": ("delete", "/reviews/{id}"),
    "reviews-previous-goals": ("put", "/reviews/{id}/previous-goals"),
    "reviews-history": ("get", "/reviews/history/{userId}"),
    "feedback-requests-list": ("get", "/feedback/requests"),
    "feedback-requests-create": ("post", "/feedback/requests"),
    "feedback-requests-bulk": ("post", "/feedback/requests/bulk"),
    "feedback-submit": ("post", "/feedback/submit"),
    "feedback-summary": ("get", "/feedback/summary/{userId}"),
    "pending-get": ("get", "/pending"),
}


async def test_operation_ids_are_stable_and_errors_are_problems(api) -> None:  # type: ignore[no-untyped-def]
    schema = (await api.get("/openapi.json")).json()
    for operation_id, (method, path) in OPERATIONS.items():
        operation = schema["paths"][BASE + path][method]
        assert operation["operationId"] == operation_id
        responses = operation["responses"]
        assert {"400", "401", "403", "404", "503"} <= set(responses), operation_id
        for status, response in responses.items():
            if status.startswith("4") or status.startswith("5"):
                assert "application/problem+json" in response["content"], (operation_id, status)
    for name in (
        "CycleCreate",
        "CycleUpdate",
        "ReviewCreate",
        "ReviewUpdate",
        "FeedbackSubmit",
        "TemplateCreate",
    ):
        assert schema["components"]["schemas"][name]["additionalProperties"] is False, name


async def test_every_review_table_is_under_forced_row_level_security(api, owner_db, org, other_org) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from stride_server.core.context import tenant_transaction
    from stride_server.db.engine import create_engine
    from stride_server.db.tables import REVIEW_TABLES

    async with owner_db.acquire() as conn:
        rows = await conn.fetch(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "EXISTS (SELECT 1 FROM pg_policy p "
            "WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS policy "
            "FROM pg_class c WHERE c.relname = ANY($1::text[])",
            list(REVIEW_TABLES),
        )
    assert {r["relname"] for r in rows} == set(REVIEW_TABLES)
    assert all(r["relrowsecurity"] and r["relforcerowsecurity"] and r["policy"] for r in rows), rows
    mine = (await make_review(api, org, await make_cycle(api, org), "alice"))["review"]["id"]
    await make_review(api, other_org, await make_cycle(api, other_org), "alice")
    engine = create_engine(pool_size=1)
    try:
        async with tenant_transaction(engine, org.tenant_id) as conn:
            # deliberately no WHERE: a statement that "forgot" the tenant still sees one tenant only
            assert [r.id for r in await conn.execute(text("SELECT id FROM reviews"))] == [mine]
    finally:
        await engine.dispose()
