/**
 * The embedded database's worker thread: it owns the PGlite instance and answers one statement at a time,
 * so PGlite's WebAssembly work never runs on the event loop that answers the chargers
 * (docs/benchmarks.md#embedded-database-off-the-event-loop).
 *
 * `serveDatabase` is shipped to the worker as source text (embedded-worker.ts), so it must stand alone: no
 * imports, no helpers from outside its body. Types are erased and may be used freely.
 */

/** Main thread to worker: one statement (no params: may hold several statements), or close. */
export type WorkerRequest = { id: number; kind: 'query'; sql: string; params?: unknown[] } | { id: number; kind: 'close' };

/** What PGlite answers a statement with; TypeORM and sql.ts read `rows` and `affectedRows`. */
export interface StatementResult {
  rows: unknown[];
  affectedRows?: number;
  fields?: Array<{ name: string; dataTypeID: number }>;
}

/** A PGlite error carried across threads: its message and PostgreSQL fields (`code`, `constraint`, ...). */
export interface CarriedError {
  message: string;
  fields: Record<string, string | number | boolean>;
}

/** Worker to main thread. `inTx`: the one session is inside a transaction after this statement. */
export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: CarriedError }
  | { id: number; kind: 'result'; result: StatementResult; inTx: boolean }
  | { id: number; kind: 'error'; error: CarriedError; inTx: boolean }
  | { id: number; kind: 'closed' };

/** The part of PGlite the worker uses. */
interface Database {
  query(sql: string, params?: unknown[]): Promise<StatementResult>;
  exec(sql: string): Promise<StatementResult[]>;
  isInTransaction(): boolean;
  close(): Promise<void>;
}

interface DatabaseClass {
  create(dataDir: string, options: { serializers: Record<number, (value: unknown) => string> }): Promise<Database>;
}

interface Port {
  postMessage(message: WorkerReply): void;
  on(event: 'message', listener: (message: WorkerRequest) => void): void;
}

export function serveDatabase(port: Port, PGlite: DatabaseClass, dataDir: string): void {
  const carry = (err: unknown): CarriedError => {
    const fields: Record<string, string | number | boolean> = {};
    if (typeof err === 'object' && err !== null) {
      for (const [key, value] of Object.entries(err)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
      }
    }
    // Emscripten's file-system errors are plain objects ({ errno }): their fields are the message then.
    const message = err instanceof Error ? err.message : typeof err === 'object' && err !== null ? JSON.stringify(err) : String(err);
    return { message, fields };
  };
  // PostgreSQL boolean parameters as TypeORM sends them (true, 'true', 1): what typeorm-pglite's driver did.
  const bool = (value: unknown): string =>
    value === true || value === 'true' || value === 1 ? 'TRUE' : value === false || value === 'false' || value === 0 ? 'FALSE' : String(value);
  let db: Database | undefined;
  // Statements run strictly in arrival order: the main thread's transaction pinning relies on it.
  let queue: Promise<void> = Promise.resolve();
  const handle = async (msg: WorkerRequest): Promise<void> => {
    if (!db) return;
    if (msg.kind === 'close') {
      await db.close().catch(() => undefined);
      db = undefined;
      port.postMessage({ id: msg.id, kind: 'closed' });
      return;
    }
    try {
      // Without parameters the text may hold several statements (migrations); the last one's result counts.
      const result = msg.params?.length ? await db.query(msg.sql, msg.params) : ((await db.exec(msg.sql)).at(-1) ?? { rows: [] });
      port.postMessage({
        id: msg.id,
        kind: 'result',
        result: { rows: result.rows, affectedRows: result.affectedRows, fields: result.fields },
        inTx: db.isInTransaction(),
      });
    } catch (err) {
      port.postMessage({ id: msg.id, kind: 'error', error: carry(err), inTx: db.isInTransaction() });
    }
  };
  port.on('message', (msg) => {
    queue = queue.then(() => handle(msg));
  });
  PGlite.create(dataDir, { serializers: { 16: bool } }).then(
    (opened) => {
      db = opened;
      port.postMessage({ kind: 'ready' });
    },
    (err: unknown) => port.postMessage({ kind: 'failed', error: carry(err) }),
  );
}
