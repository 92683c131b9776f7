// The public surface of the Stride TypeScript SDK.
export { Client } from "./client.js";
export type { ClientOptions, FetchLike, RequestOptions } from "./transport.js";
export { parseRetryAfter } from "./transport.js";
export { Page, PageRequest } from "./pagination.js";
export type { DeleteOptions, GetOptions, UpdateOptions } from "./resources/collection.js";
export * from "./errors.js";
export type * from "./schema.js";
