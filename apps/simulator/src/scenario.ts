// Scenarios: what the simulated driver and the network do to a charger, as a small JSON file or built from
// CLI flags. Times run on the charger's clock, so tests can use a ManualClock.
import type { SimulatedCharger } from './charger/simulated-charger.js';
import { validateCurve, type PowerStep } from './charger/metering.js';

export type ScenarioStep =
  | { action: 'plugIn'; idTag?: string }
  | { action: 'presentIdTag'; idTag: string }
  | { action: 'charge'; minutes: number; powerW?: number; powerCurve?: PowerStep[] }
  | { action: 'unplug' }
  | { action: 'wait'; seconds: number }
  | { action: 'reboot'; kind?: 'Hard' | 'Soft' }
  | { action: 'networkDrop'; offlineSeconds: number }
  | { action: 'setKey'; key: string; value: string };

export interface Scenario {
  /** How many times the steps run (default 1). */
  repeat?: number;
  steps: ScenarioStep[];
}

export class ScenarioError extends Error {
  readonly code = 'BAD_SCENARIO';
}

function num(v: unknown, where: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new ScenarioError(`${where}: expected a number >= ${min}`);
  return v;
}
function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 20) throw new ScenarioError(`${where}: expected a string of 1..20 characters`);
  return v;
}

/** Validates untrusted JSON into a Scenario, with messages naming the offending step. */
export function parseScenario(input: unknown): Scenario {
  if (typeof input !== 'object' || input === null || !Array.isArray((input as Scenario).steps)) {
    throw new ScenarioError('scenario must be an object with a "steps" array');
  }
  const raw = input as { repeat?: unknown; steps: unknown[] };
  const repeat = raw.repeat === undefined ? 1 : num(raw.repeat, 'repeat', 1);
  const steps = raw.steps.map((s, i): ScenarioStep => {
    const where = `steps[${i}]`;
    if (typeof s !== 'object' || s === null) throw new ScenarioError(`${where}: expected an object`);
    const o = s as Record<string, unknown>;
    switch (o.action) {
      case 'plugIn':
        return o.idTag === undefined ? { action: 'plugIn' } : { action: 'plugIn', idTag: text(o.idTag, `${where}.idTag`) };
      case 'presentIdTag':
        return { action: 'presentIdTag', idTag: text(o.idTag, `${where}.idTag`) };
      case 'charge': {
        const minutes = num(o.minutes, `${where}.minutes`);
        if (o.powerCurve !== undefined) {
          const curve = o.powerCurve as PowerStep[];
          const err = Array.isArray(curve) ? validateCurve(curve) : 'powerCurve must be an array';
          if (err) throw new ScenarioError(`${where}.powerCurve: ${err}`);
          return { action: 'charge', minutes, powerCurve: curve };
        }
        return { action: 'charge', minutes, powerW: o.powerW === undefined ? 7400 : num(o.powerW, `${where}.powerW`) };
      }
      case 'unplug':
        return { action: 'unplug' };
      case 'wait':
        return { action: 'wait', seconds: num(o.seconds, `${where}.seconds`) };
      case 'reboot':
        if (o.kind !== undefined && o.kind !== 'Hard' && o.kind !== 'Soft') throw new ScenarioError(`${where}.kind: Hard or Soft`);
        return { action: 'reboot', kind: (o.kind as 'Hard' | 'Soft' | undefined) ?? 'Soft' };
      case 'networkDrop':
        return { action: 'networkDrop', offlineSeconds: num(o.offlineSeconds, `${where}.offlineSeconds`) };
      case 'setKey':
        if (typeof o.key !== 'string' || typeof o.value !== 'string') throw new ScenarioError(`${where}: key and value must be strings`);
        return { action: 'setKey', key: o.key, value: o.value };
      default:
        throw new ScenarioError(`${where}.action: unknown '${String(o.action)}' (plugIn, presentIdTag, charge, unplug, wait, reboot, networkDrop, setKey)`);
    }
  });
  return { repeat, steps };
}

/** The flag-built scenario: plug in (authorize unless free charging), charge M minutes at P W, unplug. */
export function chargeScenario(minutes: number, powerW: number, idTag: string | undefined): Scenario {
  return {
    steps: [{ action: 'plugIn', ...(idTag !== undefined ? { idTag } : {}) }, { action: 'charge', minutes, powerW }, { action: 'unplug' }],
  };
}

function sleep(c: SimulatedCharger, seconds: number): Promise<void> {
  return new Promise((resolve) => c.clock.setTimeout(resolve, seconds * 1000));
}

export async function runScenario(c: SimulatedCharger, scenario: Scenario, signal?: AbortSignal): Promise<void> {
  await c.waitFor('booted');
  for (let round = 0; round < (scenario.repeat ?? 1); round++) {
    for (const step of scenario.steps) {
      if (signal?.aborted) return;
      switch (step.action) {
        case 'plugIn':
          await c.plugIn(step.idTag);
          break;
        case 'presentIdTag':
          await c.presentIdTag(step.idTag);
          break;
        case 'charge':
          c.setPowerCurve(step.powerCurve ?? [{ atSecond: 0, powerW: step.powerW ?? 7400 }]);
          await sleep(c, step.minutes * 60);
          break;
        case 'unplug':
          c.unplug();
          break;
        case 'wait':
          await sleep(c, step.seconds);
          break;
        case 'reboot':
          await c.reboot(step.kind);
          await c.waitFor('booted');
          break;
        case 'networkDrop':
          await c.dropNetwork(step.offlineSeconds * 1000);
          await c.waitFor('booted');
          break;
        case 'setKey': {
          const r = c.keys.change(step.key, step.value);
          if (r.status !== 'Accepted') throw new ScenarioError(`setKey ${step.key}: ${r.status} (${r.reason ?? ''})`);
          break;
        }
      }
    }
  }
}
