// The public surface of the Stride TypeScript SDK. Checking a webhook delivery is `verifyWebhook` of
// `@stride/sdk/webhooks` (webhooks.ts), kept apart because it needs node:crypto.
export { Client } from "./client.js";
export type { ClientOptions, FetchLike, RequestOptions } from "./transport.js";
export { parseRetryAfter } from "./transport.js";
export { Page, PageRequest } from "./pagination.js";
export type { DeleteOptions, GetOptions, UpdateOptions } from "./resources/collection.js";
export type { DeliveriesQuery, EventsQuery } from "./resources/events.js";
export * from "./errors.js";
export type * from "./schema.js";
