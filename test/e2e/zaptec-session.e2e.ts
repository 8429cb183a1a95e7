/**
 * Zaptec sessions with our simulator against the all-in-one process
 * (docs/reference/zaptec-facts.md#what-a-faithful-simulator-does: free charging,
 * boot provisioning and odd readings). The scenarios live in ../support/zaptec-scenarios.ts so the
 * infrastructure tier runs the same ones on NATS + PostgreSQL (test/infra/zaptec-session.infra.ts).
 */
import { jest } from '@jest/globals';
import { startService, type ServiceProcess } from '../support/processes.js';
import {
  bootProvisioning,
  freeChargingSession,
  freeTagOnlyWithFreeCharging,
  lateSampleAfterStop,
  nearInt31Start,
  stopChargers,
} from '../support/zaptec-scenarios.js';

jest.setTimeout(120_000);

let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService();
});
afterAll(async () => {
  await stopChargers();
  await csms?.stop();
});

test('(a) a Go booting with HeartbeatInterval 86400 / MeterValueSampleInterval 0 gets its model values right after boot', async () => {
  await bootProvisioning(csms, 'ZAPSES0001');
});

test('(b) a full session: free charging without Authorize, an eager sample, unplug; the API shows it free with the right energy', async () => {
  await freeChargingSession(csms, 'ZAPSES0002', 'SES-FREE-0002');
});

test('(c) an unknown FreeChargingIdTag starts a transaction only on a charger with FreeCharging on', async () => {
  await freeTagOnlyWithFreeCharging(csms, 'ZAPSES0003', 'ZAPSES0004', 'SES-FREE-0003');
});

test('(d) a late Sample.Periodic after StopTransaction lands on the closed transaction and leaves its energy unchanged', async () => {
  await lateSampleAfterStop(csms, 'ZAPSES0005', 'SES-TAG-0005');
});

test('(e) meterStart 2147483647: energy from the register readings and the meterAnomaly flag', async () => {
  await nearInt31Start({ apiUrl: csms.apiUrl, ocppUrl: csms.ocppUrl, meteringMetricsUrl: `${csms.apiUrl}/metrics` }, 'ZAPSES0006', 'SES-TAG-0006');
});
