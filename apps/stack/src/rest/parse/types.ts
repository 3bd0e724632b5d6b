/** The parsed form of a request, before it meets the schema cache (ApiRequest/Types.hs). */

export type JsonOperand = { kind: 'key'; value: string } | { kind: 'idx'; value: string };
export interface JsonOperation {
  arrow: '->' | '->>';
  operand: JsonOperand;
}
export type JsonPath = JsonOperation[];

/** A column (or `*`) with an optional JSON path: `data->a->>b`. */
export interface Field {
  name: string;
  jsonPath: JsonPath;
}

export type AggregateFunction = 'sum' | 'avg' | 'count' | 'max' | 'min';
export type JoinType = 'inner' | 'left';

export interface SelectField {
  type: 'field';
  field: Field;
  alias?: string;
  cast?: string;
  aggregate?: AggregateFunction;
  aggregateCast?: string;
}

export interface SelectRelation {
  type: 'relation';
  relation: string;
  alias?: string;
  hint?: string;
  joinType?: JoinType;
  /** `...rel(cols)`: the embedded columns are lifted into the parent. */
  spread: boolean;
  children: SelectItem[];
}

export type SelectItem = SelectField | SelectRelation;

export type SimpleOperator = 'neq' | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj';
export type QuantOperator = 'eq' | 'gte' | 'gt' | 'lte' | 'lt' | 'like' | 'ilike' | 'match' | 'imatch';
export type FtsOperator = 'fts' | 'plfts' | 'phfts' | 'wfts';
export type IsValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown';

export type Operation =
  | { kind: 'simple'; op: SimpleOperator; value: string }
  | { kind: 'quant'; op: QuantOperator; quantifier?: 'any' | 'all'; value: string }
  | { kind: 'in'; values: string[] }
  | { kind: 'is'; value: IsValue }
  | { kind: 'isdistinct'; value: string }
  | { kind: 'fts'; op: FtsOperator; language?: string; value: string };

export interface OpExpr {
  negated: boolean;
  operation: Operation;
}

export interface Filter {
  field: Field;
  expr: OpExpr;
}

export type LogicTree =
  | { kind: 'filter'; filter: Filter }
  | { kind: 'expr'; negated: boolean; operator: 'and' | 'or'; children: LogicTree[] };

export interface OrderTerm {
  /** `rel(col)`: order by a column of a to-one embedded resource. */
  relation?: string;
  field: Field;
  direction?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** Names of embedded resources leading to the node a parameter applies to; [] = the root. */
export type EmbedPath = string[];

/** Rows offset … offset+limit-1; limit null = unbounded. */
export interface Range {
  offset: number;
  limit: number | null;
}

export const ALL_ROWS: Range = Object.freeze({ offset: 0, limit: null }) as Range;

export interface QueryParams {
  /** The query string with its parameters sorted, for Content-Location. */
  canonical: string;
  /** RPC GET/HEAD: parameters without an operator are the function's arguments. */
  rpcParams: [string, string][];
  ranges: { path: EmbedPath; range: Range }[];
  order: { path: EmbedPath; terms: OrderTerm[] }[];
  logic: { path: EmbedPath; tree: LogicTree }[];
  columns: string[] | null;
  select: SelectItem[];
  filters: { path: EmbedPath; filter: Filter }[];
  onConflict: string[] | null;
}

export type MediaType =
  | { kind: 'json' }
  | { kind: 'any' }
  | { kind: 'csv' }
  | { kind: 'text' }
  | { kind: 'xml' }
  | { kind: 'octet' }
  | { kind: 'urlencoded' }
  | { kind: 'openapi' }
  | { kind: 'geojson' }
  | { kind: 'object'; stripNulls: boolean }
  | { kind: 'array-strip' }
  /** `application/vnd.pgrst.plan+json|+text; for="…"; options=analyze|…`: EXPLAIN instead of rows. */
  | { kind: 'plan'; format: 'json' | 'text'; for: MediaType; options: PlanOption[] }
  | { kind: 'other'; raw: string };

export type PlanOption = 'analyze' | 'verbose' | 'settings' | 'buffers' | 'wal';

export interface Preferences {
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  representation?: 'representation' | 'minimal' | 'headers-only';
  count?: 'exact' | 'planned' | 'estimated';
  transaction?: 'commit' | 'rollback';
  missing?: 'default' | 'null';
  handling?: 'strict' | 'lenient';
  timezone?: string;
  maxAffected?: number;
  /** Preferences that were not understood (an error with handling=strict). */
  invalid: string[];
}

export type Mutation = 'create' | 'update' | 'upsert' | 'delete';

export type Action =
  | { kind: 'read'; headersOnly: boolean }
  | { kind: 'mutate'; mutation: Mutation }
  | { kind: 'call'; method: 'get' | 'head' | 'post' }
  | { kind: 'schema'; headersOnly: boolean };

export type Payload =
  /** A JSON object or array of objects; keys = the columns/arguments it sets. */
  | { kind: 'json'; raw: string; keys: string[]; isObject: boolean }
  /** A raw body for a function's single unnamed text/xml/bytea parameter. */
  | { kind: 'raw'; raw: string };

export interface ApiRequest {
  action: Action;
  /** Table/view name, or function name for calls. */
  target: string;
  schema: string;
  negotiatedByProfile: boolean;
  method: string;
  path: string;
  query: QueryParams;
  /** Rows requested from the root (limit/offset combined with the Range header). */
  topLevelRange: Range;
  payload: Payload | null;
  /** Columns written by a mutation (payload keys or `columns`), or RPC argument names. */
  columns: string[];
  preferences: Preferences;
  accept: MediaType[];
  contentType: MediaType;
  headers: Record<string, string>;
  cookies: Record<string, string>;
}
