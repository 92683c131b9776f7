"""No caller raises anyone above its own rights (CONTRACT §1.3): "Setting a person's `access_level`
(directory, import, SCIM) needs the caller to hold every default permission of that level, so an
application with `manage:directory` alone cannot make an executive → 403." Before this rule, such an
application promoted a person to executive, and with that person's token granted every permission."""

from __future__ import annotations

import pytest

from tests.factories import create_application

PEOPLE = "/api/v1/directory/people"
IMPORT = "/api/v1/directory/import"


def body(org, name: str, level: str) -> dict:  # type: ignore[no-untyped-def]
    return {"name": name, "email": f"{name.lower()}@{org.tenant_id}.test", "access_level": level}


async def test_a_directory_app_cannot_create_or_promote_above_its_rights(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    app_id = await create_application(owner_db, org, ["manage:directory"])
    app = org.app_headers(app_id, ["manage:directory"])

    for level in ("executive", "head", "lead", "manager"):
        refused = await api.post(PEOPLE, json=body(org, f"Mallory{level}", level), headers=app)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert level in refused.json()["detail"]
    # An employee's defaults (view:performance, update:okr, …) are not all the app's either.
    assert (await api.post(PEOPLE, json=body(org, "Erin", "employee"), headers=app)).status_code == 403

    promoted = await api.patch(
        f"{PEOPLE}/{org.people['alice']}", json={"access_level": "executive"}, headers=app
    )
    assert promoted.status_code == 403, promoted.text
    person = (await api.get(f"{PEOPLE}/{org.people['alice']}", headers=org.headers("exec"))).json()
    assert person["access_level"] == "employee" and person["version"] == 1


async def test_an_app_holding_a_levels_permissions_may_set_it_and_no_higher(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    granted = ["manage:directory", "view:performance", "update:okr", "view:learning"]
    app_id = await create_application(owner_db, org, granted)
    app = org.app_headers(app_id, granted)
    created = await api.post(PEOPLE, json=body(org, "Erin", "employee"), headers=app)
    assert created.status_code == 201, created.text
    raised = await api.patch(f"{PEOPLE}/{created.json()['id']}", json={"access_level": "lead"}, headers=app)
    assert raised.status_code == 403
    # Other fields of a person stay the app's to write, whatever the person's level.
    renamed = await api.patch(f"{PEOPLE}/{org.people['head']}", json={"job_title": "VP"}, headers=app)
    assert renamed.status_code == 200, renamed.text


async def test_demoting_someone_above_the_callers_rights_is_403(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    granted = ["manage:directory", "view:performance", "update:okr", "view:learning"]
    app_id = await create_application(owner_db, org, granted)
    demoted = await api.patch(
        f"{PEOPLE}/{org.people['exec']}",
        json={"access_level": "employee"},
        headers=org.app_headers(app_id, granted),
    )
    assert demoted.status_code == 403


@pytest.mark.parametrize(
    "who, level, status",
    [
        ("exec", "executive", 201),  # holds every permission
        ("head", "head", 403),  # a head's token narrowed to manage:directory alone
    ],
)
async def test_a_person_caller_follows_the_same_rule(api, org, who, level, status) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers(who) if who == "exec" else org.headers(who, permissions=["manage:directory"])
    response = await api.post(PEOPLE, json=body(org, f"New{who}", level), headers=headers)
    assert response.status_code == status, response.text


async def test_the_import_refuses_the_whole_file_naming_the_rows(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    granted = ["manage:directory", "view:performance", "update:okr", "view:learning"]
    app_id = await create_application(owner_db, org, granted)
    app = {**org.app_headers(app_id, granted), "content-type": "text/csv"}
    csv = "\n".join(
        [
            "name,email,access_level",
            f"Erin,erin@{org.tenant_id}.test,employee",
            f"Mallory,mallory@{org.tenant_id}.test,executive",
            f"Alice,alice@{org.tenant_id}.test,head",
        ]
    ).encode()
    refused = await api.post(IMPORT, content=csv, headers=app)
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert [e["row"] for e in problem["errors"]] == [3, 4] and all(
        e["field"] == "access_level" for e in problem["errors"]
    )
    listed = (
        await api.get(PEOPLE, params={"email": f"erin@{org.tenant_id}.test"}, headers=org.headers("exec"))
    ).json()
    assert listed["data"] == []  # nothing of the file was imported
    # Rows that keep a person's level (even an executive's) are fine.
    same = "\n".join(["name,email,access_level", f"Exec,exec@{org.tenant_id}.test,executive"]).encode()
    assert (await api.post(IMPORT, content=same, headers=app)).status_code == 200
