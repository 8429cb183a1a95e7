import type { LiveEvent } from './api-types.js';
import { describeEvent } from './describe-event.js';

const at = '2026-11-26T10:00:00.000Z';
const ev = (e: Omit<LiveEvent, 'id'>): LiveEvent => ({ id: '1', ...e }) as LiveEvent;

describe('describeEvent', () => {
  it('says what happened in one line', () => {
    expect(describeEvent(ev({ type: 'charger.connected', data: { chargerId: 'A', at, gatewayId: 'gw-1', remoteAddress: '10.0.0.2' } }))).toBe(
      'connected via gw-1 from 10.0.0.2',
    );
    expect(describeEvent(ev({ type: 'connector.status', data: { chargerId: 'A', at, connectorId: 1, status: 'Faulted', errorCode: 'GroundFailure' } }))).toBe(
      'connector 1 Faulted (GroundFailure)',
    );
    expect(describeEvent(ev({ type: 'connector.status', data: { chargerId: 'A', at, connectorId: 1, status: 'Charging', errorCode: 'NoError' } }))).toBe(
      'connector 1 Charging',
    );
    expect(describeEvent(ev({ type: 'power', data: { chargerId: 'A', at, connectorId: 2, powerW: 11000, transactionId: 3 } }))).toBe('connector 2: 11.0 kW');
    expect(describeEvent(ev({ type: 'command', data: { chargerId: 'A', at, commandId: 'c', action: 'Reset', status: 'timeout', origin: 'api' } }))).toBe(
      'Reset (api): timeout',
    );
    expect(
      describeEvent(
        ev({
          type: 'queued-command',
          data: { chargerId: 'A', at, commandId: 'q', action: 'Reset', event: 'retry', status: 'pending', attempt: 1, outcome: 'connection-lost' },
        }),
      ),
    ).toBe('queued Reset retry (attempt 1: connection-lost)');
    expect(
      describeEvent(
        ev({
          type: 'queued-command',
          data: { chargerId: 'A', at, commandId: 'q', action: 'Reset', event: 'retry', status: 'pending', attempt: null, outcome: 'not-connected' },
        }),
      ),
    ).toBe('queued Reset retry (not-connected)');
    expect(
      describeEvent(
        ev({
          type: 'queued-command',
          data: { chargerId: 'A', at, commandId: 'q', action: 'Reset', event: 'queued', status: 'pending', attempt: null, outcome: null },
        }),
      ),
    ).toBe('queued Reset queued');
    expect(
      describeEvent(
        ev({
          type: 'diagnostics',
          data: {
            chargerId: 'A',
            at,
            id: 'd',
            kind: 'diagnostics',
            event: 'received',
            status: 'received',
            chargerStatus: 'Uploading',
            fileName: 'd.log',
            size: 12,
          },
        }),
      ),
    ).toBe('diagnostics received: received (12 bytes)');
    expect(
      describeEvent(
        ev({
          type: 'diagnostics',
          data: {
            chargerId: 'A',
            at,
            id: 'd',
            kind: 'security-log',
            event: 'notified',
            status: 'upload-failed',
            chargerStatus: 'UploadFailed',
            fileName: null,
            size: null,
          },
        }),
      ),
    ).toBe('security-log notified: upload-failed');
    expect(
      describeEvent(
        ev({
          type: 'reservation',
          data: { chargerId: 'A', at, event: 'used', reservationId: 4, connectorId: 1, idTag: 'T', status: 'used', transactionId: 9 },
        }),
      ),
    ).toBe('reservation 4 used on connector 1 (T), transaction 9');
    expect(
      describeEvent(ev({ type: 'configuration', data: { chargerId: 'A', at, key: 'HeartbeatInterval', value: '900', outcome: 'Rejected', inSync: false } })),
    ).toBe('HeartbeatInterval = 900: Rejected, drift');
    expect(describeEvent(ev({ type: 'firmware', data: { chargerId: 'A', at, status: 'InstallationFailed' } }))).toBe('firmware update: InstallationFailed');
    expect(describeEvent(ev({ type: 'firmware', data: { chargerId: 'A', at, status: 'InvalidSignature', signed: true, requestId: 3 } }))).toBe(
      'signed firmware update: InvalidSignature',
    );
    expect(
      describeEvent(ev({ type: 'charging-profile', data: { chargerId: 'A', at, chargingProfileId: 7, action: 'set', outcome: 'Rejected', message: null } })),
    ).toBe('charging profile 7 sent: Rejected');
    const share = { chargerId: 'A', at, group: 'garage', connectorId: 1, transactionId: 7, offeredA: 6.4, selfLimited: false };
    expect(describeEvent(ev({ type: 'site-limit', data: { ...share, state: 'charging' } }))).toBe(
      'site limit of garage: transaction 7 may draw 6.4 A per phase',
    );
    expect(describeEvent(ev({ type: 'site-limit', data: { ...share, offeredA: 0, state: 'waiting' } }))).toBe(
      'site limit of garage: transaction 7 waits for its turn (0 A)',
    );
    expect(describeEvent(ev({ type: 'configuration', data: { chargerId: 'A', at, key: '', value: '', outcome: 'refused', inSync: false } }))).toBe(
      'configuration refused',
    );
    expect(describeEvent(ev({ type: 'configuration', data: { chargerId: 'A', at, key: '', value: '', outcome: 'in-sync', inSync: true } }))).toBe(
      'configuration in sync',
    );
  });
});
