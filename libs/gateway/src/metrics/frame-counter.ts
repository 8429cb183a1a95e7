import { Counter, type CounterConfiguration } from 'prom-client';
import { isOcppAction } from '#csms/ocpp';

export type FrameKind = 'call' | 'result' | 'error';

/** The `action` label of a frame whose action is not an OCPP 1.6 one. */
export const OTHER_ACTION = 'other';

/**
 * A Prometheus counter of frames by kind and action that counts in plain numbers and hands them to prom-client
 * when the metric is read. prom-client hashes the label set on every `inc`; at one count per frame in and one per
 * frame out that was a measurable part of the gateway's thread under Heartbeat load
 * (docs/benchmarks.md#the-call-and-request-paths-on-2026-11-28).
 *
 * Only OCPP 1.6 action names become labels. A charger chooses the action of its CALL, and one that sent a new name
 * in every frame would otherwise add a time series per frame, without bound, to every scrape.
 */
export class FrameCounter extends Counter<'kind' | 'action'> {
  /** kind -> action -> frames not yet handed to the counter. */
  private readonly unreported = new Map<FrameKind, Map<string, number>>();

  constructor(config: Omit<CounterConfiguration<'kind' | 'action'>, 'labelNames' | 'collect'>) {
    super({
      ...config,
      labelNames: ['kind', 'action'],
      // prom-client calls this with the metric as `this` before every read (a scrape, `get()`).
      collect(this: Counter<'kind' | 'action'>) {
        (this as FrameCounter).report();
      },
    });
  }

  count(kind: FrameKind, action = ''): void {
    const label = action === '' || isOcppAction(action) ? action : OTHER_ACTION;
    let byAction = this.unreported.get(kind);
    if (byAction === undefined) {
      byAction = new Map();
      this.unreported.set(kind, byAction);
    }
    byAction.set(label, (byAction.get(label) ?? 0) + 1);
  }

  private report(): void {
    for (const [kind, byAction] of this.unreported) {
      for (const [action, n] of byAction) this.inc({ kind, action }, n);
      byAction.clear();
    }
  }
}
