import type { SchemaSnapshot } from './schema-cache.js';

/**
 * A minimal OpenAPI 2.0 description of a schema for `GET /rest/v1/` (PostgREST serves a full
 * one; clients such as supabase-js never read it): its tables with their columns, and its
 * functions.
 */
export function openApiDocument(snapshot: SchemaSnapshot, schema: string, basePath: string) {
  const paths: Record<string, unknown> = {
    '/': { get: { produces: ['application/openapi+json', 'application/json'] } },
  };
  const definitions: Record<string, unknown> = {};
  for (const table of snapshot.tables.values()) {
    if (table.schema !== schema) continue;
    const operations: Record<string, unknown> = { get: { tags: [table.name] } };
    if (table.insertable) operations.post = { tags: [table.name] };
    if (table.updatable) operations.patch = { tags: [table.name] };
    if (table.deletable) operations.delete = { tags: [table.name] };
    paths[`/${table.name}`] = operations;
    definitions[table.name] = {
      type: 'object',
      required: table.columnList
        .filter((c) => !c.nullable && c.default === null && !c.generated)
        .map((c) => c.name),
      properties: Object.fromEntries(
        table.columnList.map((c) => [
          c.name,
          {
            format: c.type,
            ...(table.primaryKey.includes(c.name)
              ? { description: 'Note:\nThis is a Primary Key.<pk/>' }
              : {}),
          },
        ]),
      ),
    };
  }
  for (const routines of snapshot.routines.values()) {
    for (const r of routines) {
      if (r.schema !== schema) continue;
      paths[`/rpc/${r.name}`] = {
        post: {
          tags: [`(rpc) ${r.name}`],
          parameters: [
            {
              in: 'body',
              name: 'args',
              required: true,
              schema: {
                type: 'object',
                required: r.params.filter((p) => p.required).map((p) => p.name),
                properties: Object.fromEntries(r.params.map((p) => [p.name, { format: p.type }])),
              },
            },
          ],
        },
      };
    }
  }
  return {
    swagger: '2.0',
    info: { title: 'Harmony REST API', description: 'PostgREST-compatible API', version: '12.2.0' },
    basePath,
    schemes: ['http'],
    consumes: ['application/json', 'application/vnd.pgrst.object+json', 'text/csv'],
    produces: ['application/json', 'application/vnd.pgrst.object+json', 'text/csv'],
    paths,
    definitions,
  };
}
