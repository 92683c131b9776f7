"""Review templates (CONTRACT §3.1): CRUD, the rule that picks a person's template, and the KPI
snapshot a review takes of it."""

from __future__ import annotations

import pytest

from tests.factories import in_tenant
from tests.reviews.support import BASE, kpi_items, make_cycle, make_review, make_template


async def test_create_template_with_items(api, org) -> None:  # type: ignore[no-untyped-def]
    template = await make_template(api, org, kpi_items(3, mandatory=(1,)), access_level="employee")
    assert template["id"].startswith("tpl_") and template["access_level"] == "employee"
    assert [i["label"] for i in template["items"]] == ["KPI 1", "KPI 2", "KPI 3"]
    assert [i["is_mandatory"] for i in template["items"]] == [False, True, False]
    assert all(i["id"].startswith("tpi_") for i in template["items"])
    listed = await api.get(f"{BASE}/templates", headers=org.headers("alice"))
    assert listed.status_code == 200 and [t["id"] for t in listed.json()] == [template["id"]]


async def test_template_writes_need_manage_performance(api, org) -> None:  # type: ignore[no-untyped-def]
    body = {"name": "Mine", "items": []}
    assert (await api.post(f"{BASE}/templates", json=body, headers=org.headers("manager"))).status_code == 403
    template = await make_template(api, org, [])
    put = await api.put(f"{BASE}/templates/{template['id']}", json={"name": "x"}, headers=org.headers("lead"))
    assert put.status_code == 403
    assert (
        await api.get(f"{BASE}/templates/{template['id']}", headers=org.headers("alice"))
    ).status_code == 200


async def test_put_template_replaces_items_keeping_sent_ids(api, org) -> None:  # type: ignore[no-untyped-def]
    template = await make_template(api, org, kpi_items(3))
    first, _, third = template["items"]
    items = [
        {"id": third["id"], "area": "automation", "label": "AI adoption", "is_mandatory": True},
        {"area": "communication", "label": "New item"},
    ]
    response = await api.put(
        f"{BASE}/templates/{template['id']}", json={"items": items}, headers=org.headers("head")
    )
    assert response.status_code == 200
    updated = response.json()["items"]
    assert [i["label"] for i in updated] == ["AI adoption", "New item"]
    assert updated[0]["id"] == third["id"] and updated[0]["is_mandatory"] is True
    assert first["id"] not in {i["id"] for i in updated}
    assert response.json()["name"] == template["name"]


async def test_an_item_id_of_another_template_adds_a_new_item_instead(api, org) -> None:  # type: ignore[no-untyped-def]
    template = await make_template(api, org, kpi_items(1))
    other = await make_template(api, org, kpi_items(1), name="Other")
    items = [{"id": other["items"][0]["id"], "area": "performance", "label": "not stolen"}]
    response = await api.put(
        f"{BASE}/templates/{template['id']}", json={"items": items}, headers=org.headers("exec")
    )
    assert response.status_code == 200
    assert response.json()["items"][0]["id"] not in {other["items"][0]["id"], template["items"][0]["id"]}
    untouched = (await api.get(f"{BASE}/templates/{other['id']}", headers=org.headers("exec"))).json()
    assert untouched["items"] == other["items"]


async def test_one_template_per_access_level_is_409(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, [], access_level="lead")
    body = {"name": "Second lead template", "access_level": "lead"}
    assert (await api.post(f"{BASE}/templates", json=body, headers=org.headers("exec"))).status_code == 409


async def test_setting_a_default_moves_the_default(api, org) -> None:  # type: ignore[no-untyped-def]
    first = await make_template(api, org, [], is_default=True)
    second = await make_template(api, org, [], name="Newer", is_default=True)
    first_now = (await api.get(f"{BASE}/templates/{first['id']}", headers=org.headers("exec"))).json()
    assert first_now["is_default"] is False and second["is_default"] is True


async def test_deleting_a_template_assigned_to_a_person_is_409(api, owner_db, org) -> None:  # type: ignore[no-untyped-def]
    assigned = await make_template(api, org, [])
    await in_tenant(
        owner_db,
        org.tenant_id,
        [("UPDATE people SET review_template_id = $2 WHERE id = $1", (org.people["alice"], assigned["id"]))],
    )
    assert (
        await api.delete(f"{BASE}/templates/{assigned['id']}", headers=org.headers("exec"))
    ).status_code == 409
    free = await make_template(api, org, [], name="Free")
    assert (
        await api.delete(f"{BASE}/templates/{free['id']}", headers=org.headers("exec"))
    ).status_code == 204
    assert (await api.get(f"{BASE}/templates/{free['id']}", headers=org.headers("exec"))).status_code == 404


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("alice", "personal"),  # person.review_template_id first
        ("bob", "employee"),  # else the template of their access level
        ("lead", "default"),  # else the tenant's default
    ],
)
async def test_a_persons_template_is_theirs_else_their_levels_else_the_default(  # type: ignore[no-untyped-def]
    api, owner_db, org, person, expected
) -> None:
    templates = {
        "default": await make_template(api, org, kpi_items(2), name="default", is_default=True),
        "employee": await make_template(api, org, kpi_items(3), name="employee", access_level="employee"),
        "personal": await make_template(api, org, kpi_items(1), name="personal"),
    }
    await in_tenant(
        owner_db,
        org.tenant_id,
        [
            (
                "UPDATE people SET review_template_id = $2 WHERE id = $1",
                (org.people["alice"], templates["personal"]["id"]),
            )
        ],
    )
    detail = await make_review(api, org, await make_cycle(api, org), person)
    assert [k["template_item_id"] for k in detail["kpi_ratings"]] == [
        i["id"] for i in templates[expected]["items"]
    ]


async def test_without_any_template_a_review_has_no_kpis(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(2), access_level="manager")  # serves another level only
    detail = await make_review(api, org, await make_cycle(api, org), "alice")
    assert detail["kpi_ratings"] == []


async def test_template_edits_do_not_change_existing_reviews(api, org) -> None:  # type: ignore[no-untyped-def]
    # Seed 001: "Snapshots the user's review template KPI items into review_kpi_ratings."
    template = await make_template(api, org, kpi_items(2, mandatory=(0,)), is_default=True)
    cycle = await make_cycle(api, org)
    before = await make_review(api, org, cycle, "alice")
    items = [
        {"id": template["items"][0]["id"], "area": "organisation", "label": "Renamed", "is_mandatory": False},
        {"area": "automation", "label": "Added"},
    ]
    assert (
        await api.put(
            f"{BASE}/templates/{template['id']}", json={"items": items}, headers=org.headers("exec")
        )
    ).status_code == 200
    after = (await api.get(f"{BASE}/reviews/{before['review']['id']}", headers=org.headers("exec"))).json()
    assert after["kpi_ratings"] == before["kpi_ratings"]
    assert [(k["label"], k["is_mandatory"]) for k in after["kpi_ratings"]] == [
        ("KPI 1", True),
        ("KPI 2", False),
    ]
    fresh = await make_review(api, org, cycle, "bob")
    assert [k["label"] for k in fresh["kpi_ratings"]] == ["Renamed", "Added"]
    # deleting the template leaves the snapshot too
    assert (
        await api.delete(f"{BASE}/templates/{template['id']}", headers=org.headers("exec"))
    ).status_code == 204
    kept = (await api.get(f"{BASE}/reviews/{before['review']['id']}", headers=org.headers("exec"))).json()
    assert kept["kpi_ratings"] == before["kpi_ratings"]


async def test_directory_checks_review_template_id_against_templates(api, org) -> None:  # type: ignore[no-untyped-def]
    template = await make_template(api, org, [])
    path = f"/api/v1/directory/people/{org.people['bob']}"
    unknown = await api.patch(
        path, json={"review_template_id": "tpl_01JD3ZZZZZZZZZZZZZZZZZZZZZ"}, headers=org.headers("exec")
    )
    assert unknown.status_code == 422
    known = await api.patch(path, json={"review_template_id": template["id"]}, headers=org.headers("exec"))
    assert known.status_code == 200 and known.json()["review_template_id"] == template["id"]
