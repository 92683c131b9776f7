"""The attacks on 360 anonymity an adversarial review ran against the live server, each replayed and
now failing (CONTRACT §3.4a): padding with one's own answers, asking one person at a time, polling
the summary after each submission, lowering the minimum mid-cycle, and linking a response to its
request through the database (`xmin`, commit order, physical order)."""

from __future__ import annotations

import uuid

from stride_server.core.ids import new_id
from tests.factories import in_tenant
from tests.reviews.support import BASE, make_cycle, set_cycle_status

SETTINGS = "/api/v1/platform/settings"


async def _ask(api, org, cycle, subject, reviewer, by="exec", **extra):  # type: ignore[no-untyped-def]
    body = {
        "cycle_id": cycle["id"],
        "subject_id": org.people[subject],
        "reviewer_id": org.people[reviewer],
        **extra,
    }
    response = await api.post(f"{BASE}/feedback/requests", json=body, headers=org.headers(by))
    assert response.status_code == 201, response.text
    return response.json()


async def _answer(api, org, cycle, subject, reviewer, comment, by="exec"):  # type: ignore[no-untyped-def]
    request = await _ask(api, org, cycle, subject, reviewer, by=by)
    response = await api.post(
        f"{BASE}/feedback/submit",
        json={"request_id": request["id"], "overall_comment": comment, "performance_rating": "developing"},
        headers=org.headers(reviewer),
    )
    assert response.status_code == 201, response.text
    return request


async def _summary(api, org, subject, caller, cycle=None):  # type: ignore[no-untyped-def]
    params = {"cycle_id": cycle["id"]} if cycle else {}
    response = await api.get(
        f"{BASE}/feedback/summary/{org.people[subject]}", params=params, headers=org.headers(caller)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _minimum(api, org, value, upward=3):  # type: ignore[no-untyped-def]
    response = await api.put(
        SETTINGS,
        json={"feedback_min_responses": value, "upward_min_responses": upward},
        headers=org.headers("exec"),
    )
    assert response.status_code == 200, response.text


async def _people(owner_db, org, names, manager):  # type: ignore[no-untyped-def]
    statements = []
    for name in names:
        org.people[name] = new_id("usr")
        statements.append(
            (
                "INSERT INTO people (tenant_id, id, name, email, access_level, manager_id) "
                "VALUES ($1,$2,$3,$4,'employee',$5)",
                (
                    org.tenant_id,
                    org.people[name],
                    name.title(),
                    f"{name}@{org.tenant_id}.test",
                    org.people[manager],
                ),
            )
        )
    await in_tenant(owner_db, org.tenant_id, statements)


async def test_padding_with_ones_own_answers_shows_nothing(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    """The attack: with a minimum of 3, a head asked herself about a person in two throwaway cycles, read
    the cross-cycle summary once one genuine answer arrived, and subtracted her own two. §3.4a.2: "the
    caller's own answers do not count toward the minimum"."""
    await _minimum(api, org, 3)
    await _people(owner_db, org, ["p1", "p2"], "lead")
    throwaway = [await make_cycle(api, org, name=f"Throwaway {n}") for n in (1, 2)]
    genuine = await make_cycle(api, org, name="Q1")
    for cycle in throwaway:
        await _answer(api, org, cycle, "alice", "head", "padding", by="head")
    await _answer(api, org, genuine, "alice", "bob", "the genuine answer", by="head")
    for cycle in (*throwaway, genuine):
        await set_cycle_status(api, org, cycle, "closed")
    summary = await _summary(api, org, "alice", "head")
    assert summary["sufficient"] is False and "overall_comments" not in summary
    assert "the genuine answer" not in str(summary)

    # Padding inside one cycle: her answer plus two genuine ones make 3, but only 2 are not hers.
    q2 = await make_cycle(api, org, name="Q2")
    await _answer(api, org, q2, "alice", "head", "padding again", by="head")
    for name in ("p1", "p2"):
        await _answer(api, org, q2, "alice", name, f"from {name}", by="head")
    await set_cycle_status(api, org, q2, "closed")
    assert (await _summary(api, org, "alice", "head", q2))["sufficient"] is False
    assert (await _summary(api, org, "alice", "head"))["sufficient"] is False
    # The executive, who wrote none of them, sees those three; never the lone genuine answer of Q1.
    seen = await _summary(api, org, "alice", "exec")
    assert seen["sufficient"] is True and seen["response_count"] == 3
    assert sorted(seen["overall_comments"]) == ["from p1", "from p2", "padding again"]


async def test_asking_one_direct_report_is_upward_and_stays_below_the_upward_minimum(api, org) -> None:  # type: ignore[no-untyped-def]
    """The attack: a manager asked one direct report about himself and read that answer alone in his own
    summary. §3.4a.4: a reviewer who is a direct report of the subject makes the request upward, "whatever
    the request says", and upward answers need `upward_min_responses` (3)."""
    cycle = await make_cycle(api, org)
    request = await _ask(api, org, cycle, "manager", "lead", by="manager", direction="peer")
    assert request["direction"] == "upward"
    await api.post(
        f"{BASE}/feedback/submit",
        json={"request_id": request["id"], "overall_comment": "candid"},
        headers=org.headers("lead"),
    )
    await set_cycle_status(api, org, cycle, "closed")
    for caller in ("manager", "head", "exec"):
        summary = await _summary(api, org, "manager", caller)
        assert summary["sufficient"] is False and "candid" not in str(summary)
        assert summary["by_direction"]["upward"] == {
            "sufficient": False,
            "response_count": 1,
            "minimum_required": 3,
        }
    # And the manager's own manager asking is downward.
    assert (
        await _ask(
            api, org, cycle := await make_cycle(api, org, name="Q2"), "manager", "head", direction="upward"
        )
    )["direction"] == "downward"


async def test_polling_after_each_submission_sees_nothing_until_the_close(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    """The attack: an executive read the summary after each submission and rebuilt every answer whole.
    §3.4a.1: responses count only once released, when the cycle closes; after a reopen, newcomers are
    released only when at least k of them arrived."""
    await _minimum(api, org, 2)
    await _people(owner_db, org, ["p1", "p2", "p3", "p4", "p5"], "lead")
    cycle = await make_cycle(api, org)
    for name in ("p1", "p2", "p3"):
        await _answer(api, org, cycle, "alice", name, f"from {name}")
        polled = await _summary(api, org, "alice", "exec")
        assert polled == {**polled, "sufficient": False, "response_count": 0}
    await set_cycle_status(api, org, cycle, "closed")
    released = await _summary(api, org, "alice", "exec")
    assert released["response_count"] == 3

    await set_cycle_status(api, org, cycle, "open")
    await _answer(api, org, cycle, "alice", "p4", "late and alone")
    await set_cycle_status(api, org, cycle, "closed")
    held = await _summary(api, org, "alice", "exec")
    assert held["response_count"] == 3 and "late and alone" not in str(held)  # 1 < k: held back

    await set_cycle_status(api, org, cycle, "open")
    await _answer(api, org, cycle, "alice", "p5", "another")
    await set_cycle_status(api, org, cycle, "closed")
    both = await _summary(api, org, "alice", "exec")
    assert both["response_count"] == 5
    assert sorted(both["overall_comments"]) == ["another", "from p1", "from p2", "from p3", "late and alone"]


async def test_lowering_the_minimum_mid_cycle_changes_nothing_for_that_cycle(api, org) -> None:  # type: ignore[no-untyped-def]
    """The attack: lowering `feedback_min_responses` to 1 mid-cycle. §3.4a.3: the minimum in force for a
    cycle is fixed when the cycle opens."""
    await _minimum(api, org, 3)
    cycle = await make_cycle(api, org)
    await _answer(api, org, cycle, "alice", "bob", "only one")
    await _minimum(api, org, 1)
    await set_cycle_status(api, org, cycle, "closed")
    summary = await _summary(api, org, "alice", "exec", cycle)
    assert {k: summary[k] for k in ("sufficient", "response_count", "minimum_required")} == {
        "sufficient": False,
        "response_count": 1,
        "minimum_required": 3,
    }
    assert (await _summary(api, org, "alice", "exec"))["sufficient"] is False
    # A reopen does not pick up the new setting either; a cycle opened afterwards does.
    await set_cycle_status(api, org, cycle, "open")
    await set_cycle_status(api, org, cycle, "closed")
    assert (await _summary(api, org, "alice", "exec", cycle))["minimum_required"] == 3
    later = await make_cycle(api, org, name="Q2")
    await _answer(api, org, later, "alice", "carol", "under the new minimum")
    await set_cycle_status(api, org, later, "closed")
    assert (await _summary(api, org, "alice", "exec", later))["sufficient"] is True


async def test_nothing_in_the_database_links_a_response_to_its_request(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    """The finding: the response insert and the request's status update shared one transaction, so a join
    on `xmin` named the author of 3 of 3 responses. §3.4a.5: "the response is written apart from the
    request's status change — in a later transaction, in batches, in random order"."""
    await _people(owner_db, org, ["p1", "p2", "p3", "p4", "p5"], "lead")
    cycle = await make_cycle(api, org)
    requests = [
        await _answer(api, org, cycle, "alice", name, f"from {name}")
        for name in ("p1", "p2", "p3", "p4", "p5")
    ]
    pending = (await api.get(f"{BASE}/feedback/requests", headers=org.headers("p1"))).json()
    assert pending == []  # "the request is `submitted` at once"

    async def rows(sql: str) -> list:  # type: ignore[type-arg]
        async with owner_db.acquire() as conn, conn.transaction():
            await conn.execute("SELECT set_config('stride.tenant_id', $1, true)", org.tenant_id)
            return list(await conn.fetch(sql, org.tenant_id))

    # Before the close: the answers wait in the inbox, with no reviewer, request or time; nothing is a
    # response yet.
    assert await rows("SELECT id FROM feedback_responses WHERE tenant_id = $1") == []
    inbox = await rows("SELECT * FROM feedback_inbox WHERE tenant_id = $1")
    assert len(inbox) == 5 and not {
        c for c in inbox[0].keys() if "review" in c or "request" in c or c.endswith("_at")
    }

    # The transactions that marked each request submitted, one per submission.
    submitted = {
        r["xmin"] for r in await rows("SELECT xmin::text AS xmin FROM feedback_requests WHERE tenant_id = $1")
    }
    assert len(submitted) == 5

    await set_cycle_status(api, org, cycle, "closed")
    assert await rows("SELECT id FROM feedback_inbox WHERE tenant_id = $1") == []
    responses = await rows(
        "SELECT id, xmin::text AS xmin, ctid::text AS ctid, overall_comment "
        "FROM feedback_responses WHERE tenant_id = $1"
    )
    released = {
        r["xmin"] for r in await rows("SELECT xmin::text AS xmin FROM feedback_requests WHERE tenant_id = $1")
    }
    assert len(responses) == 5
    # One transaction wrote them all (the close), none of those that submitted; the close also stamped
    # every request with the released set, so requests and responses now share that one xmin alike.
    xmins = {r["xmin"] for r in responses}
    assert len(xmins) == 1 and not xmins & submitted and released == xmins
    # Physical order is the order of fresh random ids, unrelated to the order of submission.
    ctid = sorted(responses, key=lambda r: tuple(int(n) for n in r["ctid"].strip("()").split(",")))
    assert [r["id"] for r in ctid] == sorted(r["id"] for r in responses)
    assert all(uuid.UUID(r["id"]).version == 4 for r in responses)
    assert not {r["id"] for r in responses} & {r["id"] for r in inbox}
    assert not {q["id"] for q in requests} & {r["id"] for r in responses}
