"""An application's token never carries more than the application holds now."""

from __future__ import annotations

from tests.factories import create_application, in_tenant


async def test_narrowing_an_application_takes_effect_on_existing_tokens(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    app_id = await create_application(owner_db, org, ["update:okr"])
    headers = org.app_headers(app_id, ["update:okr"])
    body = {"title": "O", "period": "2026-Q1"}
    assert (await api.post("/api/v1/okr/objectives", json=body, headers=headers)).status_code == 201
    await in_tenant(
        owner_db,
        org.tenant_id,
        [
            (
                "UPDATE applications SET permissions = '[\"view:okr\"]'::jsonb "
                "WHERE tenant_id = $1 AND id = $2",
                (org.tenant_id, app_id),
            )
        ],
    )
    assert (await api.post("/api/v1/okr/objectives", json=body, headers=headers)).status_code == 403
    assert (await api.get("/api/v1/okr/objectives", headers=headers)).status_code == 200
