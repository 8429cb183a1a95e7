/**
 * docs/reference/design-decisions.md#commands and docs/reference/design-decisions.md#readiness on the production shape
 * (two gateways, auth, config-manager, metering on NATS
 * JetStream + PostgreSQL): sockets for one identity overlapping across the two gateways leave one command
 * subscription in the whole system, each API command reaches the charger once, commands fired during a
 * takeover between gateways never run twice; a gateway is not ready while auth cannot be reached.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { apiClient } from '../support/api-client.js';
import { eventually, type ServiceProcess } from '../support/processes.js';
import { twoGatewayStack } from '../support/production-stack.js';
import { connectRawCharger, type RawCharger } from '../support/raw-charger.js';

jest.setTimeout(240_000);

/** Every socket answers ClearCache at once; `received` counts how many ClearCache CALLs reached any of them. */
function answering(): { attach(c: RawCharger): RawCharger; received: () => number } {
  let received = 0;
  return {
    attach(c) {
      c.ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as unknown[];
        if (frame[0] === 2 && frame[2] === 'ClearCache') {
          received++;
          c.ws.send(JSON.stringify([3, frame[1], { status: 'Accepted' }]));
        }
      });
      return c;
    },
    received: () => received,
  };
}

/** The gateway's `ocpp_command_subscriptions` gauge. */
async function commandSubscriptions(gw: ServiceProcess): Promise<number> {
  const text = (await apiClient(gw.apiUrl).get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith('ocpp_command_subscriptions'));
  return line ? Number(line.split(' ').pop()) : 0;
}

const open = (sockets: RawCharger[]) => sockets.filter((c) => c.ws.readyState === c.ws.OPEN);

describeInfra('commands across two gateways on NATS', () => {
  const two = twoGatewayStack();

  test('rounds of 4 sockets overlapping across both gateways: one subscription left, 20 commands received 20 times', async () => {
    const counter = answering();
    const sockets: RawCharger[] = [];
    for (let round = 0; round < 4; round++) {
      const burst = await Promise.allSettled([two.gwA, two.gwB, two.gwA, two.gwB].map((gw) => connectRawCharger(gw.ocppUrl, 'XGW-OVERLAP-1')));
      for (const s of burst) if (s.status === 'fulfilled') sockets.push(counter.attach(s.value));
    }
    // The newest socket wins across gateways: wait until the others were closed.
    await eventually(async () => (open(sockets).length === 1 ? true : undefined), 'one socket left open');
    await eventually(
      async () => ((await commandSubscriptions(two.gwA)) + (await commandSubscriptions(two.gwB)) === 1 ? true : undefined),
      'one command subscription in the system',
    );

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => apiClient((i % 2 ? two.gwA : two.gwB).apiUrl).post('/api/v1/chargers/XGW-OVERLAP-1/commands/ClearCache', {})),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(counter.received()).toBe(20);

    for (const c of sockets) c.ws.close();
    await eventually(
      async () => ((await commandSubscriptions(two.gwA)) + (await commandSubscriptions(two.gwB)) === 0 ? true : undefined),
      'no command subscription left',
    );
    const gone = await apiClient(two.gwA.apiUrl).post('/api/v1/chargers/XGW-OVERLAP-1/commands/ClearCache', {});
    expect(gone.status).toBe(404);
    expect(counter.received()).toBe(20);
  });

  test('commands fired while the charger moves between gateways: none runs twice, every 200 was received', async () => {
    const counter = answering();
    const first = counter.attach(await connectRawCharger(two.gwA.ocppUrl, 'XGW-MOVE-1'));
    const sockets = [first];
    const api = apiClient(two.gwA.apiUrl);
    const pending = Array.from({ length: 10 }, () => api.post('/api/v1/chargers/XGW-MOVE-1/commands/ClearCache?timeoutMs=5000', {}));
    // The takeover happens while the commands are in flight: for a moment both gateways hold a socket.
    sockets.push(counter.attach(await connectRawCharger(two.gwB.ocppUrl, 'XGW-MOVE-1')));
    const more = Array.from({ length: 10 }, () => apiClient(two.gwB.apiUrl).post('/api/v1/chargers/XGW-MOVE-1/commands/ClearCache?timeoutMs=5000', {}));
    const results = await Promise.all([...pending, ...more]);
    const ok = results.filter((r) => r.status === 200).length;
    const unknown = results.filter((r) => r.status === 424 || r.status === 504).length;
    // Each 200 is one receipt; a 424/504 may or may not have been received; nothing is received twice.
    expect(counter.received()).toBeGreaterThanOrEqual(ok);
    expect(counter.received()).toBeLessThanOrEqual(ok + unknown);
    expect(results.filter((r) => ![200, 424, 504].includes(r.status)).map((r) => [r.status, r.body])).toEqual([]);
    for (const c of sockets) c.ws.close();
  });

  test('a gateway is not ready while auth is down, with the reason, and ready again once auth is back', async () => {
    await two.stack.services.auth.stop();
    const notReady = await eventually(async () => {
      const res = await apiClient(two.gwA.apiUrl).get('/health/ready');
      return res.status === 503 ? res : undefined;
    }, 'gateway not ready without auth');
    expect(notReady.body).toMatchObject({ status: 'not-ready', checks: { auth: false, bus: true } });
    expect(notReady.body.reasons.auth).toMatch(/auth service/);
    await two.stack.restart('auth');
    await eventually(async () => ((await apiClient(two.gwA.apiUrl).get('/health/ready')).status === 200 ? true : undefined), 'gateway ready again');
  });
});
