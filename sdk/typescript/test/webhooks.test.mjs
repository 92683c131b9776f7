// Events and webhooks through the SDK (CONTRACT §8) against real deliveries: endpoints managed with
// client.platform.webhooks on a server that delivers to 127.0.0.1 (STRIDE_DELIVERING_BASE_URL, set by
// tests/e2e/test_typescript_sdk.py), a node:http receiver, and deliveries checked with verifyWebhook.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { ConflictError, NotFoundError, Page, PreconditionFailedError } from "../dist/index.js";
import { signWebhook, verifyWebhook, WebhookVerificationError } from "../dist/webhooks.js";
import { collect, DELIVERING_URL, deliveringClient, marker } from "./helpers.mjs";

/** Records every POST; `statuses[path]` chooses the answers (the last one repeats; 200 by default). */
class Receiver {
  requests = [];
  statuses = {};

  async start() {
    this.server = createServer((request, response) => {
      const chunks = [];
      request.on("data", (chunk) => chunks.push(chunk));
      request.on("end", () => {
        this.requests.push({ path: request.url, headers: request.headers, body: Buffer.concat(chunks) });
        const queue = this.statuses[request.url] ?? [200];
        response.writeHead(queue.length > 1 ? queue.shift() : queue[0]).end("ok");
      });
    });
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.base = `http://127.0.0.1:${this.server.address().port}`;
  }

  /** The deliveries at `path` (whose JSON body passes `accept`), once there are `count` of them. */
  async waitFor(path, count, accept = () => true, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.requests.filter((r) => r.path === path && accept(JSON.parse(r.body.toString("utf8"))));
      if (got.length >= count) return got;
      if (Date.now() > deadline) assert.fail(`${path}: ${got.length} deliveries after ${timeoutMs} ms, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function eventually(check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// Every test file shares one organisation, and the others create objectives meanwhile: deliveries are
// told apart by their subject.
describe("events and webhooks against real deliveries", { skip: !DELIVERING_URL && "set STRIDE_DELIVERING_BASE_URL" }, () => {
  const client = DELIVERING_URL ? deliveringClient() : null;
  const receiver = new Receiver();
  before(() => receiver.start());
  after(() => receiver.server.close());

  async function endpoint(eventTypes) {
    const path = `/${marker("ts-hook")}`;
    return { path, ...(await client.platform.webhooks.create({ url: receiver.base + path, event_types: eventTypes })) };
  }

  test("a real delivery verifies, and a changed one does not", async () => {
    const hook = await endpoint(["objective.created"]);
    assert.match(hook.id, /^whk_/);
    assert.match(hook.secret, /^whsec_/);
    const objective = await client.okr.objectives.create({ title: "Grow", period: "2026-Q1" });
    const [received] = await receiver.waitFor(hook.path, 1, (body) => body.subject.id === objective.id);

    const event = verifyWebhook(received.body, received.headers, hook.secret);
    assert.equal(event.id, received.headers["webhook-id"]);
    assert.deepEqual([event.type, event.subject], ["objective.created", { type: "objective", id: objective.id }]);
    assert.equal(event.data.record.title, "Grow");
    assert.deepEqual(verifyWebhook(received.body.toString("utf8"), received.headers, hook.secret), event);

    const tampered = Buffer.from(received.body.toString("utf8").replace('"Grow"', '"Shrink"'));
    assert.throws(() => verifyWebhook(tampered, received.headers, hook.secret), WebhookVerificationError);
    const other = await endpoint(["objective.deleted"]);
    assert.throws(() => verifyWebhook(received.body, received.headers, other.secret), /signature/);
    // Replayed later: signed correctly for its old timestamp, yet refused by the tolerance.
    const old = Math.floor(Date.now() / 1000) - 301;
    const replayed = {
      ...received.headers, "webhook-timestamp": String(old),
      "webhook-signature": signWebhook(hook.secret, event.id, old, received.body),
    };
    assert.throws(() => verifyWebhook(received.body, replayed, hook.secret), /too old/);
    assert.equal(verifyWebhook(received.body, replayed, hook.secret, { tolerance: 400 }).id, event.id);
  });

  test("endpoints are managed, and a rotation signs with both secrets", async () => {
    const hook = await endpoint(["calibration.changed"]);
    const shown = await client.platform.webhooks.get(hook.id);
    assert.equal(shown.secret, undefined);
    assert.ok((await client.platform.webhooks.list()).data.some((w) => w.id === hook.id));

    const updated = await client.platform.webhooks.update(hook.id, { description: "Sync" }, { version: hook.version });
    assert.deepEqual([updated.description, updated.version], ["Sync", hook.version + 1]);
    await assert.rejects(client.platform.webhooks.update(hook.id, { enabled: false }, { version: hook.version }),
      ConflictError);
    await assert.rejects(client.platform.webhooks.update(hook.id, { enabled: false }, { ifMatch: hook.version }),
      PreconditionFailedError);

    const { secret } = await client.platform.webhooks.rotateSecret(hook.id);
    assert.notEqual(secret, hook.secret);
    const ping = await client.platform.webhooks.ping(hook.id);
    const [received] = await receiver.waitFor(hook.path, 1);
    assert.equal(received.headers["webhook-signature"].split(" ").length, 2);
    for (const key of [secret, hook.secret]) {
      const event = verifyWebhook(received.body, received.headers, key);
      assert.deepEqual([event.id, event.type, event.data], [ping.event_id, "webhook.ping", { webhook_id: hook.id }]);
    }

    await client.platform.webhooks.delete(hook.id);
    await assert.rejects(client.platform.webhooks.get(hook.id), NotFoundError);
  });

  test("a failed attempt is listed, retried and delivered again", async () => {
    const hook = await endpoint(["calibration.changed"]);
    receiver.statuses[hook.path] = [500, 200]; // the first attempt fails, every later one succeeds
    const ping = await client.platform.webhooks.ping(hook.id);
    await receiver.waitFor(hook.path, 2); // the failure, then the scheduled retry

    const [succeeded, failed] = await eventually(async () => {
      const attempts = await collect(client.platform.webhooks.deliveries.list(hook.id));
      assert.deepEqual(attempts.map((a) => [a.attempt, a.status]), [[2, "succeeded"], [1, "failed"]]);
      return attempts;
    });
    assert.deepEqual([failed.response_status, succeeded.response_status, failed.event_id], [500, 200, ping.event_id]);
    const failures = await client.platform.webhooks.deliveries.list(hook.id, { status: "failed" });
    assert.deepEqual(failures.data.map((d) => d.id), [failed.id]);
    const paged = await client.platform.webhooks.deliveries.list(hook.id, { limit: 1 });
    assert.ok(paged.hasMore);
    assert.deepEqual((await collect(paged)).map((d) => d.id), [succeeded.id, failed.id]);

    assert.deepEqual(await client.platform.webhooks.deliveries.retry(hook.id, failed.id), { event_id: ping.event_id });
    const third = (await receiver.waitFor(hook.path, 3))[2];
    assert.equal(verifyWebhook(third.body, third.headers, hook.secret).id, ping.event_id);
  });

  test("events are listed oldest first across pages, and resume after an id", async () => {
    const objective = await client.okr.objectives.create({ title: "Paged", period: "2026-Q1" });
    for (const n of [0, 1, 2]) await client.okr.objectives.update(objective.id, { title: `Paged ${n}` });

    const first = await client.events.list({ type: "objective.*", subject_id: objective.id, limit: 2 });
    assert.ok(first instanceof Page && first.hasMore && first.data.length === 2);
    const events = await collect(client.events.list({ type: ["objective.*"], subject_id: objective.id, limit: 2 }));
    assert.deepEqual(events.map((e) => e.type), ["objective.created", "objective.updated", "objective.updated",
      "objective.updated"]);
    assert.deepEqual(events.map((e) => e.id), events.map((e) => e.id).sort());
    assert.deepEqual(events[1].data.changed, ["title"]);

    const resumed = await collect(client.events.list({ subject_id: objective.id, after: events[1].id }));
    assert.deepEqual(resumed.map((e) => e.id), events.slice(2).map((e) => e.id));
    const both = await collect(client.events.list({ type: ["objective.created", "key_result.*"], subject_id: objective.id }));
    assert.deepEqual(both.map((e) => e.id), [events[0].id]);
    assert.equal(typeof (await client.platform.reminders.run()).emitted, "number");
  });
});
