/** A named check the readiness probe runs; the process is ready only when every check answers true. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
  /** Why it failed, for the probe's body (operators read it); at most a few lines. */
  reasons?(): Promise<string[]>;
  /**
   * A failure only degrades the process: it stays ready (a restart would not help) and the body says
   * `degraded` with the reasons. Dead letters are such a case: they wait for an operator.
   */
  degradesOnly?: boolean;
}

export const READINESS_CHECKS = Symbol.for('csms.readiness-checks');

/** Runs every check with a time limit so a hung dependency makes the probe fail instead of hang. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<Record<string, boolean>> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ok = await Promise.race([c.check().catch(() => false), timeout]);
      clearTimeout(timer);
      return [c.name, ok] as const;
    }),
  );
  return Object.fromEntries(results);
}

/** The reasons of the failed checks (each one bounded by the same time limit). */
export async function readinessReasons(checks: readonly ReadinessCheck[], results: Record<string, boolean>, timeoutMs = 2_000): Promise<string[]> {
  const failed = checks.filter((c) => !results[c.name] && c.reasons);
  const lists = await Promise.all(
    failed.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string[]>((resolve) => {
        timer = setTimeout(() => resolve([`${c.name}: no answer within ${timeoutMs} ms`]), timeoutMs);
      });
      const reasons = await Promise.race([(c.reasons?.() ?? Promise.resolve([])).catch(() => [`${c.name}: failed`]), timeout]);
      clearTimeout(timer);
      return reasons;
    }),
  );
  return lists.flat();
}
