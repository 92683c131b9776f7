// `client.learning`: Cohort and Assessment (list get create update), per seed 003, plus assessment
// responses (CONTRACT §2.4).
import { PageRequest } from "../pagination.js";
import type {
  Assessment, AssessmentCreate, AssessmentResponse, AssessmentResponseCreate, AssessmentUpdate, Cohort,
  CohortCreate, CohortUpdate, ListParams, PageBody,
} from "../schema.js";
import type { RequestOptions, Transport } from "../transport.js";
import { Collection, type GetOptions, pathId, type UpdateOptions } from "./collection.js";

export class Cohorts extends Collection<"cohorts-list", Cohort, CohortCreate, CohortUpdate> {
  constructor(transport: Transport) { super(transport, "/api/v1/learning/cohorts"); }
  list(params?: ListParams<"cohorts-list">, options?: RequestOptions): PageRequest<Cohort> {
    return this.listRecords(params, options);
  }
  get(id: string, options?: GetOptions): Promise<Cohort> { return this.getRecord(id, options); }
  create(body: CohortCreate, options?: RequestOptions): Promise<Cohort> { return this.createRecord(body, options); }
  update(id: string, patch: CohortUpdate, options?: UpdateOptions): Promise<Cohort> {
    return this.updateRecord(id, patch, options);
  }
}

/** `client.learning.assessments.responses`: answers to an open assessment. */
export class AssessmentResponses {
  constructor(private readonly transport: Transport, private readonly path: string) {}
  /** Answer an open assessment as the caller (one response per person). */
  create(assessmentId: string, body: AssessmentResponseCreate, options?: RequestOptions)
    : Promise<AssessmentResponse> {
    return this.transport.request<AssessmentResponse>({
      method: "POST", path: `${this.path}/${pathId(assessmentId)}/responses`, body, options,
    });
  }
  /** Responses to an assessment the caller may see: personal records of their respondents (§1.4). */
  list(assessmentId: string, params: { limit?: number } = {}, options?: RequestOptions)
    : PageRequest<AssessmentResponse> {
    return new PageRequest((cursor) => this.transport.request<PageBody<AssessmentResponse>>({
      method: "GET", path: `${this.path}/${pathId(assessmentId)}/responses`, query: { ...params, cursor }, options,
    }));
  }
}

export class Assessments extends Collection<"assessments-list", Assessment, AssessmentCreate, AssessmentUpdate> {
  readonly responses: AssessmentResponses;
  constructor(transport: Transport) {
    super(transport, "/api/v1/learning/assessments");
    this.responses = new AssessmentResponses(transport, this.path);
  }
  list(params?: ListParams<"assessments-list">, options?: RequestOptions): PageRequest<Assessment> {
    return this.listRecords(params, options);
  }
  get(id: string, options?: GetOptions): Promise<Assessment> { return this.getRecord(id, options); }
  create(body: AssessmentCreate, options?: RequestOptions): Promise<Assessment> {
    return this.createRecord(body, options);
  }
  update(id: string, patch: AssessmentUpdate, options?: UpdateOptions): Promise<Assessment> {
    return this.updateRecord(id, patch, options);
  }
}

export class Learning {
  readonly cohorts: Cohorts;
  readonly assessments: Assessments;
  constructor(transport: Transport) {
    this.cohorts = new Cohorts(transport);
    this.assessments = new Assessments(transport);
  }
}
