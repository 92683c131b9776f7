// `client.events` and `client.platform.webhooks` / `.reminders` (CONTRACT §8): the tenant's events oldest
// first, webhook endpoints with their delivery attempts, and the reminders job run on demand. Checking a
// delivery's signature is `verifyWebhook` from `@stride/sdk/webhooks`.
import { PageRequest } from "../pagination.js";
import type { Delivery, Event, PageBody, QueryOf, RequestBody, ResponseBody } from "../schema.js";
import type { RequestOptions, Transport } from "../transport.js";
import { patchCall, pathId, type UpdateOptions } from "./collection.js";

const EVENTS = "/api/v1/events";
const WEBHOOKS = "/api/v1/platform/webhooks";

/** `type` takes exact types and `prefix.*`, as an array or a comma-separated string; `after` an event id. */
export type EventsQuery = Omit<QueryOf<"events-list">, "type"> & { type?: string | readonly string[] | null };
/** `status` (pending, succeeded, failed), `event_id`, `limit`; the cursor is the page iterator's. */
export type DeliveriesQuery = Omit<QueryOf<"webhooks-deliveries">, "cursor">;

function webhookPath(id: string, tail = ""): string {
  return `${WEBHOOKS}/${pathId(id)}${tail}`;
}

/** The tenant's events (§8.1): needs manage:platform (people) or view:platform (applications). */
export class Events {
  constructor(private readonly transport: Transport) {}

  /** Events oldest first: `await` is the first page, `for await` walks every later event. `after` (the last
   * event id handled) resumes there. */
  list(query: EventsQuery = {}, options: RequestOptions = {}): PageRequest<Event> {
    return new PageRequest<Event>((cursor) => this.transport.request<PageBody<Event>>({
      method: "GET", path: EVENTS, query: { ...query, after: cursor ?? query.after }, options,
    }));
  }
}

/** The delivery attempts of one endpoint, newest first (one row per attempt). */
export class Deliveries {
  constructor(private readonly transport: Transport) {}

  list(webhookId: string, query: DeliveriesQuery = {}, options: RequestOptions = {}): PageRequest<Delivery> {
    return new PageRequest<Delivery>((cursor) => this.transport.request<PageBody<Delivery>>({
      method: "GET", path: webhookPath(webhookId, "/deliveries"), query: { ...query, cursor }, options,
    }));
  }

  /** Delivers that attempt's event to the endpoint again (a new attempt, the retry schedule afresh). */
  retry(webhookId: string, deliveryId: string, options?: RequestOptions)
    : Promise<ResponseBody<"webhooks-delivery-retry">> {
    return this.transport.request({
      method: "POST", path: webhookPath(webhookId, `/deliveries/${pathId(deliveryId)}/retry`), options,
    });
  }
}

/** Webhook endpoints (§8.2; manage:platform). Deliveries are signed: check them with `verifyWebhook`. */
export class Webhooks {
  readonly deliveries: Deliveries;
  constructor(private readonly transport: Transport) {
    this.deliveries = new Deliveries(transport);
  }
  list(options?: RequestOptions): Promise<ResponseBody<"webhooks-list">> {
    return this.transport.request({ method: "GET", path: WEBHOOKS, options });
  }
  /** The endpoint, without its secret. */
  get(id: string, options?: RequestOptions): Promise<ResponseBody<"webhooks-get">> {
    return this.transport.request({ method: "GET", path: webhookPath(id), options });
  }
  /** An endpoint receiving the events `event_types` match; its `secret` (`whsec_…`) is returned only this once. */
  create(body: RequestBody<"webhooks-create">, options?: RequestOptions): Promise<ResponseBody<"webhooks-create">> {
    return this.transport.request({ method: "POST", path: WEBHOOKS, body, options });
  }
  /** Only the fields given change; `{enabled: true}` re-enables a disabled endpoint. `{version}` →
   * ConflictError (409), `{ifMatch}` → PreconditionFailedError (412) when it changed meanwhile. */
  update(id: string, patch: RequestBody<"webhooks-update">, options: UpdateOptions = {})
    : Promise<ResponseBody<"webhooks-update">> {
    return this.transport.request(patchCall(webhookPath(id), patch, options));
  }
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.transport.request({ method: "DELETE", path: webhookPath(id), options });
  }
  /** A new secret, shown once; the old one keeps signing (a second signature) for 24 h. */
  rotateSecret(id: string, options?: RequestOptions): Promise<ResponseBody<"webhooks-rotate-secret">> {
    return this.transport.request({ method: "POST", path: webhookPath(id, "/rotate-secret"), options });
  }
  /** Delivers a `webhook.ping` event now, whatever the endpoint's event types: `{event_id}`. */
  ping(id: string, options?: RequestOptions): Promise<ResponseBody<"webhooks-ping">> {
    return this.transport.request({ method: "POST", path: webhookPath(id, "/ping"), options });
  }
}

export class Reminders {
  constructor(private readonly transport: Transport) {}
  /** Writes the `reminder.*` events due now (§8.4), as the hourly job does: `{emitted}`. */
  run(options?: RequestOptions): Promise<ResponseBody<"reminders-run">> {
    return this.transport.request({ method: "POST", path: "/api/v1/platform/reminders/run", options });
  }
}
