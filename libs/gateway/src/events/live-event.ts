/**
 * The events of GET /api/v1/events, made from what the events stream holds: connection events, the
 * chargers' stored CALLs and the CSMS's facts. One function per source; docs/api-events.md lists the payloads
 * (the dashboard's payload types: apps/dashboard/src/domain/api-types.ts LiveEventData; the list of types is
 * shared with it, ../portable/live-events.ts).
 */
import {
  parseConnectionSubject,
  parseEventSubject,
  parseFactSubject,
  subjects,
  type BootFact,
  type ChargerMessage,
  type CommandOutcomeFact,
  type ConfigurationAppliedFact,
  type ChargingProfileAppliedFact,
  type ConnectionEvent,
  type DiagnosticsFact,
  type QueuedCommandFact,
  type ReservationFact,
  type SecurityEventFact,
  type SiteLimitFact,
  type StreamedMessage,
  type TransactionStartedFact,
} from '#csms/bus';
import {
  powerWatts,
  type MeterValuesRequest,
  type SecurityEventNotificationRequest,
  type FirmwareStatusNotificationRequest,
  type SignedFirmwareStatusNotificationRequest,
  type StatusNotificationRequest,
  type StopTransactionRequest,
} from '#csms/ocpp';
import { LIVE_EVENT_TYPES, type LiveEventType } from '../portable/live-events.js';

export { LIVE_EVENT_TYPES, type LiveEventType };

export interface LiveEvent {
  type: LiveEventType;
  /** The stream sequence (the SSE id). */
  seq: number;
  /** Always has chargerId and at (ISO). */
  data: { chargerId: string; at: string } & Record<string, unknown>;
}

/** Where each event type comes from, for one charger or (identity undefined) every charger. */
export function sourceSubjects(type: LiveEventType, identity?: string): string[] {
  const one = identity !== undefined;
  switch (type) {
    case 'charger.connected':
    case 'charger.disconnected':
      return [one ? subjects.connection(identity) : subjects.allConnections];
    case 'charger.boot':
      return [one ? subjects.fact(identity, 'Boot') : subjects.factsOf('Boot')];
    case 'connector.status':
      return [one ? subjects.event(identity, 'StatusNotification') : subjects.eventsOf('StatusNotification')];
    case 'transaction.started':
      return [one ? subjects.fact(identity, 'TransactionStarted') : subjects.factsOf('TransactionStarted')];
    case 'transaction.stopped':
      return [one ? subjects.event(identity, 'StopTransaction') : subjects.eventsOf('StopTransaction')];
    case 'power':
      return [one ? subjects.event(identity, 'MeterValues') : subjects.eventsOf('MeterValues')];
    case 'configuration':
      return [one ? subjects.fact(identity, 'ConfigurationApplied') : subjects.factsOf('ConfigurationApplied')];
    case 'security':
      return one
        ? [subjects.event(identity, 'SecurityEventNotification'), subjects.fact(identity, 'SecurityEvent')]
        : [subjects.eventsOf('SecurityEventNotification'), subjects.factsOf('SecurityEvent')];
    case 'command':
      return [one ? subjects.fact(identity, 'CommandOutcome') : subjects.factsOf('CommandOutcome')];
    case 'queued-command':
      return [one ? subjects.fact(identity, 'QueuedCommand') : subjects.factsOf('QueuedCommand')];
    case 'reservation':
      return [one ? subjects.fact(identity, 'Reservation') : subjects.factsOf('Reservation')];
    case 'diagnostics':
      return [one ? subjects.fact(identity, 'Diagnostics') : subjects.factsOf('Diagnostics')];
    case 'firmware':
      return one
        ? [subjects.event(identity, 'FirmwareStatusNotification'), subjects.event(identity, 'SignedFirmwareStatusNotification')]
        : [subjects.eventsOf('FirmwareStatusNotification'), subjects.eventsOf('SignedFirmwareStatusNotification')];
    case 'charging-profile':
      return [one ? subjects.fact(identity, 'ChargingProfileApplied') : subjects.factsOf('ChargingProfileApplied')];
    case 'site-limit':
      return [one ? subjects.fact(identity, 'SiteLimit') : subjects.factsOf('SiteLimit')];
  }
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** The live event a stream message makes, or undefined (a message no live event shows). */
export function toLiveEvent(m: StreamedMessage): LiveEvent | undefined {
  const conn = parseConnectionSubject(m.subject);
  if (conn !== undefined && m.subject === subjects.connection(conn)) {
    const e = m.data as ConnectionEvent;
    const base = { chargerId: e.chargerId, at: e.at, gatewayId: e.gatewayId, sessionId: e.sessionId };
    return e.state === 'connected'
      ? { type: 'charger.connected', seq: m.seq, data: { ...base, remoteAddress: orNull(e.remoteAddress) } }
      : { type: 'charger.disconnected', seq: m.seq, data: { ...base, code: e.code ?? 1006, reason: e.reason ?? '' } };
  }
  const evt = parseEventSubject(m.subject);
  if (evt) return fromChargerCall(m.seq, evt.action, m.data as ChargerMessage);
  const fact = parseFactSubject(m.subject);
  if (fact) return fromFact(m.seq, fact.kind, m.data);
  return undefined;
}

function fromChargerCall(seq: number, action: string, msg: ChargerMessage): LiveEvent | undefined {
  const base = { chargerId: msg.chargerId, at: msg.receivedAt };
  switch (action) {
    case 'StatusNotification': {
      const p = msg.payload as StatusNotificationRequest;
      return {
        type: 'connector.status',
        seq,
        data: {
          ...base,
          connectorId: p.connectorId,
          status: p.status,
          errorCode: p.errorCode,
          info: orNull(p.info),
          vendorErrorCode: orNull(p.vendorErrorCode),
          timestamp: orNull(p.timestamp),
        },
      };
    }
    case 'StopTransaction': {
      const p = msg.payload as StopTransactionRequest;
      return {
        type: 'transaction.stopped',
        seq,
        data: { ...base, transactionId: p.transactionId, meterStop: p.meterStop, reason: orNull(p.reason), timestamp: p.timestamp },
      };
    }
    case 'SecurityEventNotification': {
      const p = msg.payload as SecurityEventNotificationRequest;
      return { type: 'security', seq, data: { ...base, type: p.type, techInfo: orNull(p.techInfo), timestamp: p.timestamp, source: 'charger' } };
    }
    case 'MeterValues':
      return powerEvent(seq, msg as ChargerMessage<MeterValuesRequest>);
    case 'FirmwareStatusNotification':
      // A firmware update's progress (docs/api-firmware-campaigns.md#charger-states).
      return { type: 'firmware', seq, data: { ...base, status: (msg.payload as FirmwareStatusNotificationRequest).status } };
    case 'SignedFirmwareStatusNotification': {
      // A signed update's progress: the requestId names the SignedUpdateFirmware (docs/api-firmware-campaigns.md#signed-firmware).
      const p = msg.payload as SignedFirmwareStatusNotificationRequest;
      return { type: 'firmware', seq, data: { ...base, status: p.status, signed: true, requestId: orNull(p.requestId) } };
    }
    default:
      return undefined;
  }
}

/**
 * The latest Power.Active.Import of a MeterValues, in W, by the rule metering applies to stored power
 * (libs/ocpp powerWatts). A MeterValues without power makes no event.
 */
function powerEvent(seq: number, msg: ChargerMessage<MeterValuesRequest>): LiveEvent | undefined {
  const p = msg.payload;
  const samples = [...p.meterValue].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  for (let i = samples.length - 1; i >= 0; i--) {
    const powerW = powerWatts(
      samples[i].sampledValue.map((s) => ({
        measurand: s.measurand,
        phase: s.phase,
        value: (s.format ?? 'Raw') === 'Raw' && s.value.trim() !== '' && Number.isFinite(Number(s.value)) ? Number(s.value) : null,
        unit: s.unit,
      })),
    );
    if (powerW === null) continue;
    // `at` is the sample's time, as GET /chargers/:id/power gives it: the chart's time axis.
    return {
      type: 'power',
      seq,
      data: {
        chargerId: msg.chargerId,
        at: samples[i].timestamp,
        connectorId: p.connectorId,
        powerW,
        transactionId: orNull(p.transactionId),
        receivedAt: msg.receivedAt,
      },
    };
  }
  return undefined;
}

function fromFact(seq: number, kind: string, data: unknown): LiveEvent | undefined {
  switch (kind) {
    case 'CommandOutcome': {
      const f = data as CommandOutcomeFact;
      return {
        type: 'command',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.finishedAt,
          commandId: f.commandId,
          action: f.action,
          status: f.status,
          origin: f.origin ?? 'unknown',
          ...(f.error ? { error: f.error } : {}),
        },
      };
    }
    case 'ChargingProfileApplied': {
      const f = data as ChargingProfileAppliedFact;
      return {
        type: 'charging-profile',
        seq,
        data: { chargerId: f.chargerId, at: f.at, chargingProfileId: f.chargingProfileId, action: f.action, outcome: f.outcome, message: f.message ?? null },
      };
    }
    case 'Diagnostics': {
      const f = data as DiagnosticsFact;
      return {
        type: 'diagnostics',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.at,
          id: f.id,
          kind: f.kind,
          event: f.event,
          status: f.status,
          chargerStatus: f.chargerStatus,
          fileName: f.fileName,
          size: f.size,
        },
      };
    }
    case 'QueuedCommand': {
      const f = data as QueuedCommandFact;
      return {
        type: 'queued-command',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.at,
          commandId: f.commandId,
          action: f.action,
          event: f.event,
          status: f.status,
          attempt: orNull(f.attempt),
          outcome: orNull(f.outcome),
        },
      };
    }
    case 'Boot': {
      const f = data as BootFact;
      return {
        type: 'charger.boot',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.at,
          status: f.status,
          vendor: f.vendor,
          model: f.model,
          firmwareVersion: f.firmwareVersion,
          serialNumber: f.serialNumber,
          ...(f.afterReset ? { afterReset: f.afterReset } : {}),
        },
      };
    }
    case 'TransactionStarted': {
      const f = data as TransactionStartedFact;
      return {
        type: 'transaction.started',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.at,
          transactionId: f.transactionId,
          connectorId: f.connectorId,
          idTag: f.idTag,
          meterStart: f.meterStart,
          idTagStatus: f.idTagStatus,
          timestamp: f.timestamp,
        },
      };
    }
    case 'SecurityEvent': {
      const f = data as SecurityEventFact;
      return {
        type: 'security',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.timestamp,
          type: f.type,
          techInfo: f.techInfo,
          timestamp: f.timestamp,
          source: 'csms',
          remoteAddress: f.remoteAddress,
        },
      };
    }
    case 'ConfigurationApplied': {
      const f = data as ConfigurationAppliedFact;
      return {
        type: 'configuration',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.at,
          key: f.key ?? '',
          value: f.value ?? '',
          outcome: f.outcome,
          inSync: f.state === 'in-sync',
          state: f.state,
          driftedKeys: f.driftedKeys,
          ...(f.message ? { message: f.message } : {}),
        },
      };
    }
    case 'SiteLimit': {
      // A new share of the group's site limit, accepted by the charger (docs/site-limits.md).
      const f = data as SiteLimitFact;
      return {
        type: 'site-limit',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.at,
          group: f.group,
          connectorId: f.connectorId,
          transactionId: f.transactionId,
          offeredA: f.offeredA,
          state: f.state,
          selfLimited: f.selfLimited,
        },
      };
    }
    case 'Reservation': {
      const f = data as ReservationFact;
      return {
        type: 'reservation',
        seq,
        data: {
          chargerId: f.chargerId,
          at: f.at,
          event: f.event,
          reservationId: f.reservationId,
          connectorId: f.connectorId,
          idTag: f.idTag,
          status: f.status,
          expiresAt: f.expiresAt,
          reserveStatus: f.reserveStatus,
          transactionId: f.transactionId,
        },
      };
    }
    default:
      return undefined;
  }
}
