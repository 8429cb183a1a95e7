// Live progress line on stderr and the end-of-run summary.
import { percentile, type FleetSnapshot } from './fleet.js';

export class Progress {
  private lastSent = 0;
  private lastAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly began = Date.now();

  constructor(
    private readonly snapshot: () => FleetSnapshot,
    private readonly quiet: boolean,
  ) {}

  start(): void {
    if (this.quiet) return;
    this.timer = setInterval(() => this.print(), 1000);
  }

  private print(): void {
    const s = this.snapshot();
    const now = Date.now();
    const msgs = s.stats.sent + s.stats.commands;
    const rate = ((msgs - this.lastSent) * 1000) / Math.max(1, now - this.lastAt);
    this.lastSent = msgs;
    this.lastAt = now;
    const line =
      `[sim] chargers ${s.started}/${s.chargers} connected ${s.connected} booted ${s.booted} ` +
      `tx ${s.stats.txStarted}/${s.stats.txStopped} msg/s ${rate.toFixed(0)} errors ${s.stats.errors}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`);
    else process.stderr.write(`${line}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (!this.quiet && process.stderr.isTTY) process.stderr.write('\n');
  }

  summary(): string {
    const s = this.snapshot();
    const secs = (Date.now() - this.began) / 1000;
    const p = (q: number): string => {
      const v = percentile(s.bootLatenciesMs, q);
      return v === undefined ? '-' : `${v} ms`;
    };
    return [
      `[sim] summary after ${secs.toFixed(1)} s`,
      `  chargers ${s.chargers}, started ${s.started}, connected ${s.connected}, booted ${s.booted}`,
      `  connects ${s.stats.connects}, connect failures ${s.stats.connectFailures}, disconnects ${s.stats.disconnects}, boots ${s.stats.boots}`,
      `  boot latency p50 ${p(50)}, p99 ${p(99)}`,
      `  calls sent ${s.stats.sent}, answered ${s.stats.received}, CSMS commands ${s.stats.commands}, errors ${s.stats.errors}`,
      `  transactions started ${s.stats.txStarted}, stopped ${s.stats.txStopped}, tx messages dropped ${s.stats.dropped}`,
      `  scenarios done ${s.scenariosDone}, failed ${s.scenarioErrors}`,
    ].join('\n');
  }
}
