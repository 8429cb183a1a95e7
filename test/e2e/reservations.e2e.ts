/**
 * Reservations (docs/reservations.md) against the all-in-one process: the scenario in
 * test/support/reservation-scenario.ts, with ocpp-rpc chargers.
 */
import { jest } from '@jest/globals';
import { startService, type ServiceProcess } from '../support/processes.js';
import { runReservationScenario, runSimulatedReservation } from '../support/reservation-scenario.js';

jest.setTimeout(180_000);

let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService();
});
afterAll(async () => {
  await csms?.stop();
});

test('reserve, refuse another tag, consume by reservationId, cancel, expire; unsupported model gets 422 with nothing sent', async () => {
  await runReservationScenario({ chargerOcppUrl: csms.ocppUrl, apiUrl: csms.apiUrl });
});

test('the simulator as a Zaptec Pro: Reserved, another tag refused at the charger, the reserved tag starts with the reservationId', async () => {
  await runSimulatedReservation({ chargerOcppUrl: csms.ocppUrl, apiUrl: csms.apiUrl });
});
