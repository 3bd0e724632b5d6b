import type {
  AggregateFunction,
  Field,
  JoinType,
  JsonPath,
  MediaType,
  OpExpr,
  Range,
} from '../parse/types.js';
import type { Column, QualifiedName, Relationship, Routine, RoutineParam, Table } from '../schema-cache.js';

/** A column reference resolved against the schema cache (CoercibleField). */
export interface PlanField {
  name: string;
  jsonPath: JsonPath;
  /** Apply `to_jsonb()` before the JSON path (the column is not json/jsonb). */
  toJson: boolean;
  /** Full-text search on a non-tsvector column: wrap it in `to_tsvector([language,] col)`. */
  toTsVector?: { language?: string };
}

export interface PlanSelectField {
  field: PlanField;
  alias?: string;
  /** Cast of the column (the aggregate's input when there is one). */
  cast?: string;
  /** `col.sum()`, `count()` (field `*`): the node's other columns become its GROUP BY. */
  aggregate?: AggregateFunction;
  /** `col.sum()::int`: cast of the aggregate's result. */
  aggregateCast?: string;
}

export type PlanFilter =
  | { kind: 'filter'; field: PlanField; expr: OpExpr }
  /** `rel=is.null` / `rel=not.is.null` on an embedded resource. */
  | { kind: 'null-embed'; isNull: boolean; aggAlias: string; toOne: boolean };

export type PlanLogicTree =
  | { kind: 'stmt'; filter: PlanFilter }
  | { kind: 'expr'; negated: boolean; operator: 'and' | 'or'; children: PlanLogicTree[] };

export type PlanOrderTerm =
  | { kind: 'field'; field: PlanField; direction?: 'asc' | 'desc'; nulls?: 'first' | 'last' }
  | {
      kind: 'relation';
      aggAlias: string;
      field: Field;
      direction?: 'asc' | 'desc';
      nulls?: 'first' | 'last';
    };

export const SOURCE_CTE = 'pgrst_source';

/** One node of the read plan tree (ReadPlan.hs): the root or an embedded resource. */
export interface ReadPlan {
  /** The relation read; `{schema: '', name: 'pgrst_source'}` for the root of writes and calls. */
  from: QualifiedName;
  /** SQL alias of `from` (embeds and CTE roots). */
  fromAlias: string | null;
  /** Known columns of the relation, if it is a table/view in the cache. */
  table: Table | null;
  select: PlanSelectField[];
  where: PlanLogicTree[];
  order: PlanOrderTerm[];
  range: Range;
  relName: string;
  relAlias?: string;
  relHint?: string;
  joinType?: JoinType;
  spread: boolean;
  rel: Relationship | null;
  /** Alias of the lateral subquery this node becomes inside its parent. */
  aggAlias: string;
  depth: number;
  children: ReadPlan[];
}

export interface MutatePlan {
  kind: 'insert' | 'update' | 'delete';
  table: Table;
  columns: Column[];
  payload: { raw: string; isObject: boolean } | null;
  onConflict: { resolution: 'merge-duplicates' | 'ignore-duplicates'; columns: string[] } | null;
  /** PUT: the row must match the primary key filters of the URL. */
  putConditions: PlanLogicTree[];
  where: PlanLogicTree[];
  /** RETURNING columns: [] for `RETURNING 1`, ['*'] for all. */
  returning: string[];
  applyDefaults: boolean;
}

export type CallArgs =
  | { kind: 'direct'; values: Map<string, string[]> }
  | { kind: 'json'; raw: string }
  | { kind: 'raw'; raw: string };

export interface CallPlan {
  routine: Routine;
  /** The parameters being passed, or the function's single unnamed parameter. */
  params: RoutineParam[] | { positional: RoutineParam };
  args: CallArgs;
  scalar: boolean;
  setOfScalar: boolean;
  /** Columns taken from the function's result ([] = all). */
  returning: string[];
}

/** How the body is aggregated in SQL (MediaHandler). */
export type BodyHandler = 'json' | 'json-strip' | 'single' | 'single-strip' | 'csv' | 'geojson' | 'none';

export interface Negotiated {
  handler: BodyHandler;
  media: MediaType;
}

export type ActionPlan =
  | { kind: 'read'; read: ReadPlan; negotiated: Negotiated; headersOnly: boolean }
  | { kind: 'mutate'; read: ReadPlan; mutate: MutatePlan; negotiated: Negotiated }
  | { kind: 'call'; read: ReadPlan; call: CallPlan; negotiated: Negotiated; readOnly: boolean };
