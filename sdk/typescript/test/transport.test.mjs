// The request machinery: retries that reuse one Idempotency-Key, backoff honouring Retry-After,
// network errors and timeouts, and API-key login with token renewal.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AuthenticationError, Client, NetworkError, parseRetryAfter, RateLimitError, ServiceUnavailableError,
  TimeoutError,
} from "../dist/index.js";
import { BASE_URL, collect, EXEC_TOKEN, execClient, FAST, marker } from "./helpers.mjs";

const problem = (status, title, headers = {}) => new Response(
  JSON.stringify({ type: "https://stride.dev/problems/unavailable", title, status, request_id: "req_test" }),
  { status, headers: { "content-type": "application/problem+json", ...headers } },
);

/** A fetch that records every attempt and lets a test answer some of them itself. */
function recordingFetch(intercept) {
  const attempts = [];
  const wrapped = async (url, init) => {
    const headers = new Headers(init.headers);
    const attempt = { url, method: init.method, headers, index: attempts.length };
    attempts.push(attempt);
    return (await intercept(attempt, () => fetch(url, init))) ?? fetch(url, init);
  };
  return { fetch: wrapped, attempts };
}

describe("retries", () => {
  test("a POST whose answer was lost is retried with the same Idempotency-Key and creates one record", async () => {
    const category = marker("idem");
    let firstCreated;
    const { fetch: flaky, attempts } = recordingFetch(async (attempt, forward) => {
      if (attempt.method !== "POST" || attempt.index !== 0) return undefined;
      // The first attempt reaches the server (which creates the goal), but its answer is lost.
      firstCreated = await (await forward()).json();
      return problem(503, "Service Unavailable", { "Retry-After": "0" });
    });
    const client = execClient({ fetch: flaky });

    const goal = await client.performance.goals.create({ title: "Exactly once", category });

    assert.equal(attempts.length, 2);
    const keys = attempts.map((a) => a.headers.get("idempotency-key"));
    assert.ok(keys[0], "the POST carried an Idempotency-Key");
    assert.equal(keys[0], keys[1], "both attempts carried the same key");
    assert.equal(goal.id, firstCreated.id, "the retry got the first attempt's record back");
    const stored = await collect(execClient().performance.goals.list({ category }));
    assert.equal(stored.length, 1, "only one record was created");
  });

  test("each call gets its own key; a caller's key is used as given", async () => {
    const { fetch: spy, attempts } = recordingFetch(() => undefined);
    const client = execClient({ fetch: spy });
    await client.performance.goals.create({ title: "Key one" });
    await client.performance.goals.create({ title: "Key two" });
    await client.performance.goals.create({ title: "Key three" }, { idempotencyKey: "my-key-" + marker() });
    const keys = attempts.map((a) => a.headers.get("idempotency-key"));
    assert.equal(new Set(keys).size, 3);
    assert.match(keys[0], /^[0-9a-f-]{36}$/);
    assert.match(keys[2], /^my-key-/);
    // GETs carry none.
    await client.performance.goals.list({ limit: 1 });
    assert.equal(attempts.at(-1).headers.get("idempotency-key"), null);
  });

  test("503 and 429 are retried up to maxRetries, then thrown as typed errors", async () => {
    const unavailable = recordingFetch(() => problem(503, "Service Unavailable", { "Retry-After": "0" }));
    const client = execClient({ fetch: unavailable.fetch, maxRetries: 3 });
    const error = await client.okr.objectives.list().catch((e) => e);
    assert.ok(error instanceof ServiceUnavailableError);
    assert.equal(error.status, 503);
    assert.equal(error.requestId, "req_test");
    assert.equal(unavailable.attempts.length, 4);

    const limited = recordingFetch((attempt) =>
      attempt.index < 2 ? problem(429, "Too Many Requests", { "Retry-After": "0" }) : undefined);
    const objectives = await execClient({ fetch: limited.fetch }).okr.objectives.list({ limit: 1 });
    assert.ok(Array.isArray(objectives.data));
    assert.equal(limited.attempts.length, 3);

    const never = recordingFetch(() => problem(429, "Too Many Requests"));
    const noRetry = execClient({ fetch: never.fetch, maxRetries: 0 });
    await assert.rejects(noRetry.okr.objectives.list(), RateLimitError);
    assert.equal(never.attempts.length, 1);
  });

  test("network errors are retried, then thrown as NetworkError", async () => {
    const once = recordingFetch((attempt) => {
      if (attempt.index === 0) throw new TypeError("fetch failed");
    });
    const page = await execClient({ fetch: once.fetch }).learning.cohorts.list({ limit: 1 });
    assert.ok(Array.isArray(page.data));
    assert.equal(once.attempts.length, 2);

    const down = new Client({ baseUrl: "http://127.0.0.1:9", token: EXEC_TOKEN, ...FAST, maxRetries: 1 });
    const error = await down.learning.cohorts.list().catch((e) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.status, undefined);
  });

  test("an attempt over timeoutMs is a TimeoutError", async () => {
    const hang = (url, init) => new Promise((_, reject) => {
      init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
    });
    const client = new Client({ baseUrl: BASE_URL, token: EXEC_TOKEN, fetch: hang, timeoutMs: 20, maxRetries: 1, ...FAST });
    const error = await client.performance.goals.list().catch((e) => e);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.ok(error instanceof NetworkError);
  });

  test("Retry-After is read as seconds or an HTTP date", () => {
    assert.equal(parseRetryAfter("2"), 2000);
    assert.equal(parseRetryAfter("0"), 0);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter("soon"), undefined);
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now), 5000);
  });
});

describe("API-key login", () => {
  async function applicationKey(permissions) {
    const admin = execClient();
    const application = await admin.platform.applications.create({ name: marker("integration"), permissions });
    assert.match(application.id, /^app_/);
    const key = await admin.platform.applications.keys.create(application.id);
    assert.match(key.key, /^sk_/);
    return { application, key };
  }

  test("new Client({ baseUrl, apiKey }) exchanges the key and lists objectives", async () => {
    const { application, key } = await applicationKey(["view:okr", "update:okr"]);
    const exchanges = recordingFetch(() => undefined);
    const client = new Client({ baseUrl: BASE_URL, apiKey: key.key, fetch: exchanges.fetch, ...FAST });

    const objective = await client.okr.objectives.create({ title: "Synced from the integration", period: "2026-Q2" });
    assert.equal(objective.app_id, application.id, "writes are stamped with the app");
    const listed = await collect(client.okr.objectives.list());
    assert.ok(listed.length >= 1);
    assert.ok(listed.every((o) => o.app_id === application.id), "an app sees only its own rows");

    const tokenCalls = exchanges.attempts.filter((a) => a.url.endsWith("/api/v1/auth/token"));
    assert.equal(tokenCalls.length, 1, "one exchange serves many calls while the token is fresh");
    assert.equal(tokenCalls[0].headers.get("authorization"), `Bearer ${key.key}`);
    const apiCall = exchanges.attempts.find((a) => a.url.includes("/okr/objectives"));
    assert.notEqual(apiCall.headers.get("authorization"), `Bearer ${key.key}`, "API calls use the JWT");
  });

  test("the token is renewed before expires_in runs out, and once on a 401", async () => {
    const { key } = await applicationKey(["view:okr"]);
    const { fetch: shortLived, attempts } = recordingFetch(async (attempt, forward) => {
      if (attempt.url.endsWith("/api/v1/auth/token")) {
        const token = await (await forward()).json();
        return Response.json({ ...token, expires_in: 0 });  // already due for renewal
      }
      return undefined;
    });
    const client = new Client({ baseUrl: BASE_URL, apiKey: key.key, fetch: shortLived, ...FAST });
    await client.okr.objectives.list();
    await client.okr.objectives.list();
    const exchanges = () => attempts.filter((a) => a.url.endsWith("/api/v1/auth/token")).length;
    assert.equal(exchanges(), 2, "an expiring token is renewed before the next call");

    // The server turns the (otherwise fresh) token down once: the client exchanges the key again.
    const steady = recordingFetch(async (attempt, forward) => {
      if (attempt.index === 1) {
        await forward();
        return new Response(JSON.stringify({ type: "x", title: "Unauthorized", status: 401 }),
          { status: 401, headers: { "content-type": "application/problem+json" } });
      }
      return undefined;
    });
    const renewing = new Client({ baseUrl: BASE_URL, apiKey: key.key, fetch: steady.fetch, ...FAST });
    const page = await renewing.okr.objectives.list();
    assert.ok(Array.isArray(page.data));
    assert.deepEqual(steady.attempts.map((a) => new URL(a.url).pathname),
      ["/api/v1/auth/token", "/api/v1/okr/objectives", "/api/v1/auth/token", "/api/v1/okr/objectives"]);
  });

  test("a revoked key is an AuthenticationError", async () => {
    const { application, key } = await applicationKey(["view:okr"]);
    await execClient().platform.applications.keys.revoke(application.id, key.id);
    const client = new Client({ baseUrl: BASE_URL, apiKey: key.key, ...FAST });
    const error = await client.okr.objectives.list().catch((e) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.status, 401);
  });

  test("a bad token is an AuthenticationError", async () => {
    const client = new Client({ baseUrl: BASE_URL, token: "not-a-jwt", ...FAST });
    await assert.rejects(client.performance.goals.list(), AuthenticationError);
  });
});
