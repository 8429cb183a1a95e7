/**
 * COPY ... FROM STDIN with plain `pg` (pg-copy-streams is not a dependency): a Submittable that answers
 * the server's CopyInResponse with CopyData chunks and CopyDone, the way pg-copy-streams drives
 * pg's Connection (sendCopyFromChunk / endCopyFrom).
 */
import type pg from 'pg';

interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

class CopyFrom {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (e: Error) => void;
  private failed = false;

  constructor(
    private readonly text: string,
    private readonly chunks: Buffer[],
  ) {
    this.done = new Promise((res, rej) => ((this.resolve = res), (this.reject = rej)));
  }

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: PgConnection): void {
    for (const c of this.chunks) connection.sendCopyFromChunk(c);
    connection.endCopyFrom();
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve();
  }

  handleError(err: Error): void {
    this.failed = true;
    this.reject(err);
  }
}

/** Streams `rows` (already in COPY text format, one per line) into `table (columns)`. */
export async function copyFromStdin(client: pg.Client, table: string, columns: string[], lines: string[]): Promise<void> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < lines.length; i += 5_000) chunks.push(Buffer.from(lines.slice(i, i + 5_000).join('\n') + '\n'));
  const q = new CopyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN`, chunks);
  // Submittable: pg hands it the connection; the cast is the documented extension point's shape.
  void client.query(q as unknown as pg.QueryConfig);
  await q.done;
}
