import pg from 'pg';

/** One statement of a pipeline: its text, its parameters, and its prepared-statement name if any. */
export interface PipelineStep {
  text: string;
  values?: unknown[];
  name?: string;
}

/** The rows of each step, as PostgreSQL's text (no type parsing: every column the REST layer reads is text). */
export type StepRows = (string | null)[][];

/** The message writers of node-postgres's Connection (lib/connection.js): each serializes, then `_send`s. */
interface MessageWriters {
  parse(this: Sink, message: { text: string; name?: string }): void;
  bind(this: Sink, message: { statement?: string; values: unknown[] }): void;
  execute(this: Sink, message: { portal?: string; rows?: number }): void;
  sync(this: Sink): void;
}

interface Sink {
  _send(buffer: Buffer): boolean;
}

/** The parts of node-postgres's Connection a pipeline uses. */
interface WireConnection extends Sink {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  once(event: 'readyForQuery' | 'end', listener: () => void): unknown;
  off(event: 'readyForQuery' | 'end', listener: () => void): unknown;
}

/**
 * Whether an error leaves no usable session behind: a broken connection, or a FATAL/PANIC
 * report after which PostgreSQL closes it. Any other error PostgreSQL reports is followed by
 * its ReadyForQuery.
 */
export function endsConnection(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  return error.severity === 'FATAL' || error.severity === 'PANIC';
}

const writers = pg.Connection.prototype as unknown as MessageWriters;

/** Collects the messages node-postgres's writers serialize, to send them in one write. */
class Messages implements Sink {
  readonly chunks: Buffer[] = [];
  _send(buffer: Buffer): boolean {
    this.chunks.push(buffer);
    return true;
  }
}

/** Parse, Bind and Execute of a statement without parameters (BEGIN, COMMIT): the same bytes every time. */
const constantSteps = new Map<string, Buffer[]>();

function constantStep(text: string): Buffer[] {
  let chunks = constantSteps.get(text);
  if (!chunks) {
    const messages = new Messages();
    writers.parse.call(messages, { text });
    writers.bind.call(messages, { values: [] });
    writers.execute.call(messages, {});
    chunks = messages.chunks;
    if (constantSteps.size >= 16) constantSteps.clear();
    constantSteps.set(text, chunks);
  }
  return chunks;
}

const SYNC = (() => {
  const messages = new Messages();
  writers.sync.call(messages);
  return messages.chunks;
})();

/** pg's own mapping of JS values to parameter text (the one client.query applies). */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils
  .prepareValue;

/**
 * Several statements under a single Sync, as one node-postgres query: each is sent as Parse
 * (unless its named statement is already prepared on the connection), Bind and Execute, then one
 * Sync ends the lot, all in one write (serialized by node-postgres's own message writers).
 * PostgreSQL answers with one ReadyForQuery and flushes once, where a query per statement costs
 * a Sync, a ReadyForQuery and a flush each. On an error PostgreSQL skips to the
 * Sync: the statements after the failing one do not run, and a transaction the steps opened is
 * left aborted for the caller to roll back. The pipeline settles only at that ReadyForQuery, so
 * the client's transaction status is current when the caller sees the error; a broken
 * connection settles it at once.
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
  private readonly parsedHere: boolean[] = [];

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
    const messages = new Messages();
    try {
      this.steps.forEach((step, i) => {
        if (step.values === undefined && step.name === undefined) {
          messages.chunks.push(...constantStep(step.text));
          return;
        }
        const prepared =
          step.name !== undefined &&
          (connection.parsedStatements[step.name] !== undefined ||
            connection.submittedNamedStatements[step.name] !== undefined);
        if (!prepared) {
          writers.parse.call(messages, { text: step.text, ...(step.name ? { name: step.name } : {}) });
          if (step.name) connection.submittedNamedStatements[step.name] = step.text;
        }
        this.parsedHere[i] = !prepared;
        writers.bind.call(messages, {
          ...(step.name ? { statement: step.name } : {}),
          values: (step.values ?? []).map((value) => prepareValue(value)),
        });
        writers.execute.call(messages, {});
      });
    } catch (error) {
      // A value pg cannot map: nothing has been sent.
      this.forgetParses(connection, -1);
      return error instanceof Error ? error : new Error(String(error));
    }
    messages.chunks.push(...SYNC);
    connection._send(Buffer.concat(messages.chunks));
    return null;
  }

  /** Not asked for (no Describe): every column is read as text. */
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
    if (connection) this.forgetParses(connection, this.answered);
    if (!connection || endsConnection(error)) {
      this.callback(error);
      return;
    }
    // node-postgres has let go of this query; its own ReadyForQuery handler runs first (it
    // records the transaction status), then this one.
    const settle = () => {
      connection.off('readyForQuery', settle);
      connection.off('end', settle);
      this.callback(error);
    };
    connection.once('readyForQuery', settle);
    connection.once('end', settle);
  }

  handleReadyForQuery(): void {
    this.callback(null, this.rows);
  }

  /** The named statements this pipeline was to parse after step `after`, which never were. */
  private forgetParses(connection: WireConnection, after: number): void {
    this.steps.forEach((step, i) => {
      if (i > after && step.name && this.parsedHere[i]) delete connection.submittedNamedStatements[step.name];
    });
  }

  private point(): void {
    const step = this.steps[this.answered];
    this.name = step?.name;
    this.text = step?.text;
  }
}
