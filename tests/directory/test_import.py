"""The directory import (§4) through HTTP and the CLI: CSV and JSON lines, created or updated by email,
managers, squads and departments, and one bad row rejecting the whole file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, TEST_SECRET

IMPORT = "/api/v1/directory/import"
PEOPLE = "/api/v1/directory/people"
CSV = {"content-type": "text/csv"}


def csv_file(org, *lines: str) -> bytes:  # type: ignore[no-untyped-def]
    header = "name,email,access_level,manager_email,squad,department,job_title"
    return "\n".join([header, *lines]).replace("@t", f"@{org.tenant_id}.test").encode()


async def person_by_email(api, org, email: str) -> dict:  # type: ignore[no-untyped-def]
    page = (await api.get(PEOPLE, params={"email": email}, headers=org.headers("exec"))).json()
    assert len(page["data"]) == 1, page
    return page["data"][0]  # type: ignore[no-any-return]


async def members(api, org, group_id: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = (
        await api.get(
            f"/api/v1/directory/groups/{group_id}/members", params={"limit": 200}, headers=org.headers("exec")
        )
    ).json()
    return {m["email"].split("@")[0].lower(): m["role"] for m in page["data"]}


async def group_named(api, org, kind: str, name: str) -> dict:  # type: ignore[no-untyped-def]
    page = (
        await api.get(
            "/api/v1/directory/groups", params={"kind": kind, "q": name}, headers=org.headers("exec")
        )
    ).json()
    return next(g for g in page["data"] if g["name"] == name)  # type: ignore[no-any-return]


async def test_csv_import_creates_and_updates_people_and_groups(api, org) -> None:  # type: ignore[no-untyped-def]
    body = csv_file(
        org,
        "Erin,erin@t,employee,frank@t,Delta,Research,Analyst",  # her manager is a later row
        "Frank,frank@t,lead,manager@t,Delta,Research,Team lead",
        "Grace,grace@t,head,exec@t,,Research,Head of Research",
        'Alice Updated,ALICE@t,employee,lead@t,Alpha,Engineering,"Engineer, senior"',
    )
    response = await api.post(IMPORT, content=body, headers={**org.headers("exec"), **CSV})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "rows": 4,
        "created": 3,
        "updated": 1,
        "unchanged": 0,
        "groups_created": 2,
        "memberships_added": 5,
        "memberships_removed": 0,
        "dry_run": False,
    }

    erin = await person_by_email(api, org, "erin@" + org.tenant_id + ".test")
    frank = await person_by_email(api, org, "frank@" + org.tenant_id + ".test")
    assert erin["manager_id"] == frank["id"] and frank["manager_id"] == org.people["manager"]
    assert (
        erin["job_title"] == "Analyst" and erin["status"] == "active" and erin["access_level"] == "employee"
    )
    alice = (await api.get(f"{PEOPLE}/{org.people['alice']}", headers=org.headers("exec"))).json()
    assert (
        alice["name"] == "Alice Updated"
        and alice["job_title"] == "Engineer, senior"
        and alice["version"] == 2
    )
    assert alice["email"] == f"ALICE@{org.tenant_id}.test"

    delta = await group_named(api, org, "squad", "Delta")
    research = await group_named(api, org, "department", "Research")
    assert await members(api, org, delta["id"]) == {"erin": "member", "frank": "lead"}
    assert await members(api, org, research["id"]) == {"erin": "member", "frank": "member", "grace": "head"}
    assert "alice" in await members(api, org, org.groups["Alpha"])

    # The same file again changes nothing.
    again = await api.post(IMPORT, content=body, headers={**org.headers("exec"), **CSV})
    assert again.json()["created"] == 0 and again.json()["updated"] == 0 and again.json()["unchanged"] == 4
    assert again.json()["groups_created"] == 0 and again.json()["memberships_added"] == 0


async def test_import_moves_people_between_squads(api, org) -> None:  # type: ignore[no-untyped-def]
    body = csv_file(org, "Bob,bob@t,employee,lead@t,Beta,Sales,")
    response = await api.post(IMPORT, content=body, headers={**org.headers("exec"), **CSV})
    assert response.status_code == 200, response.text
    assert response.json()["memberships_removed"] == 2 and response.json()["memberships_added"] == 2
    assert "bob" not in await members(api, org, org.groups["Alpha"])
    assert "bob" not in await members(api, org, org.groups["Engineering"])
    assert (await members(api, org, org.groups["Beta"]))["bob"] == "member"


async def test_json_lines_import(api, org) -> None:  # type: ignore[no-untyped-def]
    lines = [
        {
            "name": "Heidi",
            "email": f"heidi@{org.tenant_id}.test",
            "access_level": "manager",
            "manager_email": f"exec@{org.tenant_id}.test",
            "external_id": "HR-9",
        },
        {
            "id": org.people["bob"],
            "email": f"robert@{org.tenant_id}.test",
            "job_title": None,
            "status": "inactive",
        },
    ]
    body = "\n".join(json.dumps(line) for line in lines).encode()
    response = await api.post(
        IMPORT, content=body, headers={**org.headers("exec"), "content-type": "application/x-ndjson"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1 and response.json()["updated"] == 1
    heidi = await person_by_email(api, org, f"heidi@{org.tenant_id}.test")
    assert heidi["external_id"] == "HR-9" and heidi["manager_id"] == org.people["exec"]
    bob = (await api.get(f"{PEOPLE}/{org.people['bob']}", headers=org.headers("exec"))).json()
    assert (
        bob["email"] == f"robert@{org.tenant_id}.test"
        and bob["status"] == "inactive"
        and bob["name"] == "Bob"
    )


async def test_a_bad_row_rejects_the_whole_file_naming_every_bad_row(api, org) -> None:  # type: ignore[no-untyped-def]
    body = csv_file(
        org,
        "Ivan,ivan@t,employee,,,,",  # line 2: fine
        "Judy,judy@t,boss,,,,",  # line 3: bad access level
        "Karl,karl@t,employee,,,,",  # line 4: fine
        "Liam,not-an-email,employee,,,,",  # line 5: bad email
        "Mona,mona@t,employee,nobody@t,,,",  # line 6: unknown manager
        "Nina,IVAN@t,employee,,,,",  # line 7: same email as line 2
    )
    response = await api.post(IMPORT, content=body, headers={**org.headers("exec"), **CSV})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert [(e["row"], e["field"]) for e in problem["errors"]] == [
        (3, "access_level"),
        (5, "email"),
        (6, "manager_email"),
        (7, "email"),
    ]
    assert "3, 5, 6, 7" in problem["detail"]
    # Nothing was imported, not even the good rows.
    page = (await api.get(PEOPLE, params={"q": "ivan"}, headers=org.headers("exec"))).json()
    assert page["data"] == []


async def test_a_reporting_cycle_in_the_file_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    body = csv_file(
        org, "Olga,olga@t,employee,pete@t,,,", "Pete,pete@t,employee,olga@t,,,", "Head,head@t,head,alice@t,,,"
    )
    response = await api.post(IMPORT, content=body, headers={**org.headers("exec"), **CSV})
    assert response.status_code == 422
    assert {(e["row"], e["field"]) for e in response.json()["errors"]} == {
        (2, "manager_email"),
        (3, "manager_email"),
        (4, "manager_email"),
    }


@pytest.mark.parametrize(
    "body, status",
    [
        (b"name,email,colour\nX,x@y.test,red", 422),  # unknown column
        (b"name,access_level\nX,employee", 422),  # no email column
        (b"", 422),  # empty
        (b"\xff\xfe", 422),  # not UTF-8
        (b"name,email,access_level\nX,x@y.test,employee,extra", 422),
        (b'{"name": "X", "email": 5}', 422),
        (b'{"name": "X"', 422),
    ],
)
async def test_malformed_files_are_422(api, org, body, status) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(
        IMPORT, content=body, headers={**org.headers("exec"), "content-type": "text/plain"}
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_import_needs_manage_directory_and_a_known_media_type(api, org) -> None:  # type: ignore[no-untyped-def]
    body = csv_file(org, "Quinn,quinn@t,employee,,,,")
    assert (await api.post(IMPORT, content=body, headers={**org.headers("head"), **CSV})).status_code == 403
    xml = await api.post(
        IMPORT, content=b"<people/>", headers={**org.headers("exec"), "content-type": "text/xml"}
    )
    assert xml.status_code == 415
    unknown = await api.post(
        IMPORT, params={"force": "1"}, content=body, headers={**org.headers("exec"), **CSV}
    )
    assert unknown.status_code == 400


async def test_dry_run_validates_without_writing(api, org) -> None:  # type: ignore[no-untyped-def]
    body = csv_file(org, "Quinn,quinn@t,employee,,Omega,,")
    response = await api.post(
        IMPORT, params={"dry_run": "true"}, content=body, headers={**org.headers("exec"), **CSV}
    )
    assert (
        response.status_code == 200 and response.json()["created"] == 1 and response.json()["dry_run"] is True
    )
    assert (await api.get(PEOPLE, params={"q": "quinn"}, headers=org.headers("exec"))).json()["data"] == []


async def test_import_stays_in_the_callers_tenant(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    # other_org's alice has an email unknown here: a new person is created, theirs is untouched.
    email = f"alice@{other_org.tenant_id}.test"
    body = f"name,email,access_level\nAlice Twin,{email},employee\n".encode()
    response = await api.post(IMPORT, content=body, headers={**org.headers("exec"), **CSV})
    assert response.json()["created"] == 1
    theirs = (
        await api.get(f"{PEOPLE}/{other_org.people['alice']}", headers=other_org.headers("exec"))
    ).json()
    assert theirs["name"] == "Alice" and theirs["version"] == 1
    by_id = f"id,name,email,access_level\n{other_org.people['bob']},Bob,bob2@x.test,employee\n".encode()
    rejected = await api.post(IMPORT, content=by_id, headers={**org.headers("exec"), **CSV})
    assert rejected.status_code == 422 and rejected.json()["errors"][0]["field"] == "id"


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "STRIDE_JWT_SECRET": TEST_SECRET}
    return subprocess.run(
        [sys.executable, "-m", "stride_server.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_cli_import(api, org, database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "people.csv"
    good.write_bytes(csv_file(org, "Rita,rita@t,lead,manager@t,Sigma,Engineering,Lead"))
    result = run_cli(database_url, "import", "people", str(good), "--tenant", org.tenant_id)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["created"] == 1
    rita = await person_by_email(api, org, f"rita@{org.tenant_id}.test")
    assert rita["manager_id"] == org.people["manager"]

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"name": "Sam", "email": "sam@x.test", "access_level": "employee"}\n'
        '{"name": "Tom", "email": "tom@x.test", "access_level": "king"}\n'
    )
    result = run_cli(database_url, "import", "people", str(bad), "--tenant", org.tenant_id)
    assert result.returncode == 1 and "row 2: access_level" in result.stderr
    assert (await api.get(PEOPLE, params={"q": "sam@"}, headers=org.headers("exec"))).json()["data"] == []

    assert run_cli(database_url, "import", "people", str(good), "--tenant", "no-such-tenant").returncode == 2
    assert (
        run_cli(
            database_url, "import", "people", str(tmp_path / "missing.csv"), "--tenant", org.tenant_id
        ).returncode
        == 2
    )
