import { describe, expect, it } from '@jest/globals';
import type { KeyDrift } from './effective.js';
import { syncStateOf } from './sync-state.js';

const key = (k: string, state: KeyDrift['state'], extra: Partial<KeyDrift> = {}): KeyDrift => ({
  key: k,
  desired: '1',
  source: 'fleet',
  reported: '1',
  state,
  ...extra,
});
const reported = { at: '2026-01-01T00:00:00Z', ageSeconds: 1, keys: [] };

describe('syncStateOf', () => {
  it('in sync, drift, refused by the charger, or unknown before the first read', () => {
    expect(syncStateOf({ reported, drift: [key('A', 'in-sync')] })).toEqual({ state: 'in-sync', driftedKeys: [] });
    expect(syncStateOf({ reported, drift: [] })).toEqual({ state: 'in-sync', driftedKeys: [] });
    expect(syncStateOf({ reported, drift: [key('A', 'in-sync'), key('B', 'drifted', { reason: 'reported "2", desired "1"' })] })).toEqual({
      state: 'drift',
      driftedKeys: ['B'],
    });
    expect(syncStateOf({ reported, drift: [key('B', 'pending-reboot')] }).state).toBe('drift');
    const refused = key('C', 'drifted', { lastOutcome: 'NotSupported', reason: 'the charger answered NotSupported to C=1' });
    expect(syncStateOf({ reported, drift: [key('B', 'drifted', { reason: 'x' }), refused] })).toEqual({ state: 'refused', driftedKeys: ['B', 'C'] });
    // An old refusal of another value is drift, not refused.
    expect(
      syncStateOf({ reported, drift: [key('C', 'drifted', { lastOutcome: 'Rejected', reason: 'reported "2", desired "1"; last attempt: Rejected' })] }).state,
    ).toBe('drift');
    expect(syncStateOf({ reported: null, drift: [key('A', 'unknown')] })).toEqual({ state: 'unknown', driftedKeys: [] });
  });
});
