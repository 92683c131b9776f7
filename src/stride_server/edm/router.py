"""HTTP routes of the Data API, generated from the registry: list, get, create, update and delete
for each entity where its seed offers them (anything else answers 405)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute, validated_body
from stride_server.core.context import bearer_claims
from stride_server.core.responses import json_response, problem_responses
from stride_server.core.writes import created_response, record_response
from stride_server.db.reads import FastRoute, open_read_context, open_write_context
from stride_server.db.rows import retrying_conflicts
from stride_server.edm import service
from stride_server.edm.query import DEFAULT_LIMIT, MAX_FILTERS, MAX_LIMIT, MAX_SEARCH_LENGTH, parse_list_query
from stride_server.edm.registry import ENTITIES, Entity, Field, Operation
from stride_server.edm.schemas import INT_MAX, MODELS


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return problem_responses(401, 403, 404, *codes)


def _param_schema(f: Field) -> dict[str, Any]:
    if f.enum:
        return {"type": "string", "enum": list(f.enum)}
    schemas: dict[str, dict[str, Any]] = {
        "number": {"type": "number"},
        "pct": {"type": "number"},
        "integer": {"type": "integer", "minimum": -INT_MAX - 1, "maximum": INT_MAX},
        "boolean": {"type": "boolean"},
        "datetime": {"type": "string", "format": "date-time"},
    }
    return schemas.get(f.kind, {"type": "string"})


def _sort_schema(entity: Entity) -> dict[str, Any]:
    names = [f.name for f in entity.fields if f.is_scalar]
    return {
        "type": "array",
        "minItems": 1,
        "items": {"type": "string", "enum": [*names, *(f"-{n}" for n in names)]},
    }


# CONTRACT §2.5: a rule across parameters, which no one parameter's schema can state.
LIST_DESCRIPTION = (
    f"The records visible to the caller, filtered, searched, sorted and paginated. At most "
    f"{MAX_FILTERS} filter parameters (`field=…` or `field[op]=…`; a repeated one counts each "
    f"time) and a `q` of at most {MAX_SEARCH_LENGTH} characters per request, else 400."
)


def _sentence(label: str, fields: list[Field]) -> str:
    return f" {label}: {', '.join(f'`{f.name}`' for f in fields)}." if fields else ""


def _descriptions(entity: Entity) -> dict[str, str]:
    """Each operation's description, read from the entity's declaration (CONTRACT §2.1–§2.3)."""
    what = f"{entity.name}: {entity.description}"
    area = entity.area
    # The rule of edm.service.create_record: person_id / owner_id default to a person caller.
    defaulted = [
        f for f in entity.writable_fields if f.ref == "person" and f.name in ("person_id", "owner_id")
    ]
    create = (
        _sentence("Required", [f for f in entity.writable_fields if f.required and f not in defaulted])
        + _sentence(
            "Defaulting to the calling person (required from an application)",
            [f for f in defaulted if f.required],
        )
        + _sentence("Defaulting to the calling person", [f for f in defaulted if not f.required])
        + _sentence("Computed by the server (read-only)", [f for f in entity.fields if f.computed])
    )
    write = f"Needs `update:{area}`" + (
        f" (or only `view:{area}` for the caller's own record)." if entity.personal else "."
    )
    return {
        "list": f"{what} {LIST_DESCRIPTION} Needs `view:{area}`.",
        "get": f'{what} Answers the record with `ETag: "<version>"`. A missing, deleted or invisible id is '
        f"404; `include_deleted=true` shows a deleted one (needs `manage:{area}`). Needs `view:{area}`.",
        "create": f"{what}{create} Read-only fields may be sent and are ignored; an unknown field is 422. "
        f"Answers 201 with `Location` and `ETag`. {write}",
        "update": f"{what} Partial: only the keys sent change, `null` clears a nullable field. Conditional "
        'with `If-Match: "<version>"` (a mismatch is 412) or `version` in the body (a mismatch '
        f"is 409 with the current record in `current`). {write}",
        "delete": f"{what} Soft delete: sets `is_deleted`, `deleted_at` and `deleted_by`, and hides the "
        "record from lists and gets. Conditional with `If-Match` (a mismatch is 412). Needs "
        f"`update:{area}`, and `manage:{area}` for a record the caller does not own.",
    }


def _list_parameters(entity: Entity) -> list[dict[str, Any]]:
    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    flag = {"type": "boolean"}
    parameters = [
        query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            "Page size.",
        ),
        query("cursor", {"type": "string"}, "next_cursor of the previous page."),
        {
            **query(
                "sort",
                _sort_schema(entity),
                "Comma-separated field names, '-' for descending "
                "(default -created_at); a repeated field keeps its first direction.",
            ),
            "style": "form",
            "explode": False,
        },
        query(
            "q",
            {"type": "string", "maxLength": MAX_SEARCH_LENGTH},
            "Case-insensitive search over the text fields, ranked by relevance.",
        ),
        query("mine", flag, "Only records the caller owns."),
        query("include_deleted", flag, "Include soft-deleted records (needs manage permission)."),
        query("count", flag, "Add the total number of matching records."),
    ]
    for f in entity.fields:
        if f.filterable and f.is_scalar:
            parameters.append(
                query(
                    f.name,
                    _param_schema(f),
                    f"Equality filter (a,b = any of); also {f.name}[op] with op in "
                    "ne gt gte lt lte in is_null.",
                )
            )
        elif f.filterable:  # an array of strings
            parameters.append(
                query(
                    f.name,
                    {"type": "string"},
                    f"Records whose {f.name} holds any of the given strings (a,b = any of); "
                    f"also {f.name}[op] with op in contains is_null.",
                )
            )
    return parameters


Endpoints = tuple[Callable[..., Awaitable[Response]], FastRoute]  # the declared endpoint, its fast path


def _list_endpoints(entity: Entity) -> Endpoints:
    async def list_records(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
        query = parse_list_query(entity, request.query_params.multi_items())
        async with open_read_context(request, claims) as ctx:
            return json_response(await service.list_records(ctx, entity, query))

    async def list_fast(request: Request, claims: Claims) -> Response:
        query = parse_list_query(entity, request.query_params.multi_items())
        own = await service.list_own_records(request, entity, claims, query)
        if own is not None:
            return json_response(own)
        async with open_read_context(request, claims) as ctx:
            return json_response(await service.list_records(ctx, entity, query))

    return list_records, list_fast


def _get_endpoints(entity: Entity) -> Endpoints:
    async def get_record(
        request: Request, id: str, include_deleted: bool = False, claims: Claims = Depends(bearer_claims)
    ) -> Response:
        async with open_read_context(request, claims) as ctx:
            record = await service.get_record(ctx, entity, id, include_deleted=include_deleted)
        return record_response(record)

    async def get_fast(request: Request, claims: Claims) -> Response | None:
        if request.scope.get("query_string"):
            return None  # include_deleted and its validation: the declared endpoint
        id = request.path_params["id"]
        return record_response(await service.get_record_for_person(request, entity, claims, id))

    return get_record, get_fast


def _create_endpoints(entity: Entity) -> Endpoints:
    create_model: type[BaseModel] = MODELS[entity.name].create

    async def create(request: Request, claims: Claims, body: BaseModel) -> Response:
        async def attempt() -> Response:
            async with open_write_context(
                request, claims, on_templates=service.on_templates(entity, body)
            ) as ctx:
                record = await service.create_record(ctx, entity, body)
            return created_response(entity.path, record)

        return await retrying_conflicts(attempt)

    async def create_record(
        request: Request,
        body: create_model,  # type: ignore[valid-type]
        claims: Claims = Depends(bearer_claims),
    ) -> Response:
        return await create(request, claims, body)

    async def create_fast(request: Request, claims: Claims) -> Response | None:
        body = validated_body(request, create_model)
        if body is None:
            return None
        record = await service.create_at_once(request, entity, claims, body)
        if record is None:
            return await create(request, claims, body)
        return created_response(entity.path, record)

    return create_record, create_fast


def _update_endpoints(entity: Entity) -> Endpoints:
    update_model: type[BaseModel] = MODELS[entity.name].update

    async def update(
        request: Request, claims: Claims, id: str, body: BaseModel, if_match: str | None
    ) -> Response:
        async def attempt() -> Response:
            async with open_write_context(
                request, claims, on_templates=service.on_templates(entity, body)
            ) as ctx:
                record = await service.update_record(ctx, entity, id, body, if_match=if_match)
            return record_response(record)

        return await retrying_conflicts(attempt)

    async def update_record(
        request: Request,
        id: str,
        body: update_model,  # type: ignore[valid-type]
        if_match: str | None = Header(None),
        claims: Claims = Depends(bearer_claims),
    ) -> Response:
        return await update(request, claims, id, body, if_match)

    async def update_fast(request: Request, claims: Claims) -> Response | None:
        body = validated_body(request, update_model)
        if body is None:
            return None
        id, if_match = request.path_params["id"], request.headers.get("if-match")
        record = await service.update_at_once(request, entity, claims, id, body, if_match)
        if record is None:
            return await update(request, claims, id, body, if_match)
        return record_response(record)

    return update_record, update_fast


def _delete_endpoints(entity: Entity) -> Endpoints:
    async def delete(request: Request, claims: Claims, id: str, if_match: str | None) -> Response:
        async def attempt() -> Response:
            async with open_write_context(
                request, claims, on_templates=service.on_templates(entity, None)
            ) as ctx:
                await service.delete_record(ctx, entity, id, if_match=if_match)
            return Response(status_code=204)

        return await retrying_conflicts(attempt)

    async def delete_record(
        request: Request,
        id: str,
        if_match: str | None = Header(None),
        claims: Claims = Depends(bearer_claims),
    ) -> Response:
        return await delete(request, claims, id, if_match)

    async def delete_fast(request: Request, claims: Claims) -> Response:
        return await delete(request, claims, request.path_params["id"], request.headers.get("if-match"))

    return delete_record, delete_fast


@dataclass(frozen=True)
class _Operation:
    method: str
    on_record: bool  # the path ends in `/{id}`
    summary: str  # `{}` stands for the entity's name
    codes: tuple[int, ...]  # the problems it answers besides 401, 403 and 404
    endpoints: Callable[[Entity], Endpoints]
    status_code: int | None = None


# In the order the routes are declared (and listed in the OpenAPI document).
_OPERATIONS: dict[Operation, _Operation] = {
    "list": _Operation("GET", False, "List {} records", (400,), _list_endpoints),
    "get": _Operation("GET", True, "Get a {}", (400,), _get_endpoints),
    "create": _Operation("POST", False, "Create a {}", (409, 413, 415, 422), _create_endpoints, 201),
    "update": _Operation(
        "PATCH", True, "Update a {} (partial)", (409, 412, 413, 415, 422), _update_endpoints
    ),
    "delete": _Operation("DELETE", True, "Delete a {} (soft)", (412,), _delete_endpoints, 204),
}


def _add_routes(router: APIRouter, entity: Entity) -> None:
    """Each operation the entity offers: its declared endpoint (validation, OpenAPI) and its fast path."""
    models = MODELS[entity.name]
    response_models: dict[str, type[BaseModel] | None] = {"list": models.page, "delete": None}
    descriptions = _descriptions(entity)
    for name, operation in _OPERATIONS.items():
        if name not in entity.operations:
            continue  # not offered: answers 405
        endpoint, fast = operation.endpoints(entity)
        router.add_api_route(
            f"{entity.path}/{{id}}" if operation.on_record else entity.path,
            endpoint,
            methods=[operation.method],
            operation_id=f"{entity.slug}-{name}",
            tags=[entity.domain],
            summary=operation.summary.format(entity.name),
            description=descriptions[name],
            status_code=operation.status_code,
            response_model=response_models.get(name, models.record),
            responses=_errors(*operation.codes),
            openapi_extra={"parameters": _list_parameters(entity)} if name == "list" else None,
        )
        _route(router).fast = fast


def _route(router: APIRouter) -> StrideRoute:
    route = router.routes[-1]
    assert isinstance(route, StrideRoute)
    return route


def build_router() -> APIRouter:
    router = APIRouter(route_class=StrideRoute)
    for entity in ENTITIES:
        _add_routes(router, entity)
    return router
