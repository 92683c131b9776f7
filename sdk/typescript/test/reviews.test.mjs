// The Performance reviews API (seed 001) through client.reviews: templates, cycles, reviews,
// 360 feedback, pending actions, history and current goals.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BadRequestError, ConflictError, NotFoundError } from "../dist/index.js";
import { EMPLOYEE_ID, employeeClient, EXEC_ID, execClient, marker } from "./helpers.mjs";

const client = execClient();
const employee = employeeClient();

async function openCycle(name = marker("cycle")) {
  const cycle = await client.reviews.cycles.create({
    type: "quarterly", name, period_start: "2026-01-01", period_end: "2026-03-31", due_date: "2026-04-15",
  });
  assert.equal(cycle.status, "draft");
  const opened = await client.reviews.cycles.update(cycle.id, { status: "open" });
  assert.equal(opened.status, "open");
  return opened;
}

describe("client.reviews", () => {
  test("templates: create, get, list, update, delete", async () => {
    const template = await client.reviews.templates.create({
      name: marker("template"), access_level: "head", is_default: false,
      items: [
        { area: "performance", label: "Billable hours target", is_mandatory: true, sort_order: 0 },
        { area: "development", label: "Certification", is_mandatory: false, sort_order: 1 },
      ],
    });
    assert.match(template.id, /^tpl_/);
    assert.equal(template.items.length, 2);
    assert.equal((await client.reviews.templates.get(template.id)).name, template.name);
    assert.ok((await client.reviews.templates.list()).some((t) => t.id === template.id));
    const renamed = await client.reviews.templates.update(template.id, { name: template.name + " v2" });
    assert.equal(renamed.name, template.name + " v2");
    await client.reviews.templates.delete(template.id);
    await assert.rejects(client.reviews.templates.get(template.id), NotFoundError);
  });

  test("cycles: create, open, stats, delete only drafts", async () => {
    const cycle = await openCycle();
    assert.ok((await client.reviews.cycles.list()).some((c) => c.id === cycle.id));
    const detail = await client.reviews.cycles.get(cycle.id);
    assert.equal(detail.stats.total, 0);
    await assert.rejects(client.reviews.cycles.delete(cycle.id), BadRequestError);

    const draft = await client.reviews.cycles.create({
      type: "annual", name: marker("annual"), period_start: "2026-01-01", period_end: "2026-12-31",
    });
    await client.reviews.cycles.delete(draft.id);
    await assert.rejects(client.reviews.cycles.get(draft.id), NotFoundError);
  });

  test("a review from creation to completion, with history and current goals", async () => {
    const cycle = await openCycle();
    const created = await client.reviews.reviews.create({ cycle_id: cycle.id, user_id: EMPLOYEE_ID });
    const reviewId = created.review.id;
    assert.match(reviewId, /^rev_/);
    assert.equal(created.review.reviewer_id, EXEC_ID, "the reviewer defaults to the caller");
    assert.equal(created.review.status, "draft");
    await assert.rejects(client.reviews.reviews.create({ cycle_id: cycle.id, user_id: EMPLOYEE_ID }), ConflictError);

    const listed = await client.reviews.reviews.list({ cycle_id: cycle.id });
    assert.deepEqual(listed.map((r) => r.id), [reviewId]);
    assert.equal(listed[0].cycle_name, cycle.name);

    await client.reviews.reviews.update(reviewId, {
      status: "self_assessment", strengths: "Strong delivery",
      goals: [{ goal: "AI certification", success_measures: "Certificate obtained", support_needed: "Budget", sort_order: 0 }],
    });
    const pending = await employee.reviews.pending.get();
    assert.ok(pending.self_assessments >= 1);
    assert.ok(pending.open_cycles >= 1);

    for (const status of ["in_review", "ready_for_review", "completed"]) {
      await client.reviews.reviews.update(reviewId, { status });
    }
    const detail = await client.reviews.reviews.get(reviewId);
    assert.equal(detail.review.status, "completed");
    assert.equal(detail.review.strengths, "Strong delivery");
    assert.equal(detail.goals[0].goal, "AI certification");
    assert.ok(detail.review.completed_at);

    const history = await client.reviews.history.get(EMPLOYEE_ID);
    assert.ok(history.history.some((h) => h.review_id === reviewId));
    const current = await employee.reviews.goals.current();
    assert.equal(current.cycle_name, cycle.name);
    assert.deepEqual(current.goals.map((g) => g.goal), ["AI certification"]);

    const invalid = await client.reviews.reviews.update(reviewId, { status: "draft" }).catch((e) => e);
    assert.ok(invalid instanceof BadRequestError, String(invalid));
  });

  test("360 feedback: request, submit, anonymous summary", async () => {
    const cycle = await openCycle();
    const request = await client.reviews.feedback.requests.create({
      cycle_id: cycle.id, subject_id: EMPLOYEE_ID, reviewer_id: EXEC_ID, due_date: "2026-04-01",
    });
    assert.equal(request.status, "pending");
    const mine = await client.reviews.feedback.requests.list();
    assert.ok(mine.some((r) => r.id === request.id));

    const submitted = await client.reviews.feedback.submit({
      request_id: request.id, performance_rating: "exceeding", performance_comment: "Consistently exceeds targets",
      overall_comment: "Strong contributor",
    });
    assert.deepEqual(submitted, { request_id: request.id, status: "submitted" });
    await assert.rejects(client.reviews.feedback.submit({ request_id: request.id }), ConflictError);

    // Released at the close (§3.4a.1); the executive wrote the only answer, so to her it does not
    // count toward the minimum (§3.4a.2): its count shows, its content does not.
    const live = await client.reviews.feedback.summary(EMPLOYEE_ID, { cycle_id: cycle.id });
    assert.equal(live.response_count, 0);
    await client.reviews.cycles.update(cycle.id, { status: "closed" });
    const summary = await client.reviews.feedback.summary(EMPLOYEE_ID, { cycle_id: cycle.id });
    assert.equal(summary.sufficient, false);
    assert.equal(summary.response_count, 1);
    assert.equal(summary.minimum_required, 1);
    assert.equal(summary.by_direction.peer.response_count, 1);
    assert.ok(!("overall_comments" in summary));

    await client.reviews.cycles.update(cycle.id, { status: "open" }); // requests need an open cycle
    const bulk = await client.reviews.feedback.requests.bulk({ cycle_id: cycle.id, subject_id: EMPLOYEE_ID });
    assert.equal(typeof bulk.created, "number");
    assert.equal(typeof bulk.total_peers, "number");
  });
});
