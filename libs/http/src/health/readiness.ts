/** A check's answer with the reason it is not ready, for the operator reading /health/ready. */
export interface ReadinessOutcome {
  ready: boolean;
  reason?: string;
}

/** A named check the readiness probe runs; the process is ready only when every check answers true. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean | ReadinessOutcome>;
  /**
   * A failure only degrades the process: it stays ready (a restart would not help) and the body says
   * `degraded` with the reasons. Dead letters are such a case: they wait for an operator.
   */
  degradesOnly?: boolean;
}

export interface ReadinessReport {
  checks: Record<string, boolean>;
  /** Why each failing check is not ready, where it says (a check that hung: 'no answer within ...'). */
  reasons: Record<string, string>;
}

export const READINESS_CHECKS = Symbol.for('csms.readiness-checks');

/** Runs every check with a time limit so a hung dependency makes the probe fail instead of hang. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<Record<string, boolean>> {
  return (await runReadiness(checks, timeoutMs)).checks;
}

/** Like runReadinessChecks, with the reasons of the checks that are not ready. */
export async function runReadiness(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<ReadinessOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ ready: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
      });
      const answer = await Promise.race([
        c.check().catch((err: unknown): ReadinessOutcome => ({ ready: false, reason: err instanceof Error ? err.message : String(err) })),
        timeout,
      ]);
      clearTimeout(timer);
      return [c.name, typeof answer === 'boolean' ? { ready: answer } : answer] as const;
    }),
  );
  const report: ReadinessReport = { checks: {}, reasons: {} };
  for (const [name, outcome] of results) {
    report.checks[name] = outcome.ready;
    if (!outcome.ready && outcome.reason) report.reasons[name] = outcome.reason;
  }
  return report;
}
