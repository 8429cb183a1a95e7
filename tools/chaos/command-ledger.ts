/**
 * Probe commands of the chaos run: each a DataTransfer with a unique `data`, so what the chargers executed
 * can be matched with what the API answered. The rules a command path must keep whatever the sockets do:
 * never executed twice; a 200 was executed exactly once; a 404 ("not connected": nothing was sent) was
 * never executed; anything else (424 outcome unknown, 504, a refused or failed request) at most once.
 */
export interface ProbeOutcome {
  id: string;
  chargerId: string;
  /** HTTP status of the API's answer, 0 when the request itself failed. */
  status: number;
  /** What the run was doing when the command was sent (a fault's name, 'steady'). */
  phase?: string;
}

export interface LedgerVerdict {
  sent: number;
  byStatus: Record<string, number>;
  /** Answers other than 200, per phase and status: where the API failed its callers. */
  failuresByPhase: Record<string, Record<string, number>>;
  executed: number;
  executedTwice: string[];
  okNotExecuted: string[];
  notConnectedButExecuted: string[];
  executedUnknown: string[];
}

export function judgeCommands(outcomes: readonly ProbeOutcome[], executions: Readonly<Record<string, number>>): LedgerVerdict {
  const byStatus: Record<string, number> = {};
  const verdict: LedgerVerdict = {
    sent: outcomes.length,
    byStatus,
    failuresByPhase: {},
    executed: 0,
    executedTwice: [],
    okNotExecuted: [],
    notConnectedButExecuted: [],
    executedUnknown: [],
  };
  const known = new Set<string>();
  for (const o of outcomes) {
    known.add(o.id);
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    if (o.status !== 200) {
      const phase = (verdict.failuresByPhase[o.phase ?? 'steady'] ??= {});
      phase[o.status] = (phase[o.status] ?? 0) + 1;
    }
    const n = executions[o.id] ?? 0;
    if (n > 0) verdict.executed++;
    if (n > 1) verdict.executedTwice.push(`${o.id} (${o.chargerId}, HTTP ${o.status}, ${n} times)`);
    if (o.status === 200 && n === 0) verdict.okNotExecuted.push(`${o.id} (${o.chargerId})`);
    if (o.status === 404 && n > 0) verdict.notConnectedButExecuted.push(`${o.id} (${o.chargerId})`);
  }
  for (const id of Object.keys(executions)) if (!known.has(id)) verdict.executedUnknown.push(id);
  return verdict;
}

export function ledgerProblems(v: LedgerVerdict): string[] {
  const list = (what: string, items: string[]): string[] => (items.length ? [`${items.length} ${what}: ${items.slice(0, 5).join('; ')}`] : []);
  return [
    ...list('commands executed more than once', v.executedTwice),
    ...list('commands answered 200 that no charger executed', v.okNotExecuted),
    ...list('commands answered 404 (nothing sent) that a charger executed', v.notConnectedButExecuted),
    ...list('executions of commands nobody sent', v.executedUnknown),
    // A dependency down is a 503 the caller can act on; a 500 is an error nobody handled.
    ...(v.byStatus[500]
      ? [
          `${v.byStatus[500]} commands answered 500 (${Object.entries(v.failuresByPhase)
            .flatMap(([p, s]) => (s[500] ? [`${s[500]} during ${p}`] : []))
            .join(', ')})`,
        ]
      : []),
  ];
}

/** Merges per-process execution counts. */
export function addExecutions(into: Record<string, number>, from: Readonly<Record<string, number>>): Record<string, number> {
  for (const [id, n] of Object.entries(from)) into[id] = (into[id] ?? 0) + n;
  return into;
}
