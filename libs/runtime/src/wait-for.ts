import { Logger } from '@nestjs/common';

/**
 * Start-up waits for its dependencies (NATS, the database) with back-off and one clear log line per
 * attempt instead of crashing, so pods started before NATS or PostgreSQL come up by themselves.
 */
export async function waitFor<T>(what: string, attempt: () => Promise<T>, options: { maxWaitMs?: number; log?: Logger } = {}): Promise<T> {
  const log = options.log ?? new Logger('Startup');
  const deadline = Date.now() + (options.maxWaitMs ?? 120_000);
  let delay = 250;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      // A refusal that no retry can change (NATS credentials the server rejects): stop with it now.
      if ((err as { permanent?: unknown }).permanent === true) throw err;
      const message = (err as Error).message ?? String(err);
      if (Date.now() + delay > deadline) throw new Error(`${what}: still failing after ${n} attempts: ${message}`, { cause: err });
      log.warn(`waiting for ${what} (attempt ${n}, next in ${delay} ms): ${message}`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
