// The request logic every resource shares: authentication (a token, or an API key exchanged for one
// and renewed), retries with exponential backoff and jitter that honour Retry-After and reuse ONE
// Idempotency-Key across the attempts of a POST, timeouts, and problem+json → typed errors.
import { errorFromResponse, NetworkError, StrideError, TimeoutError } from "./errors.js";
import { appendQuery, type Query } from "./query.js";
import type { Token } from "./schema.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Where Stride runs, e.g. `https://stride.example.com` (no `/api` suffix). */
  baseUrl: string;
  /** A Stride JWT (a person's session or `stride token`). */
  token?: string;
  /** An application's API key `sk_…`: exchanged at POST /api/v1/auth/token and renewed as needed. */
  apiKey?: string;
  /** A fetch implementation (default: the global fetch). */
  fetch?: FetchLike;
  /** Retries after the first attempt on 429, 503, network errors and timeouts (default 2). */
  maxRetries?: number;
  /** Per-attempt timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** First backoff delay in milliseconds, doubled per retry, with jitter (default 500). */
  retryBaseDelayMs?: number;
  /** Cap of one backoff delay, and of an honoured Retry-After (default 30 000). */
  retryMaxDelayMs?: number;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
}

/** Per-call options every SDK method accepts as its last argument. */
export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
  /** POST only: the key to send (default: a fresh UUID, the same for every retry of this call). */
  idempotencyKey?: string;
  /** Extra query parameters, passed through as they are. */
  query?: Query;
}

export interface Call {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Query;
  body?: unknown;
  options?: RequestOptions;
  /** false for the token exchange itself. */
  authenticated?: boolean;
}

const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);
const TOKEN_PATH = "/api/v1/auth/token";

export class Transport {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly defaultHeaders: Record<string, string>;
  private readonly token: string | undefined;
  private readonly apiKey: string | undefined;
  private accessToken: string | undefined;
  private renewAt = 0;
  private renewal: Promise<string> | undefined;

  constructor(options: ClientOptions) {
    if (!options?.baseUrl) throw new TypeError("Client: baseUrl is required");
    if (options.token && options.apiKey) throw new TypeError("Client: pass either token or apiKey, not both");
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    const globalFetch = globalThis.fetch?.bind(globalThis) as FetchLike | undefined;
    const fetchImpl = options.fetch ?? globalFetch;
    if (!fetchImpl) throw new TypeError("Client: no fetch available; pass options.fetch");
    this.fetchImpl = fetchImpl;
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 30_000;
    this.defaultHeaders = options.defaultHeaders ?? {};
    this.token = options.token;
    this.apiKey = options.apiKey;
  }

  async request<T>(call: Call): Promise<T> {
    const options = call.options ?? {};
    const url = this.url(call.path, call.query, options.query);
    const authenticated = call.authenticated ?? true;
    // §2.6: one key for the whole call, so a retry of a POST whose first attempt did reach the
    // server is answered from the first response instead of creating a second record.
    const idempotencyKey = call.method === "POST" && authenticated
      ? options.idempotencyKey ?? crypto.randomUUID() : undefined;
    const maxRetries = options.maxRetries ?? this.maxRetries;
    let renewedAfter401 = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { Accept: "application/json", ...this.defaultHeaders };
      if (call.body !== undefined) headers["Content-Type"] = "application/json";
      if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
      const bearer = authenticated ? await this.bearer() : undefined;
      if (bearer) headers.Authorization = `Bearer ${bearer}`;
      Object.assign(headers, options.headers);
      const init: RequestInit = { method: call.method, headers };
      if (call.body !== undefined) init.body = JSON.stringify(call.body);

      let response: Response;
      try {
        response = await this.send(url, init, options.timeoutMs ?? this.timeoutMs, options.signal);
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        const timedOut = cause instanceof TimeoutError;
        const error = timedOut ? cause : new NetworkError(
          `Could not reach Stride (${call.method} ${url}): ${describe(cause)}`, undefined, undefined,
          { method: call.method, url, cause });
        if (attempt >= maxRetries) throw error;
        await sleep(this.backoff(attempt), options.signal);
        continue;
      }

      // An API-key token that the server no longer accepts (rotated secret, clock skew): renew once.
      if (response.status === 401 && authenticated && this.apiKey && !renewedAfter401) {
        renewedAfter401 = true;
        await response.body?.cancel();
        this.accessToken = undefined;
        attempt--;
        continue;
      }
      if (response.ok) return (await readBody(response)) as T;

      const body = await readBody(response);
      const error = errorFromResponse(response.status, body, { method: call.method, url, headers: response.headers });
      if (attempt >= maxRetries || !isRetryable(response.status, error)) throw error;
      await sleep(this.retryDelay(attempt, response.headers), options.signal);
    }
  }

  /** The bearer token to send: the static token, or the API key's current access token. */
  private async bearer(): Promise<string | undefined> {
    if (!this.apiKey) return this.token;
    if (this.accessToken && Date.now() < this.renewAt) return this.accessToken;
    this.renewal ??= this.exchangeApiKey().finally(() => { this.renewal = undefined; });
    return this.renewal;
  }

  private async exchangeApiKey(): Promise<string> {
    const token = await this.request<Token>({
      method: "POST", path: TOKEN_PATH, authenticated: false,
      options: { headers: { Authorization: `Bearer ${this.apiKey}` } },
    });
    const lifetimeMs = Math.max(0, token.expires_in * 1000);
    // Renew ahead of expiry: a minute early, or a tenth of a short lifetime.
    this.renewAt = Date.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10);
    this.accessToken = token.access_token;
    return token.access_token;
  }

  private url(path: string, query?: Query, extra?: Query): string {
    const search = new URLSearchParams();
    appendQuery(search, query);
    appendQuery(search, extra);
    const text = search.toString();
    return this.baseUrl + path + (text ? `?${text}` : "");
  }

  private async send(url: string, init: RequestInit, timeoutMs: number, signal?: AbortSignal): Promise<Response> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
    const forward = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    try {
      return await this.fetchImpl(url, { ...init, signal: controller.signal });
    } catch (cause) {
      if (timedOut) {
        throw new TimeoutError(`Stride did not answer within ${timeoutMs} ms (${init.method} ${url})`,
          undefined, undefined, { method: init.method, url, cause });
      }
      throw cause;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forward);
    }
  }

  /** Exponential backoff with jitter: base·2^attempt, capped, scaled by a random factor in [0.5, 1]. */
  backoff(attempt: number): number {
    const delay = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** attempt);
    return delay * (0.5 + Math.random() / 2);
  }

  /** Retry-After when the server gave one (seconds or an HTTP date, capped), else backoff. */
  retryDelay(attempt: number, headers: Headers): number {
    const retryAfter = parseRetryAfter(headers.get("retry-after"));
    return retryAfter === undefined ? this.backoff(attempt) : Math.min(retryAfter, this.retryMaxDelayMs);
  }
}

function isRetryable(status: number, error: StrideError): boolean {
  // A 409 for an Idempotency-Key still in flight resolves itself: the retry gets the replay.
  return RETRY_STATUSES.has(status) || (status === 409 && error.slug === "idempotency-in-flight");
}

/** Milliseconds to wait from a Retry-After value, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try { return JSON.parse(text); } catch { return text; }
  }
  return text;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal?.removeEventListener("abort", onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal?.reason); };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
