// Named types read from the generated src/openapi.ts, so every model, body and filter the SDK
// accepts or returns follows the live /openapi.json (regenerate with `npm run generate`).
import type { components, operations } from "./openapi.js";

export type { components, operations, paths } from "./openapi.js";
type Schemas = components["schemas"];

/** An operation id of the API (`goals-list`, `key-results-check-in`, `reviews-get`, …). */
export type OperationId = keyof operations;

type Content<R> = R extends { content: { "application/json": infer B } } ? B : never;

/** The JSON body an operation accepts. */
export type RequestBody<K extends OperationId> = Content<NonNullable<operations[K]["requestBody"]>>;

/** The query parameters an operation accepts. */
export type QueryOf<K extends OperationId> = NonNullable<operations[K]["parameters"]["query"]>;

/** The JSON an operation answers with on success (200, 201 or 202). */
export type ResponseBody<K extends OperationId> = operations[K]["responses"] extends infer R
  ? R extends { 200: infer A } ? Content<A> : R extends { 201: infer C } ? Content<C>
  : R extends { 202: infer Q } ? Content<Q> : undefined
  : never;

// --- Data API records ---------------------------------------------------------------------------
export type PersonGoal = Schemas["PersonGoal"];
export type PersonGoalCreate = Schemas["PersonGoalCreate"];
export type PersonGoalUpdate = Schemas["PersonGoalUpdate"];
export type LearningRecord = Schemas["LearningRecord"];
export type LearningRecordCreate = Schemas["LearningRecordCreate"];
export type Objective = Schemas["Objective"];
export type ObjectiveCreate = Schemas["ObjectiveCreate"];
export type ObjectiveUpdate = Schemas["ObjectiveUpdate"];
export type KeyResult = Schemas["KeyResult"];
export type KeyResultCreate = Schemas["KeyResultCreate"];
export type KeyResultUpdate = Schemas["KeyResultUpdate"];
export type CheckIn = Schemas["CheckIn"];
export type Cohort = Schemas["Cohort"];
export type CohortCreate = Schemas["CohortCreate"];
export type CohortUpdate = Schemas["CohortUpdate"];
export type Assessment = Schemas["Assessment"];
export type AssessmentCreate = Schemas["AssessmentCreate"];
export type AssessmentUpdate = Schemas["AssessmentUpdate"];
export type Question = Schemas["Question"];
export type Answer = Schemas["Answer"];
export type AssessmentResponse = Schemas["AssessmentResponse"];
export type AssessmentResponseCreate = Schemas["ResponseCreate"];

// --- Performance reviews API --------------------------------------------------------------------
export type Template = Schemas["Template"];
export type TemplateCreate = Schemas["TemplateCreate"];
export type TemplateUpdate = Schemas["TemplateUpdate"];
export type Cycle = Schemas["Cycle"];
export type CycleCreate = Schemas["CycleCreate"];
export type CycleUpdate = Schemas["CycleUpdate"];
export type CycleDetail = Schemas["CycleDetail"];
export type Review = Schemas["Review"];
export type ReviewCreate = Schemas["ReviewCreate"];
export type ReviewUpdate = Schemas["ReviewUpdate"];
export type ReviewDetail = Schemas["ReviewDetail"];
export type ReviewListQuery = QueryOf<"reviews-list">;
export type PreviousGoalsUpdate = Schemas["PreviousGoalsUpdate"];
export type GoalList = Schemas["GoalList"];
export type CurrentGoals = Schemas["CurrentGoals"];
export type ReviewHistory = Schemas["History"];
export type FeedbackRequest = Schemas["FeedbackRequest"];
export type FeedbackRequestCreate = Schemas["FeedbackRequestCreate"];
export type FeedbackBulkCreate = Schemas["FeedbackBulkCreate"];
export type FeedbackBulkResult = Schemas["BulkResult"];
export type FeedbackSubmit = Schemas["FeedbackSubmit"];
export type FeedbackSubmitResult = Schemas["SubmitResult"];
export type FeedbackSummary = ResponseBody<"feedback-summary">;
export type Pending = Schemas["Pending"];

// --- Platform -----------------------------------------------------------------------------------
export type Application = Schemas["Application"];
export type ApplicationCreate = Schemas["ApplicationCreate"];
export type ApplicationUpdate = Schemas["ApplicationUpdate"];
export type ApiKey = Schemas["ApiKey"];
export type ApiKeyCreated = Schemas["ApiKeyCreated"];
export type Token = Schemas["Token"];

// --- Events and webhooks (§8) -------------------------------------------------------------------
export type Event = Schemas["Event"];
export type Webhook = Schemas["Webhook"];
export type WebhookCreate = Schemas["WebhookCreate"];
export type WebhookCreated = Schemas["WebhookCreated"];
export type WebhookUpdate = Schemas["WebhookUpdate"];
export type Delivery = Schemas["Delivery"];
export type Problem = Schemas["Problem"];

// --- List filters (CONTRACT §2.5) ---------------------------------------------------------------
/** The operators of `field[op]=value`. */
export type FilterOperator = "ne" | "gt" | "gte" | "lt" | "lte" | "in" | "contains" | "is_null";

/** One field's filter: a value (equality), several values (any of), or operators. */
export type FieldFilter<V> =
  | V
  | readonly V[]
  | { ne?: V; gt?: V; gte?: V; lt?: V; lte?: V; in?: readonly V[]; contains?: V; is_null?: boolean };

type ListMeta = "limit" | "cursor" | "sort" | "q" | "mine" | "include_deleted" | "count";

/**
 * What `list()` accepts for a Data API collection: the operation's own parameters (limit, sort, q,
 * mine, include_deleted, count), plus a filter on any of its filterable fields, e.g.
 * `{ status: "at_risk", progress_pct: { gte: 50 }, sort: ["-updated_at"], limit: 20 }`.
 * The cursor is handled by the page iterator.
 */
export type ListParams<K extends OperationId> = {
  [F in Exclude<keyof QueryOf<K>, ListMeta>]?: FieldFilter<NonNullable<QueryOf<K>[F]>>;
} & {
  [M in Exclude<Extract<keyof QueryOf<K>, ListMeta>, "cursor">]?: QueryOf<K>[M];
};

/** One page of a Data API list: `{data, next_cursor, has_more, total?}`. */
export interface PageBody<T> {
  data: T[];
  next_cursor: string | null;
  has_more: boolean;
  total?: number | null;
}
