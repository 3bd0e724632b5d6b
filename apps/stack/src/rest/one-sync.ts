import pg from 'pg';

/** One statement of a pipeline: its text, its parameters, and its prepared-statement name if any. */
export interface PipelineStep {
  text: string;
  values?: unknown[];
  name?: string;
}

/** The rows of each step, as PostgreSQL's text (no type parsing: every column the REST layer reads is text). */
export type StepRows = (string | null)[][];

/** The parts of node-postgres's Connection a pipeline writes with (lib/connection.js). */
interface WireConnection {
  stream: { cork?(): void; uncork?(): void };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(message: { text: string; name?: string }): void;
  bind(message: { statement?: string; values: unknown[] }): void;
  execute(message: { portal?: string; rows?: number }): void;
  sync(): void;
}

/** pg's own mapping of JS values to parameter text (the one client.query applies). */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils
  .prepareValue;

/**
 * Several statements under a single Sync, as one node-postgres query: each is sent as Parse
 * (unless its named statement is already prepared on the connection), Bind and Execute, then one
 * Sync ends the lot. PostgreSQL answers with one ReadyForQuery and flushes once, where a query per
 * statement costs a Sync, a ReadyForQuery and a flush each. On an error PostgreSQL skips to the
 * Sync: the statements after the failing one do not run, and a transaction the steps opened is
 * left aborted for the caller to roll back.
 *
 * node-postgres routes every answer to the query in flight (handle* below) and records a Parse
 * as done under the query's `name`/`text`; those point at the step being answered, so the
 * connection's list of prepared statements stays exact, including after an error.
 */
export class OneSyncPipeline {
  /** The step being answered (read by the client on ParseComplete and ErrorResponse). */
  name: string | undefined;
  text: string | undefined;
  private readonly rows: StepRows[];
  private answered = 0;
  private parsedHere: boolean[] = [];

  constructor(
    private readonly steps: PipelineStep[],
    public callback: (error: Error | null, rows?: StepRows[]) => void,
  ) {
    this.rows = steps.map(() => []);
    this.point();
  }

  /** Runs `steps` on a client that is not in pipeline mode; resolves with each step's rows. */
  static run(client: pg.ClientBase, steps: PipelineStep[]): Promise<StepRows[]> {
    return new Promise((resolve, reject) => {
      const pipeline = new OneSyncPipeline(steps, (error, rows) =>
        error ? reject(error) : resolve(rows as StepRows[]),
      );
      client.query(pipeline as unknown as pg.Submittable);
    });
  }

  submit(connection: WireConnection): Error | null {
    let values: unknown[][];
    try {
      values = this.steps.map((step) => (step.values ?? []).map((value) => prepareValue(value)));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    connection.stream.cork?.();
    try {
      this.steps.forEach((step, i) => {
        const prepared =
          step.name !== undefined &&
          (connection.parsedStatements[step.name] !== undefined ||
            connection.submittedNamedStatements[step.name] !== undefined);
        if (!prepared) {
          connection.parse({ text: step.text, ...(step.name ? { name: step.name } : {}) });
          if (step.name) connection.submittedNamedStatements[step.name] = step.text;
        }
        this.parsedHere[i] = !prepared;
        connection.bind({ ...(step.name ? { statement: step.name } : {}), values: values[i] as unknown[] });
        connection.execute({});
      });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(): void {}

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.rows[this.answered]?.push(message.fields);
  }

  handleCommandComplete(): void {
    this.answered++;
    this.point();
  }

  handleEmptyQuery(): void {
    this.handleCommandComplete();
  }

  handleError(error: Error, connection?: WireConnection): void {
    // The steps after the failing one were skipped: their Parse never happened.
    if (connection)
      this.steps.forEach((step, i) => {
        if (i > this.answered && step.name && this.parsedHere[i])
          delete connection.submittedNamedStatements[step.name];
      });
    this.callback(error);
  }

  handleReadyForQuery(): void {
    this.callback(null, this.rows);
  }

  private point(): void {
    const step = this.steps[this.answered];
    this.name = step?.name;
    this.text = step?.text;
  }
}
