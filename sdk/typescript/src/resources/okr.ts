// `client.okr`: Objective and KeyResult (list get create update delete), per seed 002, plus the
// check-in extension of CONTRACT §2.4.
import type { PageRequest } from "../pagination.js";
import type {
  CheckIn, KeyResult, KeyResultCreate, KeyResultUpdate, ListParams, Objective, ObjectiveCreate, ObjectiveUpdate,
} from "../schema.js";
import type { RequestOptions, Transport } from "../transport.js";
import { Collection, type DeleteOptions, type GetOptions, pathId, type UpdateOptions } from "./collection.js";

export class Objectives extends Collection<"objectives-list", Objective, ObjectiveCreate, ObjectiveUpdate> {
  constructor(transport: Transport) { super(transport, "/api/v1/okr/objectives"); }
  list(params?: ListParams<"objectives-list">, options?: RequestOptions): PageRequest<Objective> {
    return this.listRecords(params, options);
  }
  get(id: string, options?: GetOptions): Promise<Objective> { return this.getRecord(id, options); }
  create(body: ObjectiveCreate, options?: RequestOptions): Promise<Objective> {
    return this.createRecord(body, options);
  }
  update(id: string, patch: ObjectiveUpdate, options?: UpdateOptions): Promise<Objective> {
    return this.updateRecord(id, patch, options);
  }
  /** Soft delete. */
  delete(id: string, options?: DeleteOptions): Promise<void> { return this.deleteRecord(id, options); }
}

export class KeyResults extends Collection<"key-results-list", KeyResult, KeyResultCreate, KeyResultUpdate> {
  constructor(transport: Transport) { super(transport, "/api/v1/okr/key-results"); }
  list(params?: ListParams<"key-results-list">, options?: RequestOptions): PageRequest<KeyResult> {
    return this.listRecords(params, options);
  }
  get(id: string, options?: GetOptions): Promise<KeyResult> { return this.getRecord(id, options); }
  create(body: KeyResultCreate, options?: RequestOptions): Promise<KeyResult> {
    return this.createRecord(body, options);
  }
  update(id: string, patch: KeyResultUpdate, options?: UpdateOptions): Promise<KeyResult> {
    return this.updateRecord(id, patch, options);
  }
  delete(id: string, options?: DeleteOptions): Promise<void> { return this.deleteRecord(id, options); }
  /** Record a new `current` value with a note; appends to `history` and recomputes progress. */
  checkIn(id: string, checkIn: CheckIn, options?: RequestOptions): Promise<KeyResult> {
    return this.transport.request<KeyResult>({
      method: "POST", path: `${this.path}/${pathId(id)}/check-ins`, body: checkIn, options,
    });
  }
}

export class Okr {
  readonly objectives: Objectives;
  readonly keyResults: KeyResults;
  constructor(transport: Transport) {
    this.objectives = new Objectives(transport);
    this.keyResults = new KeyResults(transport);
  }
}
