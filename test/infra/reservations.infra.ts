/**
 * Reservations on the production shape (NATS JetStream + PostgreSQL, auth, config-manager and metering as their own
 * processes, two gateways): the chargers hold sockets on one gateway while the operator's API calls go to the
 * other, so ReserveNow and CancelReservation cross the bus, and the StartTransaction that consumes a reservation
 * is decided by the separate auth service (test/support/reservation-scenario.ts).
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { runReservationScenario, runSimulatedReservation } from '../support/reservation-scenario.js';

jest.setTimeout(300_000);

describeInfra('reservations on NATS + PostgreSQL', () => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await startProductionStack([{}, {}]);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  test('reserve, refuse another tag, consume by reservationId, cancel, expire, across two gateways', async () => {
    await runReservationScenario({ chargerOcppUrl: stack.gateways[0].ocppUrl, apiUrl: stack.gateways[1].apiUrl });
  });
  test('the simulator as a Zaptec Pro: Reserved, another tag refused at the charger, the reserved tag starts with the reservationId', async () => {
    await runSimulatedReservation({ chargerOcppUrl: stack.gateways[0].ocppUrl, apiUrl: stack.gateways[1].apiUrl });
  });
});
