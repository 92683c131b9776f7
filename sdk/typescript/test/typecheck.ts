// Compile-only checks (`npm run typecheck`): the seeds' calls type-check verbatim against the
// generated types, and misuse does not. Never executed.
import {
  Client, ConflictError, type Cycle, type Event, type KeyResult, type Page, type PersonGoal, StrideError,
  ValidationError, type WebhookCreated, WebhookVerificationError,
} from "../src/index.js";
import { verifyWebhook } from "../src/webhooks.js";

export async function seedCalls(client: Client): Promise<void> {
  // Seed 000, 002, 003: `await client.<domain>.<collection>.list()`.
  const goals: Page<PersonGoal> = await client.performance.goals.list();
  await client.performance.learningRecords.list();
  await client.okr.objectives.list();
  await client.okr.keyResults.list();
  await client.learning.cohorts.list();
  await client.learning.assessments.list();
  goals.data.map((goal) => goal.progress_pct);

  // The seeds' create example sends the envelope (ignored by the server) plus the entity's fields.
  const keyResult: KeyResult = await client.okr.keyResults.create({
    id: "rec_01HXEXAMPLE",
    tenant_id: "example tenant_id",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    app_id: "example app_id",
    created_by: "rec_01HXEXAMPLE",
    objective_id: "obj_01HXEXAMPLE",
    title: "Integrations live",
    target: 10,
  });
  await client.okr.keyResults.checkIn(keyResult.id, { value: 4, note: "Week 1" });

  for await (const goal of client.performance.goals.list({ status: "at_risk", progress_pct: { gte: 50 } })) {
    goal.status satisfies PersonGoal["status"];
  }
  await client.performance.goals.list({ status: ["at_risk", "in_progress"], sort: ["-updated_at"], limit: 20 });
  // @ts-expect-error — not a status of PersonGoal
  await client.performance.goals.list({ status: "on_fire" });
  // @ts-expect-error — not a field of PersonGoal
  await client.performance.goals.list({ colour: "red" });
  // @ts-expect-error — learning records are append-only: no update
  await client.performance.learningRecords.update("lrn_1", {});
  // @ts-expect-error — goals have no delete in the seed
  await client.performance.goals.delete("pgl_1");
  // @ts-expect-error — title is required
  await client.performance.goals.create({ period: "2026-Q2" });

  await client.performance.goals.update("pgl_1", { progress_pct: 60 }, { version: 3 });
  await client.learning.assessments.responses.create("asm_1", { answers: [{ question_id: "q1", value: "a" }] });

  const cycles: Cycle[] = await client.reviews.cycles.list();
  const detail = await client.reviews.reviews.get(cycles[0].id);
  detail.kpi_ratings.map((rating) => rating.rating);
  const pending = await client.reviews.pending.get();
  pending.pending_feedback satisfies number;

  try {
    await client.performance.goals.update("pgl_1", { title: "x" }, { version: 1 });
  } catch (error) {
    if (error instanceof ConflictError) error.current?.version;
    if (error instanceof ValidationError) error.errors.map((e) => e.field);
    if (error instanceof StrideError) error.problem?.request_id;
  }
}

export async function eventCalls(client: Client, body: string, headers: Headers): Promise<void> {
  // CONTRACT §8: events, webhook endpoints, and checking a delivery.
  const events: Page<Event> = await client.events.list({ type: ["objective.*", "key_result.created"], limit: 50 });
  for await (const event of client.events.list({ type: "review.*", after: events.data[0].id })) event.subject.id;
  const endpoint: WebhookCreated = await client.platform.webhooks.create({ url: "https://x.example/h", event_types: ["*"] });
  // @ts-expect-error — event_types is required
  await client.platform.webhooks.create({ url: "https://x.example/h" });
  await client.platform.webhooks.update(endpoint.id, { enabled: false }, { version: endpoint.version });
  const { secret } = await client.platform.webhooks.rotateSecret(endpoint.id);
  const queued: string = (await client.platform.webhooks.ping(endpoint.id)).event_id;
  for await (const delivery of client.platform.webhooks.deliveries.list(endpoint.id, { status: "failed" })) {
    (await client.platform.webhooks.deliveries.retry(endpoint.id, delivery.id)).event_id satisfies string;
  }
  (await client.platform.reminders.run()).emitted satisfies number;
  try {
    const received: Event = verifyWebhook(body, headers, secret, { tolerance: 60 });
    received.data satisfies Record<string, unknown>;
  } catch (error) {
    if (error instanceof WebhookVerificationError) error.message;
  }
  queued satisfies string;
}

export const fromApiKey = new Client({ baseUrl: "https://stride.example.com", apiKey: "sk_test" });
