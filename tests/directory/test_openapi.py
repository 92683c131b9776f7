"""The directory's OpenAPI: stable operation ids (SDKs and the explorer are generated from them),
typed responses and documented problems."""

from __future__ import annotations

OPERATIONS = {
    ("get", "/api/v1/directory/people"): ("people-list", "PersonPage"),
    ("post", "/api/v1/directory/people"): ("people-create", "Person"),
    ("get", "/api/v1/directory/people/{id}"): ("people-get", "Person"),
    ("patch", "/api/v1/directory/people/{id}"): ("people-update", "Person"),
    ("get", "/api/v1/directory/groups"): ("groups-list", "GroupPage"),
    ("post", "/api/v1/directory/groups"): ("groups-create", "Group"),
    ("get", "/api/v1/directory/groups/{id}"): ("groups-get", "Group"),
    ("patch", "/api/v1/directory/groups/{id}"): ("groups-update", "Group"),
    ("delete", "/api/v1/directory/groups/{id}"): ("groups-delete", None),
    ("get", "/api/v1/directory/groups/{id}/members"): ("group-members-list", "MemberPage"),
    ("post", "/api/v1/directory/groups/{id}/members"): ("group-members-add", "Member"),
    ("delete", "/api/v1/directory/groups/{id}/members/{person_id}"): ("group-members-remove", None),
    ("post", "/api/v1/directory/import"): ("directory-import", "ImportResult"),
}


async def test_operation_ids_and_response_models_are_stable(api) -> None:  # type: ignore[no-untyped-def]
    schema = (await api.get("/openapi.json")).json()
    found = {
        (method, path): operation
        for path, item in schema["paths"].items()
        if "/directory/" in path
        for method, operation in item.items()
    }
    assert set(found) == set(OPERATIONS)
    for key, (operation_id, model) in OPERATIONS.items():
        operation = found[key]
        assert operation["operationId"] == operation_id
        success = next(code for code in operation["responses"] if code.startswith("2"))
        if model:
            content = operation["responses"][success]["content"]["application/json"]["schema"]
            assert content == {"$ref": f"#/components/schemas/{model}"}
        for code in ("401", "403", "404"):
            problem = operation["responses"][code]["content"]["application/problem+json"]["schema"]
            assert problem == {"$ref": "#/components/schemas/Problem"}
    body = found[("post", "/api/v1/directory/import")]["requestBody"]["content"]
    assert {"text/csv", "application/x-ndjson"} <= set(body)
