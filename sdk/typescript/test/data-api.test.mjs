// The Data API through the SDK, shaped as the seeds show it: client.performance.goals,
// client.performance.learningRecords, client.okr.objectives/keyResults, client.learning.cohorts/assessments.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BadRequestError, ConflictError, NotFoundError, Page, PermissionDeniedError, PreconditionFailedError,
  StrideError, ValidationError,
} from "../dist/index.js";
import { collect, EMPLOYEE_ID, employeeClient, EXEC_ID, execClient, marker } from "./helpers.mjs";

const client = execClient();
const employee = employeeClient();

describe("performance.goals", () => {
  test("the seed's call shape lists goals: await client.performance.goals.list()", async () => {
    await client.performance.goals.create({ title: "Seed-shaped list" });
    const page = await client.performance.goals.list();
    assert.ok(page instanceof Page);
    assert.ok(Array.isArray(page.data) && page.data.length >= 1);
    assert.equal(typeof page.hasMore, "boolean");
    assert.ok(page.nextCursor === null || typeof page.nextCursor === "string");
  });

  test("create ignores the read-only envelope fields the seed's example sends", async () => {
    const goal = await client.performance.goals.create({
      id: "rec_01HXEXAMPLE",
      tenant_id: "example tenant_id",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      app_id: "example app_id",
      created_by: "rec_01HXEXAMPLE",
      title: "Seed example goal",
    });
    assert.match(goal.id, /^pgl_[0-9A-Z]{26}$/);
    assert.notEqual(goal.tenant_id, "example tenant_id");
    assert.equal(goal.app_id, null);
    assert.equal(goal.created_by, EXEC_ID);
    assert.equal(goal.person_id, EXEC_ID);
  });

  test("create, get, update with version and If-Match", async () => {
    const created = await client.performance.goals.create({
      title: "Ship the SDK", period: "2026-Q2", status: "in_progress", progress_pct: 10, category: "development",
    });
    assert.equal(created.version, 1);
    assert.equal(created.status, "in_progress");
    const fetched = await client.performance.goals.get(created.id);
    assert.deepEqual(fetched, created);

    const updated = await client.performance.goals.update(created.id, { progress_pct: 50 }, { version: 1 });
    assert.equal(updated.progress_pct, 50);
    assert.equal(updated.version, 2);
    assert.equal(updated.title, "Ship the SDK", "PATCH changes only the keys sent");

    const again = await client.performance.goals.update(created.id, { status: "at_risk" }, { ifMatch: 2 });
    assert.equal(again.version, 3);
    assert.equal(again.status, "at_risk");

    const cleared = await client.performance.goals.update(created.id, { category: null });
    assert.equal(cleared.category, null, "null clears a nullable field");
  });

  test("an employee manages their own goals", async () => {
    const goal = await employee.performance.goals.create({ title: "Learn TypeScript", period: "2026-H1" });
    assert.equal(goal.person_id, EMPLOYEE_ID);
    const mine = await collect(employee.performance.goals.list({ mine: true }));
    assert.ok(mine.some((g) => g.id === goal.id));
    // The executive sees it too (§1.4: executives see every personal record).
    assert.equal((await client.performance.goals.get(goal.id)).id, goal.id);
  });

  test("offers only the seed's operations: no delete", () => {
    assert.equal(typeof client.performance.goals.update, "function");
    assert.equal(client.performance.goals.delete, undefined);
  });
});

describe("pagination and filters", () => {
  test("for await walks every record across cursors", async () => {
    const category = marker("page");
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(await client.performance.goals.create({ title: `Paged ${i}`, category, status: "not_started" }));
    }
    const first = await client.performance.goals.list({ category, limit: 2 });
    assert.equal(first.data.length, 2);
    assert.equal(first.hasMore, true);
    assert.ok(first.nextCursor);

    const seen = await collect(client.performance.goals.list({ category, limit: 2 }));
    assert.deepEqual(new Set(seen.map((g) => g.id)), new Set(created.map((g) => g.id)));
    assert.equal(seen.length, 5, "no record twice");
    // Default order: newest first.
    assert.deepEqual(seen.map((g) => g.id), created.map((g) => g.id).reverse());

    const pages = await collect(client.performance.goals.list({ category, limit: 2 }).pages());
    assert.deepEqual(pages.map((p) => p.data.length), [2, 2, 1]);
    assert.equal(pages.at(-1).hasNextPage(), false);
    assert.equal(await pages.at(-1).nextPage(), null);

    const request = client.performance.goals.list({ category, limit: 2, count: true });
    const page = await request.firstPage();
    assert.equal(page.total, 5);
    assert.equal((await request.toArray(3)).length, 3);
  });

  test("filters: equality, any-of, operators, search, sort", async () => {
    const category = marker("filter");
    const make = (title, status, progress_pct) =>
      client.performance.goals.create({ title, category, status, progress_pct });
    await make("Alpha quarterly goal", "at_risk", 20);
    await make("Bravo goal", "at_risk", 70);
    await make("Charlie goal", "in_progress", 40);
    await make("Delta goal", "completed", 100);

    const atRisk = await collect(client.performance.goals.list({ category, status: "at_risk" }));
    assert.deepEqual(atRisk.map((g) => g.title).sort(), ["Alpha quarterly goal", "Bravo goal"]);

    const anyOf = await collect(client.performance.goals.list({ category, status: ["at_risk", "in_progress"] }));
    assert.equal(anyOf.length, 3);

    const ranged = await collect(client.performance.goals.list({ category, progress_pct: { gte: 40, lt: 100 } }));
    assert.deepEqual(ranged.map((g) => g.title).sort(), ["Bravo goal", "Charlie goal"]);

    const notNull = await collect(client.performance.goals.list({ category, description: { is_null: true } }));
    assert.equal(notNull.length, 4);

    const sorted = await collect(client.performance.goals.list({ category, sort: ["title"] }));
    assert.deepEqual(sorted.map((g) => g.title), ["Alpha quarterly goal", "Bravo goal", "Charlie goal", "Delta goal"]);

    const searched = await collect(client.performance.goals.list({ category, q: "QUARTERLY" }));
    assert.deepEqual(searched.map((g) => g.title), ["Alpha quarterly goal"]);
  });

  test("a bad query parameter is a BadRequestError", async () => {
    await assert.rejects(client.performance.goals.list({ limit: 1000 }), BadRequestError);
  });
});

describe("errors carry the problem document", () => {
  test("422 is a ValidationError naming the fields", async () => {
    const error = await client.performance.goals.create({ title: "Bad", period: "Q2 2026", bogus: true })
      .then(() => assert.fail("expected a 422"), (e) => e);
    assert.ok(error instanceof ValidationError);
    assert.ok(error instanceof StrideError);
    assert.equal(error.status, 422);
    assert.equal(error.problem.status, 422);
    assert.match(error.type, /^https:\/\/stride\.dev\/problems\//);
    assert.ok(error.title);
    assert.ok(error.requestId);
    const fields = error.errors.map((e) => e.field);
    assert.ok(fields.includes("bogus") || fields.includes("period"), JSON.stringify(error.errors));
  });

  test("404 is a NotFoundError", async () => {
    const error = await client.okr.objectives.get("obj_01J00000000000000000000000").catch((e) => e);
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.status, 404);
    assert.equal(error.problem.title.length > 0, true);
  });

  test("409 on a stale version carries the current record", async () => {
    const goal = await client.performance.goals.create({ title: "Contended" });
    await client.performance.goals.update(goal.id, { title: "First writer" });
    const error = await client.performance.goals.update(goal.id, { title: "Second writer" }, { version: 1 })
      .catch((e) => e);
    assert.ok(error instanceof ConflictError);
    assert.equal(error.current.version, 2);
    assert.equal(error.current.title, "First writer");
  });

  test("412 on a stale If-Match", async () => {
    const goal = await client.performance.goals.create({ title: "Preconditioned" });
    await assert.rejects(client.performance.goals.update(goal.id, { title: "x" }, { ifMatch: '"7"' }),
      PreconditionFailedError);
  });

  test("403 when the record is visible but not permitted", async () => {
    const objective = await client.okr.objectives.create({ title: "Exec objective", period: "2026-Q3" });
    // An employee has update:okr but not manage:okr, needed to delete someone else's objective.
    await assert.rejects(employee.okr.objectives.delete(objective.id), PermissionDeniedError);
  });
});

describe("performance.learningRecords", () => {
  test("create, get, list; append-only (no update)", async () => {
    const provider = marker("provider");
    const record = await employee.performance.learningRecords.create({
      title: "AWS Solutions Architect", provider, completed_at: "2026-02-01", score: 88, passed: true,
      expires_at: "2029-02-01",
    });
    assert.match(record.id, /^lrn_/);
    assert.equal(record.person_id, EMPLOYEE_ID);
    assert.equal(record.is_expired, false);
    assert.equal((await employee.performance.learningRecords.get(record.id)).score, 88);
    const listed = await collect(client.performance.learningRecords.list({ provider }));
    assert.deepEqual(listed.map((r) => r.id), [record.id]);
    assert.equal(client.performance.learningRecords.update, undefined);
    assert.equal(client.performance.learningRecords.delete, undefined);
  });
});

describe("okr.objectives and okr.keyResults", () => {
  test("CRUD, check-ins, progress roll-up, soft delete", async () => {
    const objective = await client.okr.objectives.create({
      title: "Grow the platform", period: "2026-Annual", check_in_frequency: "weekly", tags: ["sdk"],
    });
    assert.match(objective.id, /^obj_/);
    assert.equal(objective.status, "active");

    const keyResult = await client.okr.keyResults.create({
      objective_id: objective.id, title: "Integrations live", baseline: 0, target: 10, unit: "count",
    });
    assert.match(keyResult.id, /^krs_/);
    assert.equal(keyResult.progress_pct, 0);

    const checked = await client.okr.keyResults.checkIn(keyResult.id, { value: 4, note: "Week 1" });
    assert.equal(checked.current, 4);
    assert.equal(checked.progress_pct, 40);
    assert.equal(checked.history.length, 1);
    assert.equal(checked.history[0].note, "Week 1");
    assert.ok(checked.last_update_at);

    const rolled = await client.okr.objectives.get(objective.id);
    assert.deepEqual(rolled.key_result_ids, [keyResult.id]);
    assert.equal(rolled.progress_pct, 40);
    assert.ok(rolled.last_check_in_at);

    const renamed = await client.okr.keyResults.update(keyResult.id, { title: "Integrations shipped", current: 10 },
      { version: checked.version });
    assert.equal(renamed.progress_pct, 100);
    assert.equal(renamed.status, "achieved");

    const listed = await collect(client.okr.keyResults.list({ objective_id: objective.id }));
    assert.deepEqual(listed.map((k) => k.id), [keyResult.id]);
    const active = await collect(client.okr.objectives.list({ id: objective.id, status: "active" }));
    assert.equal(active.length, 1);
    // json-array fields filter by containment: {tags: x}, {tags: [x, y]} (any of), {tags: {contains: x}}.
    const tag = marker("tag");
    await client.okr.objectives.update(objective.id, { tags: ["sdk", tag] });
    for (const filter of [tag, [marker("none"), tag], { contains: tag }]) {
      const tagged = await collect(client.okr.objectives.list({ tags: filter }));
      assert.deepEqual(tagged.map((o) => o.id), [objective.id]);
    }
    assert.deepEqual(await collect(client.okr.objectives.list({ tags: marker("none") })), []);

    const updated = await client.okr.objectives.update(objective.id, { status: "completed" });
    assert.deepEqual(updated.tags, ["sdk", tag]);
    assert.equal(updated.status, "completed");

    await client.okr.keyResults.delete(keyResult.id);
    await assert.rejects(client.okr.keyResults.get(keyResult.id), NotFoundError);
    const deleted = await client.okr.keyResults.get(keyResult.id, { includeDeleted: true });
    assert.equal(deleted.is_deleted, true);
    await client.okr.objectives.delete(objective.id, { ifMatch: updated.version });
    await assert.rejects(client.okr.objectives.get(objective.id), NotFoundError);
  });

  test("a key result with an invalid direction is a ValidationError", async () => {
    const objective = await client.okr.objectives.create({ title: "Cut costs", period: "2026-Q4" });
    await assert.rejects(
      client.okr.keyResults.create({ objective_id: objective.id, title: "Cost", baseline: 10, target: 5 }),
      ValidationError,
    );
  });
});

describe("learning.cohorts and learning.assessments", () => {
  test("cohort CRUD", async () => {
    const program = marker("program");
    const cohort = await client.learning.cohorts.create({
      name: "Spring leadership cohort", program_id: program, start_date: "2026-03-01", end_date: "2026-06-30",
      session_count: 6, tags: ["leadership"], metadata: { room: "B2" },
    });
    assert.match(cohort.id, /^coh_/);
    assert.equal(cohort.status, "planned");
    assert.equal(cohort.current_completion_pct, 0);
    const updated = await client.learning.cohorts.update(cohort.id, { status: "active" }, { version: cohort.version });
    assert.equal(updated.status, "active");
    assert.equal((await client.learning.cohorts.get(cohort.id)).version, 2);
    const listed = await collect(client.learning.cohorts.list({ program_id: program, status: "active" }));
    assert.deepEqual(listed.map((c) => c.id), [cohort.id]);
    assert.equal(client.learning.cohorts.delete, undefined);
  });

  test("assessment CRUD and a scored response", async () => {
    const cohort = await client.learning.cohorts.create({ name: "TS cohort", status: "active" });
    const assessment = await client.learning.assessments.create({
      kind: "learning", name: marker("quiz"), target_cohort_id: cohort.id, pass_score: 50,
      questions: [
        { id: "q1", text: "Is TypeScript typed?", type: "boolean", correct: true, required: true },
        { id: "q2", text: "Pick the runtime", type: "single_choice", options: ["node", "jvm"], correct: "node" },
      ],
    });
    assert.match(assessment.id, /^asm_/);
    assert.equal(assessment.status, "draft");
    const opened = await client.learning.assessments.update(assessment.id, { status: "open" });
    assert.equal(opened.status, "open");
    assert.equal((await client.learning.assessments.get(assessment.id)).status, "open");

    const response = await employee.learning.assessments.responses.create(assessment.id, {
      answers: [{ question_id: "q1", value: true }, { question_id: "q2", value: "jvm" }],
    });
    assert.equal(response.person_id, EMPLOYEE_ID);
    assert.equal(response.score, 50);
    assert.equal(response.passed, true);
    assert.ok(response.learning_record_id, "kind=learning records the completion");
    const record = await employee.performance.learningRecords.get(response.learning_record_id);
    assert.equal(record.linked_assessment_id, assessment.id);
    assert.equal(record.linked_cohort_id, cohort.id);

    await assert.rejects(employee.learning.assessments.responses.create(assessment.id, {
      answers: [{ question_id: "q1", value: true }],
    }), ConflictError);
    const responses = await collect(client.learning.assessments.responses.list(assessment.id));
    assert.deepEqual(responses.map((r) => r.id), [response.id]);
    assert.equal((await client.learning.assessments.get(assessment.id)).response_count, 1);

    const listed = await collect(client.learning.assessments.list({ name: assessment.name }));
    assert.deepEqual(listed.map((a) => a.id), [assessment.id]);
  });

  test("an answer of the wrong type is a ValidationError", async () => {
    const assessment = await client.learning.assessments.create({
      kind: "survey", name: "Pulse", status: "open",
      questions: [{ id: "q1", text: "How are you?", type: "scale", required: true }],
    });
    const error = await employee.learning.assessments.responses.create(assessment.id, { answers: [] })
      .catch((e) => e);
    assert.ok(error instanceof ValidationError, String(error));
    assert.ok(error.errors.length >= 1);
  });
});
