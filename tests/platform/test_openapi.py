"""The platform operations in /openapi.json: stable operation ids, typed request and response bodies,
and every status they answer documented (SDKs, the explorer and schemathesis read them)."""

from __future__ import annotations

import pytest

OPERATIONS = {
    "applications-list": ("get", "/api/v1/platform/applications"),
    "applications-create": ("post", "/api/v1/platform/applications"),
    "applications-get": ("get", "/api/v1/platform/applications/{id}"),
    "applications-update": ("patch", "/api/v1/platform/applications/{id}"),
    "applications-delete": ("delete", "/api/v1/platform/applications/{id}"),
    "keys-create": ("post", "/api/v1/platform/applications/{id}/keys"),
    "keys-list": ("get", "/api/v1/platform/applications/{id}/keys"),
    "keys-revoke": ("delete", "/api/v1/platform/applications/{id}/keys/{key_id}"),
    "auth-token": ("post", "/api/v1/auth/token"),
    "settings-get": ("get", "/api/v1/platform/settings"),
    "settings-update": ("put", "/api/v1/platform/settings"),
}


@pytest.fixture(scope="module")
async def schema(api):  # type: ignore[no-untyped-def]
    response = await api.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict, ref: dict) -> dict:
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]  # type: ignore[no-any-return]


@pytest.mark.parametrize("operation_id", OPERATIONS)
async def test_operation_id_is_stable(schema, operation_id) -> None:  # type: ignore[no-untyped-def]
    method, path = OPERATIONS[operation_id]
    operation = schema["paths"][path][method]
    assert operation["operationId"] == operation_id
    responses = operation["responses"]
    assert {"400", "401", "503"} <= set(responses)
    for status, response in responses.items():
        if status.startswith(("4", "5")):
            assert "application/problem+json" in response["content"], (operation_id, status)


def test_request_bodies_forbid_unknown_fields(schema) -> None:  # type: ignore[no-untyped-def]
    for name in ("ApplicationCreate", "ApplicationUpdate", "TokenRequest", "TenantSettings"):
        assert schema["components"]["schemas"][name]["additionalProperties"] is False, name


def test_permissions_are_an_enum_of_action_and_area(schema) -> None:  # type: ignore[no-untyped-def]
    items = schema["components"]["schemas"]["ApplicationCreate"]["properties"]["permissions"]["items"]
    assert len(items["enum"]) == 15 and "manage:platform" in items["enum"] and "view:okr" in items["enum"]


def test_responses_are_typed(schema) -> None:  # type: ignore[no-untyped-def]
    def success(operation_id: str, status: str) -> dict:
        method, path = OPERATIONS[operation_id]
        return schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]

    assert set(_resolve(schema, success("keys-create", "201"))["properties"]) == {
        "id",
        "app_id",
        "key",
        "hint",
        "created_at",
    }
    assert "key" not in _resolve(schema, {"$ref": "#/components/schemas/ApiKey"})["properties"]
    assert set(_resolve(schema, success("auth-token", "200"))["required"]) == {
        "access_token",
        "token_type",
        "expires_in",
    }
    settings = _resolve(schema, success("settings-get", "200"))["properties"]["feedback_min_responses"]
    assert settings["type"] == "integer" and settings["minimum"] == 1
    assert success("applications-create", "201")["$ref"].endswith("/Application")
    token = schema["paths"]["/api/v1/auth/token"]["post"]
    assert token.get("requestBody", {}).get("required") is not True  # the key may come in the header
    # ... or in the body, with no Authorization header at all: anonymous is one of the alternatives.
    assert token["security"] == [{"ApiKey": []}, {}]
