import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock.js';
import { serveDatabase, type CarriedError, type StatementResult, type WorkerReply, type WorkerRequest } from './worker-body.js';

/** A statement's outcome, and whether the session is inside a transaction after it. */
export type Outcome = { ok: true; result: StatementResult; inTx: boolean } | { ok: false; error: Error; inTx: boolean };

/** A PGlite error rebuilt on this thread with its PostgreSQL fields, as TypeORM's QueryFailedError copies them. */
function rebuild(carried: CarriedError): Error {
  return Object.assign(new Error(carried.message), carried.fields);
}

/**
 * A worker inherits its parent's execArgv: under `node --input-type=module` (a script given with -e) the body would
 * be read as an ES module, where `require` does not exist, so that option is left out. Only then is execArgv given
 * explicitly: Node refuses an explicit list holding a process-wide option (`node --max-old-space-size=512 ...`,
 * ERR_WORKER_INVALID_EXEC_ARGV), which it accepts when inherited. If the list is still refused, none is given.
 */
function spawnWorker(source: string, workerData: { pglite: string; dataDir: string }): Worker {
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));
  if (execArgv.length === process.execArgv.length) return new Worker(source, { eval: true, workerData });
  try {
    return new Worker(source, { eval: true, execArgv, workerData });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    return new Worker(source, { eval: true, execArgv: [], workerData });
  }
}

/**
 * The embedded database (PGlite) in a worker thread: statements go out by message and come back as rows,
 * so the event loop only waits, never computes (docs/benchmarks.md#embedded-database-off-the-event-loop).
 * If the worker dies, every pending and later statement fails with the reason: nothing waits forever.
 */
export class EmbeddedWorker {
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();
  private nextId = 1;
  private dead: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly where: string,
    private readonly unlock: () => void,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (!('id' in reply)) return;
      const settle = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      this.idle();
      settle?.(reply);
    });
    worker.on('error', (err) => this.fail(new Error(`embedded database (${where}) worker failed: ${err.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`embedded database (${where}) worker stopped (exit code ${code})`)));
  }

  /** Opens PGlite on dataDir in a new worker; rejects with PGlite's own reason if it cannot open. */
  static async start(dataDir: string): Promise<EmbeddedWorker> {
    const unlock = lockDataDir(dataDir);
    const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    // The body travels as source text: a worker file of its own would need a compiled .js, which Jest's
    // TypeScript-from-source runs do not have. serveDatabase stands alone for this reason (worker-body.ts).
    const source = [
      "const { parentPort, workerData } = require('node:worker_threads');",
      'const { PGlite } = require(workerData.pglite);',
      `(${serveDatabase.toString()})(parentPort, PGlite, workerData.dataDir);`,
    ].join('\n');
    let worker: Worker;
    try {
      worker = spawnWorker(source, { pglite, dataDir });
    } catch (err) {
      unlock();
      throw err;
    }
    const host = new EmbeddedWorker(worker, dataDir, unlock);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: WorkerReply): void => {
        if (reply.kind === 'ready') done(undefined);
        else if (reply.kind === 'failed') done(new Error(`embedded database (${dataDir}) did not open: ${rebuild(reply.error).message}`));
      };
      const onExit = (code: number): void => done(new Error(`embedded database (${dataDir}) worker stopped while opening (exit code ${code})`));
      const onError = (err: Error): void => done(new Error(`embedded database (${dataDir}) worker failed while opening: ${err.message}`));
      const done = (err: Error | undefined): void => {
        worker.off('message', onMessage).off('exit', onExit).off('error', onError);
        if (err) reject(err);
        else resolve();
      };
      worker.on('message', onMessage).on('exit', onExit).on('error', onError);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      unlock();
      throw err;
    });
    host.idle();
    return host;
  }

  /** Runs one statement (without params: possibly several, the last one's result counts). */
  run(sql: string, params?: readonly unknown[]): Promise<Outcome> {
    return this.send({ id: 0, kind: 'query', sql, params: params?.length ? [...params] : undefined }).then((reply) => {
      if (reply.kind === 'result') return { ok: true, result: reply.result, inTx: reply.inTx };
      if (reply.kind === 'error') return { ok: false, error: rebuild(reply.error), inTx: reply.inTx };
      throw new Error(`embedded database (${this.where}): unexpected reply ${reply.kind}`);
    });
  }

  /** Closes PGlite (after the statements already sent) and ends the worker. */
  async close(): Promise<void> {
    if (!this.dead) await this.send({ id: 0, kind: 'close' }).catch(() => undefined);
    this.dead ??= new Error(`embedded database (${this.where}) is closed`);
    await this.worker.terminate();
    this.unlock();
  }

  private send(request: WorkerRequest): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve) => {
      this.pending.set(id, resolve);
      // A statement in flight keeps the process alive, an idle worker does not (as an idle pool does not).
      this.worker.ref();
      this.worker.postMessage({ ...request, id });
    });
  }

  private idle(): void {
    if (this.pending.size === 0) this.worker.unref();
  }

  private fail(reason: Error): void {
    this.dead ??= reason;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    this.idle();
    for (const settle of waiting) settle({ id: 0, kind: 'error', error: { message: this.dead.message, fields: {} }, inTx: false });
  }
}
