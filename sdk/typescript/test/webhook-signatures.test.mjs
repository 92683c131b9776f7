// verifyWebhook and signWebhook of `@stride/sdk/webhooks` (node:crypto) against the `standardwebhooks`
// package the server signs with: its signatures for fixed inputs, and what a verifier must refuse.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StrideError, WebhookVerificationError } from "../dist/index.js";
import { signWebhook, verifyWebhook, WebhookVerificationError as FromWebhooks } from "../dist/webhooks.js";

// Written by Python's standardwebhooks 1.1.0: Webhook(secret).sign(id, datetime.fromtimestamp(ts, UTC), body).
const VECTORS = [
  {
    secret: "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", id: "evt_01JABCDEFGHJKMNPQRSTVWXYZ0",
    timestamp: 1767600000,
    body: '{"id":"evt_01JABCDEFGHJKMNPQRSTVWXYZ0","type":"objective.created","title":"Grow — €, 日本"}',
    signature: "v1,1e1xdIYbvJx/+xqmiIH1o4pHpnLptIcqY8EDg5e4XKE=",
  },
  { secret: "aw", id: "msg_1", timestamp: 0, body: "", signature: "v1,QnMXZ/+yibEuPLZIG+iOI+8t8WuTUnfqVVZmyiryhWk=" },
  {
    secret: "whsec_YW5vdGhlciBrZXkgb2YgdGhpcnR5LXR3byBieXRlcyE=", id: "evt_2", timestamp: 2000000000,
    body: '{"title": "naïve café"}', signature: "v1,52KKeHozL6P8z2U8GhG3tgrCJu/6tPBgsJ+i25UEry0=",
  },
];

const SECRET = VECTORS[0].secret;
const OTHER = VECTORS[2].secret;
const EVENT = {
  id: "evt_01JABCDEFGHJKMNPQRSTVWXYZ0", type: "objective.updated", tenant_id: "ten_1", app_id: null,
  occurred_at: "2026-01-05T09:30:00Z", actor: { type: "person", id: "usr_1" },
  subject: { type: "objective", id: "obj_1" }, data: { record: { title: "Grow — €" }, changed: ["title"] },
};
const BODY = JSON.stringify(EVENT);
const now = () => Math.floor(Date.now() / 1000);

function signed({ body = BODY, timestamp = now(), secrets = [SECRET] } = {}) {
  return {
    "webhook-id": EVENT.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((secret) => signWebhook(secret, EVENT.id, timestamp, body)).join(" "),
  };
}

describe("signWebhook", () => {
  for (const [index, vector] of VECTORS.entries()) {
    test(`is byte-equal to standardwebhooks (vector ${index})`, () => {
      assert.equal(signWebhook(vector.secret, vector.id, vector.timestamp, vector.body), vector.signature);
      const bytes = new TextEncoder().encode(vector.body);
      assert.equal(signWebhook(vector.secret, vector.id, vector.timestamp, bytes), vector.signature);
    });
  }
});

describe("verifyWebhook", () => {
  test("returns the event of a delivery that checks out, whatever the headers' form", () => {
    const headers = signed();
    assert.deepEqual(verifyWebhook(BODY, headers, SECRET), EVENT);
    assert.deepEqual(verifyWebhook(Buffer.from(BODY), new Headers(headers), SECRET), EVENT);
    const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    assert.equal(verifyWebhook(new TextEncoder().encode(BODY), shouted, SECRET).id, EVENT.id);
  });

  test("any one of several v1 signatures may match (a rotation sends two)", () => {
    const rotation = signed({ secrets: [OTHER, SECRET] });
    assert.equal(verifyWebhook(BODY, rotation, SECRET).id, EVENT.id);
    assert.equal(verifyWebhook(BODY, rotation, OTHER).id, EVENT.id);
    const mixed = { ...rotation, "webhook-signature": `v2,AAAA v1,!!! v1,AAAA ${rotation["webhook-signature"]}` };
    assert.equal(verifyWebhook(BODY, mixed, SECRET).id, EVENT.id);
  });

  const refused = {
    "a tampered body": [BODY.replace("Grow", "Shrink"), () => signed(), SECRET, /signature/],
    "a byte added to the body": [BODY + " ", () => signed(), SECRET, /signature/],
    "the wrong secret": [BODY, () => signed(), OTHER, /signature/],
    "another webhook-id": [BODY, () => ({ ...signed(), "webhook-id": "evt_other" }), SECRET, /signature/],
    "only a v2 signature": [
      BODY, () => { const h = signed(); return { ...h, "webhook-signature": h["webhook-signature"].replace("v1,", "v2,") }; },
      SECRET, /signature/,
    ],
    "a timestamp 301 s old": [BODY, () => signed({ timestamp: now() - 301 }), SECRET, /too old/],
    "a timestamp 301 s ahead": [BODY, () => signed({ timestamp: now() + 301 }), SECRET, /too new/],
    "a timestamp that is no number": [BODY, () => ({ ...signed(), "webhook-timestamp": "soon" }), SECRET, /Unix seconds/],
    "no webhook-id": [BODY, () => { const { "webhook-id": _, ...h } = signed(); return h; }, SECRET, /webhook-id/],
    "an empty webhook-signature": [BODY, () => ({ ...signed(), "webhook-signature": "" }), SECRET, /webhook-signature/],
    "a signed body that is not an event": ['{"hello":"world"}', () => signed({ body: '{"hello":"world"}' }), SECRET,
      /not a Stride event/],
  };
  for (const [name, [body, headers, secret, reason]] of Object.entries(refused)) {
    test(`refuses ${name}`, () => {
      assert.throws(() => verifyWebhook(body, headers(), secret), (error) => {
        assert.ok(error instanceof WebhookVerificationError && error instanceof StrideError);
        assert.equal(FromWebhooks, WebhookVerificationError);
        assert.match(error.message, reason);
        return true;
      });
    });
  }

  test("the tolerance is adjustable", () => {
    const old = signed({ timestamp: now() - 600 });
    assert.equal(verifyWebhook(BODY, old, SECRET, { tolerance: 900 }).id, EVENT.id);
    assert.throws(() => verifyWebhook(BODY, old, SECRET, { tolerance: 60 }), /too old/);
  });

  test("a malformed secret is a TypeError", () => {
    for (const secret of ["", "whsec_", "whsec_not base64!"]) {
      assert.throws(() => verifyWebhook(BODY, signed(), secret), TypeError);
    }
  });
});
