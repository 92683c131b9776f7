// The Stride client: one Transport (auth, retries, errors) shared by namespaces shaped like the seeds,
// `client.performance.goals`, `client.okr.keyResults`, `client.learning.assessments`, `client.reviews…`,
// plus `client.platform…` and `client.events`.
import type { Query } from "./query.js";
import { Events } from "./resources/events.js";
import { Learning, Okr, Performance } from "./resources/generated.js";
import { Platform } from "./resources/platform.js";
import { PerformanceReviews } from "./resources/reviews.js";
import { type Call, type ClientOptions, type RequestOptions, Transport } from "./transport.js";

export class Client {
  /** Personal goals and learning records (seed 000). */
  readonly performance: Performance;
  /** Objectives and key results (seed 002). */
  readonly okr: Okr;
  /** Cohorts and assessments (seed 003). */
  readonly learning: Learning;
  /** The Performance reviews API under /api/performance (seed 001). */
  readonly reviews: PerformanceReviews;
  /** Applications and API keys, webhook endpoints, reminders. */
  readonly platform: Platform;
  /** The tenant's events, oldest first (CONTRACT §8.1). */
  readonly events: Events;
  private readonly transport: Transport;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
    this.performance = new Performance(this.transport);
    this.okr = new Okr(this.transport);
    this.learning = new Learning(this.transport);
    this.reviews = new PerformanceReviews(this.transport);
    this.platform = new Platform(this.transport);
    this.events = new Events(this.transport);
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Any other endpoint, with the same authentication, retries and typed errors. */
  request<T = unknown>(
    method: Call["method"], path: string, init: RequestOptions & { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const { body, query, ...options } = init;
    return this.transport.request<T>({ method, path, body, query, options });
  }
}
