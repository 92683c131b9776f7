// Shared set-up of the SDK tests: clients for the live server named by the environment.
import { randomUUID } from "node:crypto";
import { Client } from "../dist/index.js";

export const BASE_URL = required("STRIDE_BASE_URL");
export const EXEC_TOKEN = required("STRIDE_TOKEN");
export const EMPLOYEE_TOKEN = required("STRIDE_EMPLOYEE_TOKEN");
/** A server of the same database that delivers webhooks to 127.0.0.1 (optional: its tests skip without). */
export const DELIVERING_URL = process.env.STRIDE_DELIVERING_BASE_URL;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see tests/e2e/test_typescript_sdk.py)`);
  return value;
}

/** Fast retries so that retry tests do not wait on production backoff. */
export const FAST = { retryBaseDelayMs: 5, retryMaxDelayMs: 50 };

export function execClient(options = {}) {
  return new Client({ baseUrl: BASE_URL, token: EXEC_TOKEN, ...FAST, ...options });
}

export function employeeClient(options = {}) {
  return new Client({ baseUrl: BASE_URL, token: EMPLOYEE_TOKEN, ...FAST, ...options });
}

/** The executive's client on the server that delivers webhooks. */
export function deliveringClient(options = {}) {
  return new Client({ baseUrl: DELIVERING_URL, token: EXEC_TOKEN, ...FAST, ...options });
}

/** The person id (`sub`) a JWT was minted for. */
export function subjectOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).sub;
}

export const EXEC_ID = subjectOf(EXEC_TOKEN);
export const EMPLOYEE_ID = subjectOf(EMPLOYEE_TOKEN);

/** A value unique to one test, to find its own records among everyone else's. */
export function marker(prefix = "ts") {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** Every record of an async iterable. */
export async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}
