import { ApiError } from '../errors.js';
import { qiKey, type Relationship, type SchemaSnapshot } from '../schema-cache.js';

/** Similarity in [0, 1] from the edit distance, for "Perhaps you meant …" hints. */
export function similarity(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 1;
  const prev = new Array<number>(t.length + 1);
  for (let j = 0; j <= t.length; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (s[i - 1] === t[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return 1 - (prev[t.length] as number) / Math.max(s.length, t.length, 1);
}

export function bestMatch(candidates: Iterable<string>, target: string, minScore: number): string | null {
  let best: string | null = null;
  let bestScore = minScore;
  for (const c of candidates) {
    const score = similarity(c, target);
    if (score >= bestScore && (best === null || score > bestScore)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

const fmtCols = (cols: string[]) => `(${cols.join(', ')})`;

function cardinalityName(r: Relationship): string {
  switch (r.cardinality) {
    case 'm2o':
      return 'many-to-one';
    case 'o2m':
      return 'one-to-many';
    case 'o2o':
      return 'one-to-one';
    case 'm2m':
      return 'many-to-many';
  }
}

/** The `details` entries of PGRST201 (Error.hs compressedRel). */
function describeRel(r: Relationship): Record<string, string> {
  // As PostgREST, which does not expect computed relationships to be ambiguous.
  if (r.function) return {};
  const relationship =
    r.cardinality === 'm2m' && r.junction
      ? `${r.junction.table.name} using ${r.junction.constraint1}${fmtCols(r.junction.sourceColumns.map(([, j]) => j))} and ${r.junction.constraint2}${fmtCols(r.junction.targetColumns.map(([, j]) => j))}`
      : `${r.constraint} using ${r.table.name}${fmtCols(r.columns.map(([c]) => c))} and ${r.foreignTable.name}${fmtCols(r.columns.map(([, f]) => f))}`;
  return {
    cardinality: cardinalityName(r),
    embedding: `${r.table.name} with ${r.foreignTable.name}`,
    relationship,
  };
}

function relHint(r: Relationship): string {
  const via = r.cardinality === 'm2m' && r.junction ? r.junction.table.name : r.constraint;
  return `'${r.foreignTable.name}!${via}'`;
}

const singleCol = (r: Relationship): [string, string] | null =>
  r.cardinality !== 'm2m' && r.columns.length === 1 ? (r.columns[0] as [string, string]) : null;

/**
 * Plan.hs findRel: the relationship `origin?select=target!hint(...)` refers to. The target is a
 * table/view name (or, without a hint, an FK constraint or FK column name); the hint an FK
 * constraint, a column on either side, or the junction table of a many-to-many.
 */
export function findRelationship(
  snapshot: SchemaSnapshot,
  schema: string,
  origin: string,
  target: string,
  hint: string | undefined,
): Relationship {
  const all = (snapshot.relationships.get(qiKey(schema, origin)) ?? []).filter(
    (r) => r.foreignTable.schema === schema,
  );
  const matches = all.filter((r) => {
    // A computed relationship is named by its function, whatever the hint.
    if (r.function) return r.function.name === target;
    const col = singleCol(r);
    if (r.isSelf) {
      if (hint === undefined) {
        return (
          (target === r.foreignTable.name && r.cardinality === 'o2m') ||
          (col !== null && col[0] === target && r.cardinality === 'm2o')
        );
      }
      return target === r.foreignTable.name && r.cardinality === 'o2m' && col !== null && col[1] === hint;
    }
    if (hint === undefined) {
      return (
        target === r.foreignTable.name ||
        (r.cardinality !== 'm2m' && r.constraint === target && !r.foreignTableIsView) ||
        (col !== null && col[0] === target && !r.foreignTableIsView)
      );
    }
    return (
      target === r.foreignTable.name &&
      ((r.cardinality !== 'm2m' && r.constraint === hint) ||
        (col !== null && (col[0] === hint || col[1] === hint)) ||
        (r.cardinality === 'm2m' && r.junction?.table.name === hint))
    );
  });
  if (matches.length === 1) return matches[0] as Relationship;
  if (matches.length > 1) {
    throw new ApiError(
      300,
      'PGRST201',
      `Could not embed because more than one relationship was found for '${origin}' and '${target}'`,
      matches.map(describeRel),
      `Try changing '${target}' to one of the following: ${matches.map(relHint).join(', ')}. Find the desired relationship in the 'details' key.`,
    );
  }
  let suggestion: string | null = null;
  if (snapshot.relationships.has(qiKey(schema, origin))) {
    const children = all.map((r) => r.foreignTable.name).filter((n) => n !== target);
    const child = bestMatch(new Set(children), target, 0.33);
    if (child) suggestion = `Perhaps you meant '${child}' instead of '${target}'.`;
  } else {
    const parents = [...snapshot.relationships.keys()]
      .map((k) => k.split('\u0000'))
      .filter(([s]) => s === schema)
      .map(([, n]) => n as string);
    const parent = bestMatch(new Set(parents), origin, 0.33);
    if (parent) suggestion = `Perhaps you meant '${parent}' instead of '${origin}'.`;
  }
  throw new ApiError(
    400,
    'PGRST200',
    `Could not find a relationship between '${origin}' and '${target}' in the schema cache`,
    `Searched for a foreign key relationship between '${origin}' and '${target}'${hint === undefined ? '' : ` using the hint '${hint}'`} in the schema '${schema}', but no matches were found.`,
    suggestion,
  );
}

export const isToOne = (r: Relationship) => r.cardinality === 'm2o' || r.cardinality === 'o2o';
