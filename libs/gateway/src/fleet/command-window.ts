/**
 * Commands and the CALLERRORs chargers answered them with, over the last hour, counted by this gateway from
 * the CommandOutcome facts of the events stream (every gateway's commands: the stream holds them all). Kept
 * as one bucket per minute; counts start when the gateway starts (nothing is read back from before).
 */
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { BUS, subjects, type Bus, type CommandOutcomeFact, type StreamReader } from '#csms/bus';

const MINUTE_MS = 60_000;
const WINDOW_MINUTES = 60;

@Injectable()
export class CommandWindow implements OnModuleDestroy {
  private readonly buckets = new Map<number, { commands: number; callErrors: number }>();
  private reader?: StreamReader<CommandOutcomeFact>;
  private readonly log = new Logger('CommandWindow');
  private stopped = false;

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  /**
   * Starts reading; resolves once the first read is open (outcomes from then on are counted). Failures are
   * logged and retried: the counts are only ever low, never wrong in kind.
   */
  start(): Promise<void> {
    return new Promise((opened) => void this.run(opened));
  }

  private async run(opened: () => void): Promise<void> {
    while (!this.stopped) {
      try {
        this.reader = await this.bus.readStream<CommandOutcomeFact>({ filterSubjects: [subjects.factsOf('CommandOutcome')] });
        opened();
        for await (const m of this.reader) this.add(m.data, Date.now());
      } catch (err) {
        if (!this.stopped) this.log.warn(`command outcomes not counted for a moment: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1_000).unref());
    }
  }

  add(fact: Pick<CommandOutcomeFact, 'status'>, now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    const b = this.buckets.get(minute) ?? { commands: 0, callErrors: 0 };
    b.commands++;
    if (fact.status === 'callerror') b.callErrors++;
    this.buckets.set(minute, b);
    for (const m of this.buckets.keys()) if (m <= minute - WINDOW_MINUTES) this.buckets.delete(m);
  }

  lastHour(now: number): { commands: number; callErrors: number } {
    const from = Math.floor(now / MINUTE_MS) - WINDOW_MINUTES;
    let commands = 0;
    let callErrors = 0;
    for (const [m, b] of this.buckets) {
      if (m <= from) continue;
      commands += b.commands;
      callErrors += b.callErrors;
    }
    return { commands, callErrors };
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.reader?.close();
  }
}
