// Checking that a webhook delivery comes from Stride (CONTRACT §8.3, the Standard Webhooks scheme) with
// node:crypto: `verifyWebhook(payload, headers, secret)` returns the event or throws
// WebhookVerificationError; `signWebhook` computes what Stride sends, to test a receiver. Its own entry
// point (`@stride/sdk/webhooks`), so that the client itself still runs where there is no node:crypto.
import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookVerificationError } from "./errors.js";
import type { Event } from "./schema.js";

export { WebhookVerificationError };

const SECRET_PREFIX = "whsec_";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Seconds a delivery's `webhook-timestamp` may be from now, either way (the Standard Webhooks default). */
export const DEFAULT_TOLERANCE = 300;

/** The request headers, as `fetch`'s Headers, node's `req.headers` or a plain object (names in any case). */
export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;

export interface VerifyOptions {
  /** Seconds the `webhook-timestamp` may be from now (default 300). */
  tolerance?: number;
}

/** The HMAC key: the base64-decoded part of `whsec_…` (bytes are taken as they are). */
function keyOf(secret: string | Uint8Array): Buffer {
  let key: Buffer;
  if (typeof secret === "string") {
    const text = secret.trim().replace(/^whsec_/, "");
    const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
    if (!BASE64.test(padded)) throw new TypeError(`the webhook secret is not \`${SECRET_PREFIX}\` and base64`);
    key = Buffer.from(padded, "base64");
  } else {
    key = Buffer.from(secret);
  }
  if (key.length === 0) throw new TypeError("the webhook secret is empty");
  return key;
}

function bytesOf(payload: string | Uint8Array): Buffer {
  return typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
}

function digest(key: Buffer, webhookId: string, timestamp: number, body: Buffer): Buffer {
  return createHmac("sha256", key).update(`${webhookId}.${timestamp}.`).update(body).digest();
}

/** The `v1,<base64>` signature of a delivery: HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}". */
export function signWebhook(
  secret: string | Uint8Array, webhookId: string, timestamp: number, payload: string | Uint8Array,
): string {
  return `v1,${digest(keyOf(secret), webhookId, timestamp, bytesOf(payload)).toString("base64")}`;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(" ") : (value as string | undefined);
  }
  return undefined;
}

function timestampOf(text: string, tolerance: number): number {
  if (!/^\d+$/.test(text.trim())) throw new WebhookVerificationError(`webhook-timestamp "${text}" is not Unix seconds`);
  const timestamp = Number(text.trim());
  // A replayed delivery carries its old timestamp, which the signature covers.
  const now = Date.now() / 1000;
  if (timestamp < now - tolerance) {
    throw new WebhookVerificationError(`webhook-timestamp is too old (${Math.floor(now - timestamp)} s ago)`);
  }
  if (timestamp > now + tolerance) {
    throw new WebhookVerificationError(`webhook-timestamp is too new (${Math.floor(timestamp - now)} s ahead)`);
  }
  return timestamp;
}

/** Whether one of the `v1,<base64>` signatures (several, space-separated, during a rotation) is `expected`,
 * compared in constant time. */
function anyMatches(signatures: string, expected: Buffer): boolean {
  let matched = false;
  for (const part of signatures.split(/\s+/)) {
    const [version, encoded = ""] = part.split(",", 2);
    if (version !== "v1" || !BASE64.test(encoded)) continue;
    const given = Buffer.from(encoded, "base64");
    // timingSafeEqual wants equal lengths; a signature's length is no secret.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

function eventOf(body: Buffer): Event {
  let event: unknown;
  try {
    event = JSON.parse(body.toString("utf8"));
  } catch {
    throw new WebhookVerificationError("the signed body is not JSON");
  }
  const record = event as Partial<Event> | null;
  if (typeof record?.id !== "string" || typeof record.type !== "string" || typeof record.subject !== "object") {
    throw new WebhookVerificationError("the signed body is not a Stride event");
  }
  return event as Event;
}

/**
 * The event of a delivery whose signature and timestamp check out; else a WebhookVerificationError.
 *
 * `payload` is the request body exactly as received (a parsed and re-serialised body does not verify);
 * `headers` the request's headers; `secret` the endpoint's `whsec_…`. Any one of several `v1,` signatures
 * may match (a rotation sends one per secret); a `webhook-timestamp` more than `tolerance` seconds from now
 * is refused. A malformed secret is a TypeError.
 */
export function verifyWebhook(
  payload: string | Uint8Array, headers: WebhookHeaders, secret: string | Uint8Array, options: VerifyOptions = {},
): Event {
  const key = keyOf(secret);
  const names = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;
  const [webhookId, stamp, signatures] = names.map((name) => header(headers, name));
  const missing = names.filter((_, index) => ![webhookId, stamp, signatures][index]);
  if (missing.length) throw new WebhookVerificationError(`the delivery has no ${missing.join(", ")} header`);
  const timestamp = timestampOf(stamp as string, options.tolerance ?? DEFAULT_TOLERANCE);
  const body = bytesOf(payload);
  if (!anyMatches(signatures as string, digest(key, webhookId as string, timestamp, body))) {
    throw new WebhookVerificationError("no signature of webhook-signature matches the secret");
  }
  return eventOf(body);
}
