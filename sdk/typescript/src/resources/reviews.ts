// `client.reviews`: the Performance reviews API of seed 001 under /api/performance (CONTRACT §3):
// templates, cycles, reviews, 360 feedback, pending actions, history and current goals.
import type { QueryOf, RequestBody, ResponseBody } from "../schema.js";
import type { RequestOptions, Transport } from "../transport.js";
import { pathId } from "./collection.js";

const BASE = "/api/performance";

abstract class ReviewsResource {
  constructor(protected readonly transport: Transport) {}
}

/** Review templates: the KPI items a review snapshots (extension, §3.1). */
export class Templates extends ReviewsResource {
  list(options?: RequestOptions): Promise<ResponseBody<"templates-list">> {
    return this.transport.request({ method: "GET", path: `${BASE}/templates`, options });
  }
  get(id: string, options?: RequestOptions): Promise<ResponseBody<"templates-get">> {
    return this.transport.request({ method: "GET", path: `${BASE}/templates/${pathId(id)}`, options });
  }
  create(body: RequestBody<"templates-create">, options?: RequestOptions): Promise<ResponseBody<"templates-create">> {
    return this.transport.request({ method: "POST", path: `${BASE}/templates`, body, options });
  }
  update(id: string, body: RequestBody<"templates-update">, options?: RequestOptions)
    : Promise<ResponseBody<"templates-update">> {
    return this.transport.request({ method: "PUT", path: `${BASE}/templates/${pathId(id)}`, body, options });
  }
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.transport.request({ method: "DELETE", path: `${BASE}/templates/${pathId(id)}`, options });
  }
}

/** Review cycles: draft → open ⇄ closed (§3.2). */
export class Cycles extends ReviewsResource {
  /** Executives and manage:performance see every cycle; others only open and closed ones. */
  list(options?: RequestOptions): Promise<ResponseBody<"cycles-list">> {
    return this.transport.request({ method: "GET", path: `${BASE}/cycles`, options });
  }
  /** The cycle with review progress `stats`. */
  get(id: string, options?: RequestOptions): Promise<ResponseBody<"cycles-get">> {
    return this.transport.request({ method: "GET", path: `${BASE}/cycles/${pathId(id)}`, options });
  }
  create(body: RequestBody<"cycles-create">, options?: RequestOptions): Promise<ResponseBody<"cycles-create">> {
    return this.transport.request({ method: "POST", path: `${BASE}/cycles`, body, options });
  }
  /** Name, dates, status (`{status: "open"}` opens a draft cycle). */
  update(id: string, body: RequestBody<"cycles-update">, options?: RequestOptions)
    : Promise<ResponseBody<"cycles-update">> {
    return this.transport.request({ method: "PUT", path: `${BASE}/cycles/${pathId(id)}`, body, options });
  }
  /** Draft cycles only (else BadRequestError). */
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.transport.request({ method: "DELETE", path: `${BASE}/cycles/${pathId(id)}`, options });
  }
}

/** Reviews: draft → self_assessment → in_review → ready_for_review → completed (§3.3). */
export class Reviews extends ReviewsResource {
  /** Reviews visible to the caller, filtered by `cycle_id` and `status`. */
  list(query: QueryOf<"reviews-list"> = {}, options?: RequestOptions): Promise<ResponseBody<"reviews-list">> {
    return this.transport.request({ method: "GET", path: `${BASE}/reviews`, query, options });
  }
  /** Full detail: the review, KPI ratings, goals, previous reviews and (annual) KPI aggregation. */
  get(id: string, options?: RequestOptions): Promise<ResponseBody<"reviews-get">> {
    return this.transport.request({ method: "GET", path: `${BASE}/reviews/${pathId(id)}`, options });
  }
  /** One review per user per cycle (a second → ConflictError); the cycle must be open. */
  create(body: RequestBody<"reviews-create">, options?: RequestOptions): Promise<ResponseBody<"reviews-create">> {
    return this.transport.request({ method: "POST", path: `${BASE}/reviews`, body, options });
  }
  /** Fields, KPI ratings (by id), goals (replaces the list), status transitions. */
  update(id: string, body: RequestBody<"reviews-update">, options?: RequestOptions)
    : Promise<ResponseBody<"reviews-update">> {
    return this.transport.request({ method: "PUT", path: `${BASE}/reviews/${pathId(id)}`, body, options });
  }
  /** Draft reviews only. */
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.transport.request({ method: "DELETE", path: `${BASE}/reviews/${pathId(id)}`, options });
  }
  /** Mark goals of earlier completed reviews completed / not_completed. */
  updatePreviousGoals(id: string, body: RequestBody<"reviews-previous-goals">, options?: RequestOptions)
    : Promise<ResponseBody<"reviews-previous-goals">> {
    return this.transport.request({
      method: "PUT", path: `${BASE}/reviews/${pathId(id)}/previous-goals`, body, options,
    });
  }
}

/** Feedback requests assigned to the caller, and creating them. */
export class FeedbackRequests extends ReviewsResource {
  /** The caller's pending requests as reviewer. */
  list(options?: RequestOptions): Promise<ResponseBody<"feedback-requests-list">> {
    return this.transport.request({ method: "GET", path: `${BASE}/feedback/requests`, options });
  }
  create(body: RequestBody<"feedback-requests-create">, options?: RequestOptions)
    : Promise<ResponseBody<"feedback-requests-create">> {
    return this.transport.request({ method: "POST", path: `${BASE}/feedback/requests`, body, options });
  }
  /** Auto-select the subject's peers and request feedback from each: `{created, total_peers}`. */
  bulk(body: RequestBody<"feedback-requests-bulk">, options?: RequestOptions)
    : Promise<ResponseBody<"feedback-requests-bulk">> {
    return this.transport.request({ method: "POST", path: `${BASE}/feedback/requests/bulk`, body, options });
  }
}

/** 360 feedback (§3.4). */
export class Feedback extends ReviewsResource {
  readonly requests: FeedbackRequests;
  constructor(transport: Transport) {
    super(transport);
    this.requests = new FeedbackRequests(transport);
  }
  /** Submit feedback for a pending request assigned to the caller. */
  submit(body: RequestBody<"feedback-submit">, options?: RequestOptions): Promise<ResponseBody<"feedback-submit">> {
    return this.transport.request({ method: "POST", path: `${BASE}/feedback/submit`, body, options });
  }
  /** Anonymised aggregate feedback about a user (manager+); `sufficient: false` below the minimum. */
  summary(userId: string, query: QueryOf<"feedback-summary"> = {}, options?: RequestOptions)
    : Promise<ResponseBody<"feedback-summary">> {
    return this.transport.request({
      method: "GET", path: `${BASE}/feedback/summary/${pathId(userId)}`, query, options,
    });
  }
}

/** The caller's pending actions (§3.5). */
export class PendingActions extends ReviewsResource {
  get(options?: RequestOptions): Promise<ResponseBody<"pending-get">> {
    return this.transport.request({ method: "GET", path: `${BASE}/pending`, options });
  }
}

/** Trend data over a user's completed reviews. */
export class ReviewHistory extends ReviewsResource {
  get(userId: string, options?: RequestOptions): Promise<ResponseBody<"reviews-history">> {
    return this.transport.request({ method: "GET", path: `${BASE}/reviews/history/${pathId(userId)}`, options });
  }
}

/** Goals of the caller's most recent completed review (the dashboard's "current goals"). */
export class ReviewGoals extends ReviewsResource {
  current(options?: RequestOptions): Promise<ResponseBody<"goals-current">> {
    return this.transport.request({ method: "GET", path: `${BASE}/goals/current`, options });
  }
}

export class PerformanceReviews {
  readonly templates: Templates;
  readonly cycles: Cycles;
  readonly reviews: Reviews;
  readonly feedback: Feedback;
  readonly pending: PendingActions;
  readonly history: ReviewHistory;
  readonly goals: ReviewGoals;
  constructor(transport: Transport) {
    this.templates = new Templates(transport);
    this.cycles = new Cycles(transport);
    this.reviews = new Reviews(transport);
    this.feedback = new Feedback(transport);
    this.pending = new PendingActions(transport);
    this.history = new ReviewHistory(transport);
    this.goals = new ReviewGoals(transport);
  }
}
