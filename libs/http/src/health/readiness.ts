/** A named check the readiness probe runs; the process is ready only when every check answers true. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
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
