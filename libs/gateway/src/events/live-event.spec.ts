import { describe, expect, it } from '@jest/globals';
import { subjects, type StreamedMessage } from '#csms/bus';
import { LiveEventFilter, MAX_FILTER_SUBJECTS } from './live-event-filter.js';
import { LIVE_EVENT_TYPES, toLiveEvent, type LiveEvent } from './live-event.js';
import { PowerThrottle } from './power-throttle.js';
import { sseFrame } from './live-event-session.js';

const AT = '2026-01-01T10:00:00.000Z';
const msg = (subject: string, data: unknown, seq = 7): StreamedMessage => ({ subject, data, seq, pending: 0 });
const call = (chargerId: string, action: string, payload: unknown): unknown => ({
  chargerId,
  messageId: 'm1',
  action,
  payload,
  receivedAt: AT,
  gatewayId: 'gw-1',
});

describe('toLiveEvent', () => {
  it('makes each event type from its source, with chargerId, at and the stream sequence', () => {
    const cp = 'CP.1 ø'; // an identity NATS cannot carry as is: the subjects encode it, the event has it back
    const cases: Array<[StreamedMessage, Partial<LiveEvent>]> = [
      [
        msg(subjects.connection(cp), { chargerId: cp, state: 'connected', gatewayId: 'gw-1', sessionId: 's', at: AT, remoteAddress: '192.0.2.1' }),
        { type: 'charger.connected', data: { chargerId: cp, at: AT, gatewayId: 'gw-1', sessionId: 's', remoteAddress: '192.0.2.1' } },
      ],
      [
        msg(subjects.connection(cp), { chargerId: cp, state: 'disconnected', gatewayId: 'gw-1', sessionId: 's', at: AT }),
        { type: 'charger.disconnected', data: { chargerId: cp, at: AT, gatewayId: 'gw-1', sessionId: 's', code: 1006, reason: '' } },
      ],
      [
        msg(subjects.fact(cp, 'Boot'), { chargerId: cp, status: 'Accepted', vendor: 'Zaptec', model: 'Go', firmwareVersion: null, serialNumber: null, at: AT }),
        { type: 'charger.boot', data: { chargerId: cp, at: AT, status: 'Accepted', vendor: 'Zaptec', model: 'Go', firmwareVersion: null, serialNumber: null } },
      ],
      [
        msg(
          subjects.event(cp, 'StatusNotification'),
          call(cp, 'StatusNotification', { connectorId: 2, status: 'Faulted', errorCode: 'GroundFailure', timestamp: AT }),
        ),
        {
          type: 'connector.status',
          data: { chargerId: cp, at: AT, connectorId: 2, status: 'Faulted', errorCode: 'GroundFailure', info: null, vendorErrorCode: null, timestamp: AT },
        },
      ],
      [
        msg(subjects.fact(cp, 'TransactionStarted'), {
          chargerId: cp,
          transactionId: 5,
          connectorId: 1,
          idTag: 'T',
          meterStart: 10,
          timestamp: AT,
          idTagStatus: 'Accepted',
          at: AT,
        }),
        {
          type: 'transaction.started',
          data: { chargerId: cp, at: AT, transactionId: 5, connectorId: 1, idTag: 'T', meterStart: 10, idTagStatus: 'Accepted', timestamp: AT },
        },
      ],
      [
        msg(subjects.event(cp, 'StopTransaction'), call(cp, 'StopTransaction', { transactionId: 5, meterStop: 20, timestamp: AT })),
        { type: 'transaction.stopped', data: { chargerId: cp, at: AT, transactionId: 5, meterStop: 20, reason: null, timestamp: AT } },
      ],
      [
        msg(subjects.event(cp, 'SecurityEventNotification'), call(cp, 'SecurityEventNotification', { type: 'FirmwareUpdated', timestamp: AT })),
        { type: 'security', data: { chargerId: cp, at: AT, type: 'FirmwareUpdated', techInfo: null, timestamp: AT, source: 'charger' } },
      ],
      [
        msg(subjects.fact(cp, 'SecurityEvent'), {
          chargerId: cp,
          type: 'InvalidChargePointCredentials',
          techInfo: 'bad password',
          remoteAddress: '192.0.2.9',
          timestamp: AT,
        }),
        {
          type: 'security',
          data: {
            chargerId: cp,
            at: AT,
            type: 'InvalidChargePointCredentials',
            techInfo: 'bad password',
            timestamp: AT,
            source: 'csms',
            remoteAddress: '192.0.2.9',
          },
        },
      ],
      [
        msg(subjects.fact(cp, 'CommandOutcome'), {
          chargerId: cp,
          commandId: 'c1',
          action: 'Reset',
          payload: {},
          status: 'ok',
          finishedAt: AT,
          gatewayId: 'gw-1',
          sessionId: 's',
        }),
        { type: 'command', data: { chargerId: cp, at: AT, commandId: 'c1', action: 'Reset', status: 'ok', origin: 'unknown' } },
      ],
      [
        msg(subjects.fact(cp, 'QueuedCommand'), {
          chargerId: cp,
          commandId: 'q1',
          action: 'Reset',
          event: 'retry',
          status: 'pending',
          attempt: 1,
          outcome: 'connection-lost',
          at: AT,
        }),
        {
          type: 'queued-command',
          data: { chargerId: cp, at: AT, commandId: 'q1', action: 'Reset', event: 'retry', status: 'pending', attempt: 1, outcome: 'connection-lost' },
        },
      ],
      [
        msg(subjects.fact(cp, 'Diagnostics'), {
          chargerId: cp,
          at: AT,
          id: 'd1',
          kind: 'diagnostics',
          event: 'received',
          status: 'received',
          chargerStatus: 'Uploading',
          fileName: 'd.log',
          size: 12,
        }),
        {
          type: 'diagnostics',
          data: {
            chargerId: cp,
            at: AT,
            id: 'd1',
            kind: 'diagnostics',
            event: 'received',
            status: 'received',
            chargerStatus: 'Uploading',
            fileName: 'd.log',
            size: 12,
          },
        },
      ],
      [
        msg(subjects.fact(cp, 'Reservation'), {
          chargerId: cp,
          event: 'used',
          reservationId: 3,
          connectorId: 1,
          idTag: 'T',
          status: 'used',
          expiresAt: AT,
          reserveStatus: 'Accepted',
          transactionId: 5,
          at: AT,
        }),
        {
          type: 'reservation',
          data: {
            chargerId: cp,
            at: AT,
            event: 'used',
            reservationId: 3,
            connectorId: 1,
            idTag: 'T',
            status: 'used',
            expiresAt: AT,
            reserveStatus: 'Accepted',
            transactionId: 5,
          },
        },
      ],
      [
        msg(subjects.event(cp, 'FirmwareStatusNotification'), call(cp, 'FirmwareStatusNotification', { status: 'Downloading' })),
        { type: 'firmware', data: { chargerId: cp, at: AT, status: 'Downloading' } },
      ],
      [
        msg(subjects.event(cp, 'SignedFirmwareStatusNotification'), call(cp, 'SignedFirmwareStatusNotification', { status: 'InvalidSignature', requestId: 7 })),
        { type: 'firmware', data: { chargerId: cp, at: AT, status: 'InvalidSignature', signed: true, requestId: 7 } },
      ],
      [
        msg(subjects.fact(cp, 'SiteLimit'), {
          chargerId: cp,
          group: 'garage',
          connectorId: 1,
          transactionId: 12,
          offeredA: 6.4,
          state: 'charging',
          selfLimited: false,
          at: AT,
        }),
        {
          type: 'site-limit',
          data: { chargerId: cp, at: AT, group: 'garage', connectorId: 1, transactionId: 12, offeredA: 6.4, state: 'charging', selfLimited: false },
        },
      ],
      [
        msg(subjects.fact(cp, 'ConfigurationApplied'), {
          chargerId: cp,
          key: 'HeartbeatInterval',
          value: '900',
          outcome: 'Accepted',
          state: 'in-sync',
          driftedKeys: [],
          at: AT,
        }),
        {
          type: 'configuration',
          data: { chargerId: cp, at: AT, key: 'HeartbeatInterval', value: '900', outcome: 'Accepted', inSync: true, state: 'in-sync', driftedKeys: [] },
        },
      ],
      [
        msg(subjects.fact(cp, 'ChargingProfileApplied'), { chargerId: cp, chargingProfileId: 7, action: 'set', outcome: 'Accepted', at: AT }),
        { type: 'charging-profile', data: { chargerId: cp, at: AT, chargingProfileId: 7, action: 'set', outcome: 'Accepted', message: null } },
      ],
    ];
    for (const [m, expected] of cases) expect(toLiveEvent(m)).toEqual({ seq: 7, ...expected });
  });

  it('power: the latest sample with Power.Active.Import, overall value else the phases summed, kW in W; none without power', () => {
    const mv = (meterValue: unknown): StreamedMessage =>
      msg(subjects.event('CP1', 'MeterValues'), call('CP1', 'MeterValues', { connectorId: 1, transactionId: 3, meterValue }));
    const later = '2026-01-01T10:00:10.000Z';
    expect(
      toLiveEvent(
        mv([
          { timestamp: later, sampledValue: [{ value: '2.5', measurand: 'Power.Active.Import', unit: 'kW' }] },
          { timestamp: AT, sampledValue: [{ value: '100', measurand: 'Power.Active.Import', unit: 'W' }] },
        ]),
      ),
    ).toMatchObject({ type: 'power', data: { chargerId: 'CP1', at: later, connectorId: 1, powerW: 2500, transactionId: 3 } });
    expect(
      toLiveEvent(
        mv([{ timestamp: AT, sampledValue: ['L1', 'L2', 'L3'].map((phase) => ({ value: '1000', measurand: 'Power.Active.Import', unit: 'W', phase })) }]),
      )?.data.powerW,
    ).toBe(3000);
    expect(toLiveEvent(mv([{ timestamp: AT, sampledValue: [{ value: '1200' }] }]))).toBeUndefined();
  });

  it('ignores what no live event shows', () => {
    expect(
      toLiveEvent(msg(subjects.event('CP1', 'DiagnosticsStatusNotification'), call('CP1', 'DiagnosticsStatusNotification', { status: 'Idle' }))),
    ).toBeUndefined();
  });
});

describe('LiveEventFilter', () => {
  it('asks the stream for the chosen chargers and types only, and falls back to all chargers past the subject limit', () => {
    const f = new LiveEventFilter(['power', 'charger.connected', 'charger.disconnected'], new Set(['A', 'B']));
    expect(f.subjects().sort()).toEqual(
      [subjects.connection('A'), subjects.connection('B'), subjects.event('A', 'MeterValues'), subjects.event('B', 'MeterValues')].sort(),
    );
    const many = new LiveEventFilter(undefined, new Set(Array.from({ length: MAX_FILTER_SUBJECTS }, (_, i) => `CP${i}`)));
    expect(many.subjects()).toContain(subjects.allConnections);
    expect(many.types.size).toBe(LIVE_EVENT_TYPES.length);
    const e = (type: LiveEvent['type'], chargerId: string): LiveEvent => ({ type, seq: 1, data: { chargerId, at: AT } });
    expect([f.accepts(e('power', 'A')), f.accepts(e('power', 'C')), f.accepts(e('security', 'A'))]).toEqual([true, false, false]);
    expect(new LiveEventFilter(undefined, new Set()).empty()).toBe(true);
  });
});

describe('PowerThrottle', () => {
  const reading = (connectorId: number, ms: number, powerW: number, seq: number): LiveEvent => ({
    type: 'power',
    seq,
    data: { chargerId: 'CP1', at: new Date(Date.parse(AT) + ms).toISOString(), connectorId, powerW },
  });

  it('passes one reading per connector per interval (in reading time), holds the latest, releases it once', () => {
    const t = new PowerThrottle(1000);
    expect(t.offer(reading(1, 0, 1, 1))?.seq).toBe(1);
    expect(t.offer(reading(1, 300, 2, 2))).toBeUndefined();
    expect(t.offer(reading(1, 600, 3, 3))).toBeUndefined();
    expect(t.offer(reading(2, 600, 9, 4))?.seq).toBe(4); // another connector has its own interval
    expect(t.release().map((e) => e.data.powerW)).toEqual([3]);
    expect(t.release()).toEqual([]);
    expect(t.offer(reading(1, 1200, 4, 5))).toBeUndefined(); // within the interval of the released one
    expect(t.offer(reading(1, 1700, 5, 6))?.seq).toBe(6);
    expect(new PowerThrottle(0).offer(reading(1, 0, 1, 1))?.seq).toBe(1);
  });
});

describe('sseFrame', () => {
  it('writes id, event and one data line; a released reading goes without id', () => {
    const e: LiveEvent = { type: 'security', seq: 42, data: { chargerId: 'CP1', at: AT, techInfo: 'two\nlines' } };
    expect(sseFrame(e)).toBe(`id: 42\nevent: security\ndata: {"chargerId":"CP1","at":"${AT}","techInfo":"two\\nlines"}\n\n`);
    expect(sseFrame(e, false).startsWith('event: security\n')).toBe(true);
  });
});
