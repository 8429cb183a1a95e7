/**
 * Queued commands (docs/api-commands.md#queued-commands) delivered to our simulator as a Zaptec Go: queued while
 * it is offline, carried out after its next boot, in order, once each. Run on the all-in-one (test/e2e) and on
 * NATS + PostgreSQL (test/infra).
 */
import { expect } from '@jest/globals';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { apiClient } from './api-client.js';
import { eventually } from './processes.js';

export async function runQueuedWithSimulator(target: { chargerOcppUrl: string; apiUrl: string }, id: string): Promise<void> {
  const api = apiClient(target.apiUrl);
  const sim = (): SimulatedCharger => new SimulatedCharger({ url: target.chargerOcppUrl, identity: id, model: 'go', reconnectDelayMs: 100 });
  const first = sim();
  first.start();
  await first.waitFor('booted');
  await first.stop();
  await eventually(async () => ((await api.get(`/api/v1/chargers/${id}`)).body?.connected === false ? true : undefined), `${id} offline in the registry`);

  const queue = async (action: string, payload: Record<string, unknown>): Promise<string> => {
    const res = await api.post(`/api/v1/chargers/${id}/commands/${action}?delivery=queued`, payload);
    expect(res.status).toBe(202);
    return res.body.commandId as string;
  };
  const inoperative = await queue('ChangeAvailability', { connectorId: 0, type: 'Inoperative' });
  const trigger = await queue('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 });

  const second = sim();
  second.start();
  try {
    await second.waitFor('booted');
    const records = await eventually(
      async () => {
        const all = await Promise.all([inoperative, trigger].map(async (c) => (await api.get(`/api/v1/commands/${c}`)).body));
        return all.every((r) => r?.status === 'succeeded') ? all : undefined;
      },
      'both queued commands succeeded',
      60_000,
    );
    expect(records.map((r) => [r.attempts, r.result])).toEqual([
      [1, { status: 'Accepted' }],
      [1, { status: 'Accepted' }],
    ]);
    // in creation order: the availability change was answered before the trigger was sent
    expect(Date.parse(records[0].attemptLog[0].finishedAt)).toBeLessThanOrEqual(Date.parse(records[1].attemptLog[0].startedAt));
    expect(second.isOperative).toBe(false);
    await eventually(async () => {
      const r = await api.get(`/api/v1/chargers/${id}`);
      const connectors = (r.body?.connectors ?? []) as Array<{ connectorId: number; status: string }>;
      return connectors.some((c) => c.connectorId === 1 && c.status === 'Unavailable') ? true : undefined;
    }, 'connector 1 shown Unavailable');
  } finally {
    await second.stop();
  }
}
