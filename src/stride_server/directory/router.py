"""HTTP routes of the directory: people, groups, memberships, import (§4)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.routing import APIRoute

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.problems import BadRequest
from stride_server.core.responses import json_response, problem_responses
from stride_server.core.writes import created_response, record_response
from stride_server.directory import service
from stride_server.directory.schemas import (
    CURSOR,
    GROUP_ID,
    NO_NUL,
    PERSON_ID,
    AccessLevel,
    Group,
    GroupCreate,
    GroupKind,
    GroupPage,
    GroupUpdate,
    ImportResult,
    Member,
    MemberAdd,
    MemberPage,
    MemberRole,
    Person,
    PersonCreate,
    PersonPage,
    PersonStatus,
    PersonUpdate,
)

PEOPLE, GROUPS = "/api/v1/directory/people", "/api/v1/directory/groups"
TAGS: list[str | Any] = ["directory"]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return problem_responses(*sorted({400, 401, 403, 404, *codes}))


def _plain_query(request: Request) -> None:
    """PostgreSQL text cannot hold U+0000: refuse it in the query string up front (400, not 500)."""
    if any("\x00" in key or "\x00" in value for key, value in request.query_params.multi_items()):
        raise BadRequest("Query parameters must not contain NUL characters.")


router = APIRouter(route_class=StrideRoute, tags=TAGS, dependencies=[Depends(_plain_query)])

Limit = Query(50, ge=1, le=200, description="Page size, 1–200.")
Cursor = Query(None, max_length=1000, pattern=CURSOR, description="next_cursor of the previous page.")


# ------------------------------------------------------------------------------------------ people
@router.get(
    PEOPLE, operation_id="people-list", summary="List people", response_model=PersonPage, responses=_errors()
)
async def list_people(
    request: Request,
    limit: int = Limit,
    cursor: str | None = Cursor,
    access_level: AccessLevel | None = None,
    manager_id: str | None = Query(None, pattern=PERSON_ID, description="Direct reports of this person."),
    status: PersonStatus | None = None,
    email: str | None = Query(
        None, max_length=320, pattern=NO_NUL, description="Exact email, case-insensitive."
    ),
    q: str | None = Query(
        None, max_length=200, pattern=NO_NUL, description="Case-insensitive search in name and email."
    ),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """The tenant's people, filtered, in pages (`next_cursor`). Needs `view:directory`."""
    filters = {
        "access_level": access_level,
        "manager_id": manager_id,
        "status": status,
        "email": email,
        "q": q.strip() if q else None,
    }
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_people(ctx, filters, cursor, limit))


@router.post(
    PEOPLE,
    operation_id="people-create",
    summary="Create a person",
    status_code=201,
    response_model=Person,
    responses=_errors(409, 413, 415, 422),
)
async def create_person(
    request: Request, body: PersonCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """A person of the directory. The email is unique within the tenant, case-insensitively
    (409 otherwise); the manager must be an active person. Needs `manage:directory`, and the caller
    cannot create a person above its own access level."""
    async with open_context(request, claims) as ctx:
        record = await service.create_person(ctx, body)
    return created_response(PEOPLE, record)


@router.get(
    PEOPLE + "/{id}",
    operation_id="people-get",
    summary="Get a person",
    response_model=Person,
    responses=_errors(),
)
async def get_person(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """One person, with `ETag: "<version>"`. Needs `view:directory`."""
    async with open_context(request, claims) as ctx:
        record = await service.get_person(ctx, id)
    return record_response(record)


@router.patch(
    PEOPLE + "/{id}",
    operation_id="people-update",
    summary="Update a person (partial)",
    description="Only the keys sent change. `status: inactive` deactivates the person and keeps "
    "all their history.",
    response_model=Person,
    responses=_errors(409, 412, 413, 415, 422),
)
async def update_person(
    request: Request,
    id: str,
    body: PersonUpdate,
    if_match: str | None = Header(None),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    async with open_context(request, claims) as ctx:
        record = await service.update_person(ctx, id, body, if_match=if_match)
    return record_response(record)


# ------------------------------------------------------------------------------------------ groups
@router.get(
    GROUPS, operation_id="groups-list", summary="List groups", response_model=GroupPage, responses=_errors()
)
async def list_groups(
    request: Request,
    limit: int = Limit,
    cursor: str | None = Cursor,
    kind: GroupKind | None = None,
    parent_id: str | None = Query(None, pattern=GROUP_ID, description="Child groups of this group."),
    q: str | None = Query(
        None, max_length=200, pattern=NO_NUL, description="Case-insensitive search in the name."
    ),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """The tenant's groups (squads, departments, teams, cohorts), filtered, in pages
    (`next_cursor`). Needs `view:directory`."""
    filters = {"kind": kind, "parent_id": parent_id, "q": q.strip() if q else None}
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_groups(ctx, filters, cursor, limit))


@router.post(
    GROUPS,
    operation_id="groups-create",
    summary="Create a group",
    status_code=201,
    response_model=Group,
    responses=_errors(409, 413, 415, 422),
)
async def create_group(
    request: Request, body: GroupCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """A group; `parent_id` places it in a group tree. Needs `manage:directory`."""
    async with open_context(request, claims) as ctx:
        record = await service.create_group(ctx, body)
    return created_response(GROUPS, record)


@router.get(
    GROUPS + "/{id}",
    operation_id="groups-get",
    summary="Get a group",
    response_model=Group,
    responses=_errors(),
)
async def get_group(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """One group, with `ETag: "<version>"`. Needs `view:directory`."""
    async with open_context(request, claims) as ctx:
        record = await service.get_group(ctx, id)
    return record_response(record)


@router.patch(
    GROUPS + "/{id}",
    operation_id="groups-update",
    summary="Update a group (partial)",
    response_model=Group,
    responses=_errors(409, 412, 413, 415, 422),
)
async def update_group(
    request: Request,
    id: str,
    body: GroupUpdate,
    if_match: str | None = Header(None),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """Partial: only the keys sent change. Conditional with `If-Match` (412) or `version` in
    the body (409 with `current`). Needs `manage:directory`."""
    async with open_context(request, claims) as ctx:
        record = await service.update_group(ctx, id, body, if_match=if_match)
    return record_response(record)


@router.delete(
    GROUPS + "/{id}",
    operation_id="groups-delete",
    summary="Delete a group (soft)",
    status_code=204,
    description="A group with live child groups cannot be deleted (409).",
    response_class=Response,
    responses=_errors(409, 412),
)
async def delete_group(
    request: Request, id: str, if_match: str | None = Header(None), claims: Claims = Depends(bearer_claims)
) -> Response:
    async with open_context(request, claims) as ctx:
        await service.delete_group(ctx, id, if_match=if_match)
    return Response(status_code=204)


# ------------------------------------------------------------------------------------- memberships
@router.get(
    GROUPS + "/{id}/members",
    operation_id="group-members-list",
    summary="List a group's members",
    response_model=MemberPage,
    responses=_errors(),
)
async def list_members(
    request: Request,
    id: str,
    limit: int = Limit,
    cursor: str | None = Cursor,
    role: MemberRole | None = None,
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """A group's members and their roles (a squad's `lead` members are its leads, a
    department's `head` members its heads), in pages. Needs `view:directory`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_members(ctx, id, role, cursor, limit))


@router.post(
    GROUPS + "/{id}/members",
    operation_id="group-members-add",
    status_code=201,
    summary="Add a member, or change a member's role",
    description="201 when the person joins the group, 200 when they were a member and their role is set.",
    response_model=Member,
    responses={200: {"description": "Role updated", "model": Member}, **_errors(413, 415, 422)},
)
async def add_member(
    request: Request, id: str, body: MemberAdd, claims: Claims = Depends(bearer_claims)
) -> Response:
    async with open_context(request, claims) as ctx:
        member, created = await service.add_member(ctx, id, body.person_id, body.role)
    return json_response(member, 201 if created else 200)


@router.delete(
    GROUPS + "/{id}/members/{person_id}",
    operation_id="group-members-remove",
    status_code=204,
    summary="Remove a member",
    response_class=Response,
    responses=_errors(),
)
async def remove_member(
    request: Request, id: str, person_id: str, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Remove a person from a group. Needs `manage:directory`."""
    async with open_context(request, claims) as ctx:
        await service.remove_member(ctx, id, person_id)
    return Response(status_code=204)


# ------------------------------------------------------------------------------------------ import
class RawBodyRoute(APIRoute):
    """The import takes CSV or JSON lines, so its body bypasses StrideRoute's JSON parsing; unknown
    query parameters are still a 400."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        known = {p.alias for p in self.dependant.query_params}

        async def route_handler(request: Request) -> Response:
            unknown = [k for k in request.query_params if k not in known]
            if unknown:
                raise BadRequest(f"Unknown query parameter {unknown[0]!r}.")
            return await handler(request)

        return route_handler


_IMPORT_BODY = {
    "required": True,
    "description": "A CSV file with a header row, or JSON lines (one object per "
    "line). Columns: id (optional), name, email, access_level, manager_email, squad, department, "
    "job_title, status, external_id.",
    "content": {media: {"schema": {"type": "string"}} for media in ("text/csv", "application/x-ndjson")},
}


async def import_directory(
    request: Request,
    dry_run: bool = Query(False, description="Validate only; write nothing."),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    data = await request.body()
    async with open_context(request, claims) as ctx:
        result = await service.import_directory(
            ctx, data, request.headers.get("content-type"), dry_run=dry_run
        )
    return json_response(result)


router.add_api_route(
    "/api/v1/directory/import",
    import_directory,
    methods=["POST"],
    operation_id="directory-import",
    summary="Import people (CSV or JSON lines)",
    route_class_override=RawBodyRoute,
    response_model=ImportResult,
    description="Creates or updates people by email, with their managers, squads and departments, in one "
    "transaction. Any bad row rejects the whole file: 422 with `errors[]` naming each row (`row`, `field`, "
    "`message`).",
    openapi_extra={"requestBody": _IMPORT_BODY},
    responses=_errors(409, 413, 415, 422),
)
