import { randomUUID } from 'node:crypto';
import { HttpException, HttpStatus } from '@nestjs/common';
import { sendCommand, type Bus, type CommandReply, type DiagnosticsKind, type DiagnosticsView } from '#csms/bus';
import { call, requireCapability } from '#csms/http';
import type { GetDiagnosticsRequest, GetDiagnosticsResponse, GetLogRequest, GetLogResponse } from '#csms/ocpp';
import type { GatewayOptions } from '../gateway-options.js';
import * as configManager from '#csms/config-manager/verbs';

export interface UploadAsk {
  kind: DiagnosticsKind;
  startTime?: string;
  stopTime?: string;
  retries?: number;
  retryInterval?: number;
}

/**
 * One diagnostics or log request: the model's capability first (a Pro has no GetDiagnostics: 422 and
 * nothing is created or sent), then the request with its one-time URL, then the command; the charger's
 * answer (its file name) is stored with the request.
 */
export async function requestUpload(
  bus: Bus,
  options: Pick<GatewayOptions, 'uploads' | 'commandTimeoutMs'>,
  chargerId: string,
  ask: UploadAsk,
  requestedBy: string,
): Promise<DiagnosticsView> {
  const action = ask.kind === 'diagnostics' ? 'GetDiagnostics' : 'GetLog';
  await requireCapability(bus, chargerId, action, 'action');
  const created = await call(bus, configManager.createDiagnostics, { chargerId, kind: ask.kind, requestedBy });
  const location = `${options.uploads.baseUrl}/ocpp-uploads/${created.token}/`;
  const payload = commandPayload(ask, location, created.view.requestId);
  const timeoutMs = options.commandTimeoutMs;
  const reply = await sendCommand<GetDiagnosticsResponse & GetLogResponse>(bus, chargerId, {
    commandId: randomUUID(),
    action,
    payload,
    timeoutMs,
    deadline: Date.now() + timeoutMs,
    origin: 'api',
    requestedBy,
  });
  if (reply.status === 'ok') {
    const rejected = action === 'GetLog' && reply.result.status === 'Rejected';
    return call(bus, configManager.diagnosticsAnswered, {
      id: created.view.id,
      fileName: reply.result.fileName ?? reply.result.filename,
      ...(rejected ? { error: 'the charger rejected GetLog' } : {}),
    });
  }
  await call(bus, configManager.diagnosticsAnswered, { id: created.view.id, error: `${action} not delivered: ${reply.status}` }).catch(() => undefined);
  throw failure(reply, chargerId, action, created.view.id);
}

function commandPayload(ask: UploadAsk, location: string, requestId: number): GetDiagnosticsRequest | GetLogRequest {
  const retry = {
    ...(ask.retries !== undefined ? { retries: ask.retries } : {}),
    ...(ask.retryInterval !== undefined ? { retryInterval: ask.retryInterval } : {}),
  };
  if (ask.kind === 'diagnostics') {
    return { location, ...(ask.startTime ? { startTime: ask.startTime } : {}), ...(ask.stopTime ? { stopTime: ask.stopTime } : {}), ...retry };
  }
  return {
    logType: ask.kind === 'security-log' ? 'SecurityLog' : 'DiagnosticsLog',
    requestId,
    log: { remoteLocation: location, ...(ask.startTime ? { oldestTimestamp: ask.startTime } : {}), ...(ask.stopTime ? { latestTimestamp: ask.stopTime } : {}) },
    ...retry,
  };
}

/** The same answers as the command route (docs/api-commands.md), with the request's id to follow it up. */
function failure(reply: Exclude<CommandReply, { status: 'ok' }>, chargerId: string, action: string, diagnosticsId: string): HttpException {
  switch (reply.status) {
    case 'not-connected':
      return new HttpException({ error: 'not_connected', diagnosticsId, message: `charger ${chargerId} is not connected` }, HttpStatus.NOT_FOUND);
    case 'connection-lost':
      return new HttpException(
        {
          error: 'connection_lost',
          outcome: 'unknown',
          diagnosticsId,
          message: `${action} was sent to ${chargerId}, then the connection closed before an answer`,
        },
        HttpStatus.FAILED_DEPENDENCY,
      );
    case 'timeout':
      return new HttpException(
        { error: 'timeout', diagnosticsId, message: `charger ${chargerId} did not answer ${action} in time` },
        HttpStatus.GATEWAY_TIMEOUT,
      );
    case 'callerror':
      return new HttpException(
        {
          error: 'callerror',
          code: reply.code,
          description: reply.description,
          diagnosticsId,
          message: `charger answered ${reply.code}: ${reply.description}`,
        },
        HttpStatus.BAD_GATEWAY,
      );
    case 'invalid':
      return new HttpException({ error: 'not_allowed', diagnosticsId, message: reply.errors.map((e) => e.message).join('; ') }, HttpStatus.CONFLICT);
  }
}
