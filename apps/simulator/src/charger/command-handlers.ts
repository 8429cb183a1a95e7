// Answers to every CSMS->charger action of OCPP 1.6 and the 1.6 security extension, as a Zaptec charger would.
// What the model does not support is answered the way a real charger without the feature answers:
// a status value where the .conf has one (NotSupported/Rejected/NotFound), otherwise a CALLERROR.
import type { CallHandler, JsonObject, RpcClient } from '../ocpp-rpc.js';
import { createRPCError } from '../rpc.js';
import { KeyStoreError } from './key-store.js';
import type { ChargerPort } from './charger-port.js';
import { registerProfileHandlers } from './profile-handlers.js';
import { diagnosticsFile, uploadDiagnostics } from './diagnostics-upload.js';

/** Runs after the current reply has been written (ocpp-rpc sends it synchronously once the handler resolves). */
export function afterReply(fn: () => void): void {
  setImmediate(fn);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function registerCommandHandlers(client: RpcClient, c: ChargerPort): void {
  const on = (method: string, handler: CallHandler): void =>
    client.handle(method, (args) => {
      c.stats.commands++;
      c.emit('received', method, args.params);
      return handler(args);
    });

  on('GetConfiguration', ({ params }) => {
    const keys = Array.isArray(params.key) ? (params.key as string[]) : undefined;
    try {
      const r = c.keys.getConfiguration(keys);
      return { configurationKey: r.configurationKey, ...(r.unknownKey.length > 0 ? { unknownKey: r.unknownKey } : {}) };
    } catch (e) {
      if (e instanceof KeyStoreError) throw createRPCError('OccurenceConstraintViolation', e.message);
      throw e;
    }
  });

  on('ChangeConfiguration', ({ params }) => {
    const key = str(params.key) ?? '';
    const r = c.keys.change(key, str(params.value) ?? '');
    if (r.status === 'Accepted' && key === 'AuthorizationKey') {
      // Stop using the old password: reconnect with the new one once this reply is out (docs/reference/protocol-notes.md#authorizationkey).
      afterReply(() => void c.reconnectWithNewPassword());
    }
    return { status: r.status };
  });

  on('Reset', ({ params }) => {
    const kind = params.type === 'Hard' ? 'Hard' : 'Soft';
    afterReply(() => void c.reboot(kind));
    return { status: 'Accepted' };
  });

  on('RemoteStartTransaction', ({ params }) => {
    const connectorId = typeof params.connectorId === 'number' ? params.connectorId : 1;
    if (connectorId !== 1) return { status: 'Rejected' };
    if (params.chargingProfile) c.applyChargingProfile(connectorId, params.chargingProfile as JsonObject);
    return { status: c.acceptRemoteStart(str(params.idTag) ?? '') ? 'Accepted' : 'Rejected' };
  });

  on('RemoteStopTransaction', ({ params }) => {
    const running = c.transactions.transactionId;
    if (running === undefined || running !== params.transactionId) return { status: 'Rejected' };
    afterReply(() => c.stopTransaction('Remote'));
    return { status: 'Accepted' };
  });

  on('UnlockConnector', ({ params }) => {
    if (params.connectorId !== 1) return { status: 'NotSupported' };
    // docs/reference/zaptec-facts.md#lockcablepermanently: with LockCablePermanently the cable acts as permanently attached.
    if (c.keys.getBool('LockCablePermanently')) return { status: 'NotSupported' };
    if (c.transactions.active) afterReply(() => c.stopTransaction('UnlockCommand'));
    return { status: 'Unlocked' };
  });

  on('ChangeAvailability', ({ params }) => {
    if (params.connectorId !== 0 && params.connectorId !== 1) return { status: 'Rejected' };
    const done = c.setOperative(params.type === 'Operative');
    return { status: done ? 'Accepted' : 'Scheduled' };
  });

  on('ClearCache', () => ({ status: 'Accepted' }));

  // No vendor-specific DataTransfer is known for Zaptec box-level mode.
  on('DataTransfer', () => ({ status: 'UnknownVendorId' }));

  on('TriggerMessage', ({ params }) => ({ status: trigger(c, str(params.requestedMessage) ?? '', params.connectorId) }));

  on('ExtendedTriggerMessage', ({ params }) => {
    const requested = str(params.requestedMessage) ?? '';
    if (requested === 'SignChargePointCertificate') return { status: 'NotImplemented' };
    if (requested === 'LogStatusNotification') {
      afterReply(() => c.send('LogStatusNotification', { status: 'Idle' }));
      return { status: 'Accepted' };
    }
    const status = trigger(c, requested, params.connectorId);
    return { status: status === 'NotImplemented' ? 'NotImplemented' : status };
  });

  on('GetDiagnostics', ({ params }) => {
    // Pro has no GetDiagnostics (docs/reference/zaptec-facts.md#capabilities-per-model): a charger without the action
    // answers NotImplemented.
    if (!c.preset.supportsGetDiagnostics) throw createRPCError('NotImplemented', 'GetDiagnostics is not implemented');
    const fileName = `${c.identity}-diagnostics.log`;
    // An HTTP(S) location gets a real upload; FTP or the diagnosticsUploadFails fault end in UploadFailed.
    const body = diagnosticsFile(c.identity, c.preset.model, c.preset.firmwareVersion);
    afterReply(() => void uploadDiagnostics(c, str(params.location) ?? '', fileName, body));
    return { fileName };
  });

  on('UpdateFirmware', ({ params }) => {
    // A model without FirmwareManagement (the Pro, docs/reference/zaptec-facts.md#capabilities-per-model) lacks the action.
    if (!c.preset.supportsGetDiagnostics) throw createRPCError('NotImplemented', 'UpdateFirmware is not implemented');
    c.firmware.start(str(params.location) ?? '', str(params.retrieveDate) ?? '');
    return {};
  });

  registerProfileHandlers(on, c);

  // Anything else (unknown action) gets what ocpp-rpc would send without a handler.
  client.handle(({ method }) => {
    c.stats.commands++;
    throw createRPCError('NotImplemented', `Unable to handle '${method}' calls`);
  });
}

/** TriggerMessage (OCPP 1.6 §5.17): Accepted and the message sent after the reply, or NotImplemented. */
function trigger(c: ChargerPort, requested: string, connectorId: unknown): 'Accepted' | 'Rejected' | 'NotImplemented' {
  if (connectorId !== undefined && connectorId !== 0 && connectorId !== 1) return 'Rejected';
  const conn = connectorId === 1 ? 1 : 0;
  switch (requested) {
    case 'BootNotification':
      afterReply(() => c.triggerBoot());
      return 'Accepted';
    case 'Heartbeat':
      afterReply(() => c.send('Heartbeat', {}));
      return 'Accepted';
    case 'StatusNotification':
      afterReply(() => {
        if (connectorId === undefined) {
          c.send('StatusNotification', c.statusPayload(0));
          c.send('StatusNotification', c.statusPayload(1));
        } else c.send('StatusNotification', c.statusPayload(conn));
      });
      return 'Accepted';
    case 'MeterValues':
      afterReply(() => c.sendTriggeredMeterValues(conn));
      return 'Accepted';
    case 'DiagnosticsStatusNotification':
      afterReply(() => c.send('DiagnosticsStatusNotification', { status: 'Idle' }));
      return 'Accepted';
    case 'FirmwareStatusNotification':
      afterReply(() => c.firmware.reportNow());
      return 'Accepted';
    default:
      return 'NotImplemented';
  }
}
