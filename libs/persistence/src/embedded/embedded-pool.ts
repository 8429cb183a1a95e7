import { EventEmitter } from 'node:events';
import type { StatementResult } from './worker-body.js';
import type { EmbeddedWorker } from './embedded-worker.js';

/** Statements that open a transaction as TypeORM and hand-written SQL send them. */
const OPENS_TRANSACTION = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
/**
 * How long a statement waits for another connection's transaction. Code that, inside a transaction, queries
 * through the pool instead of its transaction would wait for itself: this turns that hang into an error that
 * names the cause. Far longer than any transaction here takes (a batch write is milliseconds).
 */
const TRANSACTION_WAIT_MS = 60_000;

/**
 * PGlite has one session, shared by every connection TypeORM borrows. A transaction must own it from its
 * BEGIN to its COMMIT/ROLLBACK, or another connection's statement would run (and commit or roll back) inside
 * it. So the connection that opens a transaction pins the session, and other connections' statements wait
 * until the worker reports the transaction ended. Outside transactions statements from all connections go
 * out at once and run in arrival order.
 */
class Session {
  private owner: EmbeddedClient | undefined;
  private waiting: Array<() => void> = [];

  constructor(readonly worker: EmbeddedWorker) {}

  async run(client: EmbeddedClient, sql: string, params?: readonly unknown[]): Promise<StatementResult> {
    const since = Date.now();
    while (this.owner && this.owner !== client) {
      const left = TRANSACTION_WAIT_MS - (Date.now() - since);
      if (left <= 0) {
        throw Object.assign(new Error(`embedded database: waited ${TRANSACTION_WAIT_MS / 1000} s for another connection's transaction to end`), {
          code: 'EMBEDDED_TRANSACTION_WAIT',
        });
      }
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    // Taken before the statement goes out: nothing another connection sends after it may join this transaction.
    if (!this.owner && OPENS_TRANSACTION.test(sql)) this.owner = client;
    const outcome = await this.worker.run(sql, params);
    if (outcome.inTx && !this.owner) this.owner = client;
    if (!outcome.inTx && this.owner === client) this.free();
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /** A connection returned while its transaction is open: rolled back, as a closed PostgreSQL connection's is. */
  async released(client: EmbeddedClient): Promise<void> {
    if (this.owner !== client) return;
    await this.worker.run('ROLLBACK').catch(() => undefined);
    this.free();
  }

  private free(): void {
    this.owner = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}

/** One borrowed connection: node-postgres's client as TypeORM's query runner uses it. */
class EmbeddedClient extends EventEmitter {
  constructor(private readonly session: Session) {
    super();
  }

  query(sql: string, params?: readonly unknown[]): Promise<StatementResult> {
    return this.session.run(this, sql, params);
  }
}

/**
 * node-postgres's Pool as TypeORM's postgres driver uses it (`connect`, `end`, `on('error')`), over the
 * worker's one session. Given to TypeORM as `driver: embeddedDriver(worker)`; `end` closes the database.
 */
export function embeddedDriver(worker: EmbeddedWorker): { Pool: new () => EventEmitter } {
  const session = new Session(worker);
  class EmbeddedPool extends EventEmitter {
    connect(callback: (err: Error | null, client: EmbeddedClient | null, release: (err?: Error) => void) => void): void {
      const client = new EmbeddedClient(session);
      callback(null, client, () => void session.released(client));
    }

    end(callback: (err: Error | null) => void): void {
      worker.close().then(
        () => callback(null),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    }
  }
  return { Pool: EmbeddedPool };
}
