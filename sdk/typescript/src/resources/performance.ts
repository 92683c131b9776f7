// `client.performance`: PersonGoal (list get create update) and LearningRecord (list get create —
// an append-only ledger), per seed 000.
import type { PageRequest } from "../pagination.js";
import type {
  LearningRecord, LearningRecordCreate, ListParams, PersonGoal, PersonGoalCreate, PersonGoalUpdate,
} from "../schema.js";
import type { RequestOptions, Transport } from "../transport.js";
import { Collection, type GetOptions, type UpdateOptions } from "./collection.js";

export class Goals extends Collection<"goals-list", PersonGoal, PersonGoalCreate, PersonGoalUpdate> {
  constructor(transport: Transport) { super(transport, "/api/v1/performance/goals"); }
  /** Goals visible to the caller; `await` for the first page, `for await` for every goal. */
  list(params?: ListParams<"goals-list">, options?: RequestOptions): PageRequest<PersonGoal> {
    return this.listRecords(params, options);
  }
  get(id: string, options?: GetOptions): Promise<PersonGoal> { return this.getRecord(id, options); }
  create(body: PersonGoalCreate, options?: RequestOptions): Promise<PersonGoal> {
    return this.createRecord(body, options);
  }
  update(id: string, patch: PersonGoalUpdate, options?: UpdateOptions): Promise<PersonGoal> {
    return this.updateRecord(id, patch, options);
  }
}

export class LearningRecords
  extends Collection<"learning-records-list", LearningRecord, LearningRecordCreate, never> {
  constructor(transport: Transport) { super(transport, "/api/v1/performance/learning-records"); }
  list(params?: ListParams<"learning-records-list">, options?: RequestOptions): PageRequest<LearningRecord> {
    return this.listRecords(params, options);
  }
  get(id: string, options?: GetOptions): Promise<LearningRecord> { return this.getRecord(id, options); }
  create(body: LearningRecordCreate, options?: RequestOptions): Promise<LearningRecord> {
    return this.createRecord(body, options);
  }
}

export class Performance {
  readonly goals: Goals;
  readonly learningRecords: LearningRecords;
  constructor(transport: Transport) {
    this.goals = new Goals(transport);
    this.learningRecords = new LearningRecords(transport);
  }
}
