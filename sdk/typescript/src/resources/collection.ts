// The generic Data API collection (CONTRACT §2.1): list/get/create/update/delete over
// /api/v1/{domain}/{collection}. The entity classes generated from /openapi.json (generated.ts) expose
// only the operations each entity offers.
import { PageRequest } from "../pagination.js";
import type { ListParams, OperationId, PageBody } from "../schema.js";
import type { Call, RequestOptions, Transport } from "../transport.js";

export interface GetOptions extends RequestOptions {
  /** Also find a soft-deleted record (needs manage permission). */
  includeDeleted?: boolean;
}

export interface UpdateOptions extends RequestOptions {
  /** Send `"version": n` in the body: a record at another version → ConflictError (409) with `current`. */
  version?: number;
  /** Send `If-Match: "n"`: a record at another version → PreconditionFailedError (412). */
  ifMatch?: number | string;
}

export interface DeleteOptions extends RequestOptions {
  ifMatch?: number | string;
}

/** `If-Match` wants the ETag form, a quoted version. */
function etag(value: number | string): string {
  const text = String(value);
  return text.startsWith('"') || text.startsWith("W/") ? text : `"${text}"`;
}

export function withIfMatch(options: UpdateOptions | DeleteOptions): RequestOptions {
  if (options.ifMatch === undefined) return options;
  return { ...options, headers: { ...options.headers, "If-Match": etag(options.ifMatch) } };
}

/** A partial update: `version` goes in the body (409 on a mismatch), `ifMatch` as If-Match (412). */
export function patchCall(path: string, patch: unknown, options: UpdateOptions = {}): Call {
  const { version, ifMatch, ...rest } = options;
  const body = version === undefined ? patch : { ...(patch as object), version };
  return { method: "PATCH", path, body, options: withIfMatch({ ...rest, ifMatch }) };
}

export function pathId(id: string): string {
  if (typeof id !== "string" || id === "") throw new TypeError("an id (a non-empty string) is required");
  return encodeURIComponent(id);
}

export abstract class Collection<ListOp extends OperationId, Record, Create, Update> {
  constructor(protected readonly transport: Transport, readonly path: string) {}

  protected listRecords(params: ListParams<ListOp> = {} as ListParams<ListOp>, options: RequestOptions = {})
    : PageRequest<Record> {
    return new PageRequest<Record>((cursor) => this.transport.request<PageBody<Record>>({
      method: "GET", path: this.path, query: { ...params, cursor }, options,
    }));
  }

  protected getRecord(id: string, options: GetOptions = {}): Promise<Record> {
    const { includeDeleted, ...rest } = options;
    return this.transport.request<Record>({
      method: "GET", path: `${this.path}/${pathId(id)}`,
      query: includeDeleted ? { include_deleted: true } : undefined, options: rest,
    });
  }

  protected createRecord(body: Create, options: RequestOptions = {}): Promise<Record> {
    return this.transport.request<Record>({ method: "POST", path: this.path, body, options });
  }

  protected updateRecord(id: string, patch: Update, options: UpdateOptions = {}): Promise<Record> {
    return this.transport.request<Record>(patchCall(`${this.path}/${pathId(id)}`, patch, options));
  }

  protected deleteRecord(id: string, options: DeleteOptions = {}): Promise<void> {
    return this.transport.request<void>({
      method: "DELETE", path: `${this.path}/${pathId(id)}`, options: withIfMatch(options),
    });
  }
}
