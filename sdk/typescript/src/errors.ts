// One error class per status family, each carrying the RFC 9457 problem document the API answered
// with (CONTRACT §5), plus NetworkError/TimeoutError for requests that never got an answer.

import type { Problem } from "./schema.js";

/** The problem+json document of every Stride error (the API's `Problem` schema, plus extensions):
 * type, title, status, detail, request_id, errors (per field, on 422), current (on a 409 conflict). */
export type ProblemDocument = Problem & { [extension: string]: unknown };

export interface ErrorContext {
  method?: string;
  url?: string;
  headers?: Headers;
  cause?: unknown;
}

/** Base class of everything the SDK throws. */
export class StrideError extends Error {
  /** HTTP status; undefined when no response arrived (NetworkError). */
  readonly status: number | undefined;
  /** The problem document as the server sent it (undefined when there was no response). */
  readonly problem: ProblemDocument | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  /** The response headers (Retry-After, X-Request-Id, …). */
  readonly headers: Headers | undefined;

  constructor(message: string, status?: number, problem?: ProblemDocument, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.status = status;
    this.problem = problem;
    this.method = context.method;
    this.url = context.url;
    this.headers = context.headers;
  }

  /** Problem type URI, e.g. `https://stride.dev/problems/validation`. */
  get type(): string | undefined { return this.problem?.type; }
  get title(): string | undefined { return this.problem?.title; }
  get detail(): string | undefined { return this.problem?.detail; }
  /** The request id to quote to support (`X-Request-Id`). */
  get requestId(): string | undefined {
    return this.problem?.request_id ?? this.headers?.get("x-request-id") ?? undefined;
  }
  /** Per-field messages of a 422 (and some 400s). */
  get errors(): NonNullable<Problem["errors"]> { return this.problem?.errors ?? []; }
  /** The current record, on a 409 version conflict. */
  get current(): Problem["current"] { return this.problem?.current; }
  /** The last segment of the problem type (`validation`, `not-found`, `idempotency-in-flight`…). */
  get slug(): string | undefined { return this.problem?.type?.split("/").pop(); }
}

/** 400: a bad query parameter or an invalid state transition. */
export class BadRequestError extends StrideError {}
/** 401: missing, invalid or expired token or API key. */
export class AuthenticationError extends StrideError {}
/** 403: the record is visible but the caller lacks the permission. */
export class PermissionDeniedError extends StrideError {}
/** 404: missing, deleted, or invisible to the caller. */
export class NotFoundError extends StrideError {}
/** 405: the collection does not offer that operation. */
export class MethodNotAllowedError extends StrideError {}
/** 409: duplicate, version conflict (`current` holds the record), or idempotency key in flight. */
export class ConflictError extends StrideError {}
/** 412: `If-Match` did not match the record's version. */
export class PreconditionFailedError extends StrideError {}
/** 413: body over 1 MiB. */
export class PayloadTooLargeError extends StrideError {}
/** 415: a write body that is not JSON. */
export class UnsupportedMediaTypeError extends StrideError {}
/** 422: body validation failed; see `errors` for the fields. */
export class ValidationError extends StrideError {}
/** 429: rate limited (retried automatically, honouring Retry-After). */
export class RateLimitError extends StrideError {}
/** 5xx other than 503 (a server bug). */
export class InternalServerError extends StrideError {}
/** 503: the database is unavailable (retried automatically, honouring Retry-After). */
export class ServiceUnavailableError extends StrideError {}
/** No response: connection refused or reset, DNS failure, … (retried automatically). */
export class NetworkError extends StrideError {}
/** No response within `timeoutMs` (retried automatically). */
export class TimeoutError extends NetworkError {}
/** A webhook delivery not proven to come from Stride (`verifyWebhook` of `@stride/sdk/webhooks`): a header
 * missing or malformed, a timestamp outside the tolerance, no signature matching the secret, or a signed
 * body that is not an event. Answer it with a 4xx and do not act on it. */
export class WebhookVerificationError extends StrideError {}

const BY_STATUS: Record<number, typeof StrideError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  409: ConflictError,
  412: PreconditionFailedError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  422: ValidationError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

/** The error for an HTTP error response. `body` is the parsed JSON, or the text when not JSON. */
export function errorFromResponse(status: number, body: unknown, context: ErrorContext): StrideError {
  const problem = isProblem(body)
    ? body
    : { type: "about:blank", title: statusTitle(status), status, detail: typeof body === "string" ? body : undefined };
  const ErrorClass = BY_STATUS[status] ?? (status >= 500 ? InternalServerError : StrideError);
  const where = context.method && context.url ? ` (${context.method} ${new URL(context.url).pathname})` : "";
  const message = `${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}${where}`;
  return new ErrorClass(message, status, problem, context);
}

function isProblem(body: unknown): body is ProblemDocument {
  return typeof body === "object" && body !== null && typeof (body as ProblemDocument).title === "string"
    && typeof (body as ProblemDocument).status === "number";
}

function statusTitle(status: number): string {
  return BY_STATUS[status]?.name.replace(/Error$/, "").replace(/([a-z])([A-Z])/g, "$1 $2") ?? `HTTP ${status}`;
}
