/** What every benchmark receives and returns. */
import type { LatencySummary } from './stats.js';

export interface BenchOptions {
  quick: boolean;
  only: Set<string> | null;
  /** Measured seconds per throughput run (after a warm-up). */
  durationS: number;
  warmupS: number;
  /** Sockets driving the closed-loop throughput runs. */
  sockets: number;
  density: number[];
  latencyChargers: number;
  commandsPerSec: number;
  latencyS: number;
  backgroundMvPerSec: number;
  stormChargers: number;
  stormWindowS: number;
  /** Chargers of the reconciliation-backlog storm. */
  reconcileChargers: number;
  /** 127.0.0.x source addresses the load client spreads its sockets over. */
  localAddrs: number;
  /** Chargers of the connection benchmarks connect with Basic Auth (profile 1): one scrypt per charger on its first connect. */
  basicAuth: boolean;
  /** A sibling process burns one core for the whole run (bench/lib/busy.ts). */
  busy: boolean;
}

export interface Row {
  bench: string;
  figure: string;
  unit: string;
  ours: number;
  baselineName: string;
  baseline: number;
  /** ours / baseline. */
  ratio: number;
  better: 'higher' | 'lower';
  note?: string;
}

export interface BenchResult {
  rows: Row[];
  details: Record<string, unknown>;
  notes: string[];
}

export interface ConnectResult {
  connected: number;
  failed: number;
  retries: number;
  elapsedMs: number;
  boot: LatencySummary;
  errors: Record<string, number>;
}

export interface LoadResult {
  roundTrips: number;
  totalOk: number;
  failed: number;
  callErrors: number;
  elapsedMs: number;
  perSecond: number;
  latency: LatencySummary;
  sockets: number;
}

/** Figures shared between benchmarks of one run (peer reuses the throughput run's figure for ours). */
export const shared: { oursHeartbeatPerSec?: number; oursMeterValuesPerSec?: number } = {};
