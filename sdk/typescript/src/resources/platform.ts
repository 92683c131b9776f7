// `client.platform`: integrations and their API keys (CONTRACT §1.2; manage:platform), and the webhook
// endpoints and reminders of §8 (events.ts).
import type { RequestBody, ResponseBody } from "../schema.js";
import type { RequestOptions, Transport } from "../transport.js";
import { pathId } from "./collection.js";
import { Reminders, Webhooks } from "./events.js";

const APPLICATIONS = "/api/v1/platform/applications";

export class ApiKeys {
  constructor(private readonly transport: Transport) {}
  /** A new key; its secret `key` (`sk_…`) is returned only this once. */
  create(applicationId: string, options?: RequestOptions): Promise<ResponseBody<"keys-create">> {
    return this.transport.request({ method: "POST", path: `${APPLICATIONS}/${pathId(applicationId)}/keys`, options });
  }
  list(applicationId: string, options?: RequestOptions): Promise<ResponseBody<"keys-list">> {
    return this.transport.request({ method: "GET", path: `${APPLICATIONS}/${pathId(applicationId)}/keys`, options });
  }
  revoke(applicationId: string, keyId: string, options?: RequestOptions): Promise<void> {
    return this.transport.request({
      method: "DELETE", path: `${APPLICATIONS}/${pathId(applicationId)}/keys/${pathId(keyId)}`, options,
    });
  }
}

export class Applications {
  readonly keys: ApiKeys;
  constructor(private readonly transport: Transport) {
    this.keys = new ApiKeys(transport);
  }
  list(options?: RequestOptions): Promise<ResponseBody<"applications-list">> {
    return this.transport.request({ method: "GET", path: APPLICATIONS, options });
  }
  get(id: string, options?: RequestOptions): Promise<ResponseBody<"applications-get">> {
    return this.transport.request({ method: "GET", path: `${APPLICATIONS}/${pathId(id)}`, options });
  }
  create(body: RequestBody<"applications-create">, options?: RequestOptions)
    : Promise<ResponseBody<"applications-create">> {
    return this.transport.request({ method: "POST", path: APPLICATIONS, body, options });
  }
  update(id: string, body: RequestBody<"applications-update">, options?: RequestOptions)
    : Promise<ResponseBody<"applications-update">> {
    return this.transport.request({ method: "PATCH", path: `${APPLICATIONS}/${pathId(id)}`, body, options });
  }
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.transport.request({ method: "DELETE", path: `${APPLICATIONS}/${pathId(id)}`, options });
  }
}

export class Platform {
  readonly applications: Applications;
  /** Webhook endpoints, their secrets and delivery attempts (§8.2). */
  readonly webhooks: Webhooks;
  readonly reminders: Reminders;
  constructor(transport: Transport) {
    this.applications = new Applications(transport);
    this.webhooks = new Webhooks(transport);
    this.reminders = new Reminders(transport);
  }
}
