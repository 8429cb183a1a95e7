import type { IncomingMessage, ServerResponse } from 'node:http';
import { All, Controller, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { BUS, type Bus, type UploadClaim } from '#csms/bus';
import { call } from '#csms/http';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options.js';
import { multipartFile } from './multipart.js';
import { relayUpload, safeFileName } from './upload-relay.js';
import * as configManager from '#csms/config-manager/verbs';

const log = new Logger('DiagnosticsUpload');
const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * `PUT|POST /ocpp-uploads/<token>[/<file name>]`: where chargers upload diagnostics and logs
 * (docs/diagnostics.md#upload-endpoint). Not under /api/v1 and without an API token: chargers have none; the
 * one-time token in the URL is the credential (config-manager checks it). Left out of the OpenAPI document,
 * which describes the operator API.
 */
@ApiExcludeController()
@Controller('ocpp-uploads')
export class UploadController {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  @All(':token')
  upload(@Param('token') token: string, @Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.receive(token, undefined, req, res);
  }

  @All(':token/:name')
  uploadNamed(@Param('token') token: string, @Param('name') name: string, @Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.receive(token, name, req, res);
  }

  private async receive(token: string, name: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'PUT' && req.method !== 'POST')
      return answer(res, 405, { error: 'method_not_allowed', message: 'upload with PUT or POST' }, { Allow: 'PUT, POST' });
    // The API's JSON and form parsers ran before this handler and consumed such a body: it is not a file.
    if (req.readableEnded && Number(req.headers['content-length'] ?? 0) > 0) {
      return answer(res, 415, {
        error: 'unsupported_media_type',
        message: 'send the file as the raw body (e.g. application/octet-stream) or multipart/form-data',
      });
    }
    const { maxBytes } = this.options.uploads;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxBytes) return answer(res, 413, tooLarge(maxBytes));
    let claim: UploadClaim;
    try {
      claim = await call(this.bus, configManager.claimUpload, { token });
    } catch (err) {
      const status = (err as { getStatus?: () => number }).getStatus?.() ?? 500;
      const body = (err as { getResponse?: () => unknown }).getResponse?.() ?? { error: 'internal', message: errorMessage(err) };
      return answer(res, status, body);
    }
    const multipart = multipartFile(req.headers['content-type'], req);
    const source = multipart?.body ?? req;
    try {
      const outcome = await relayUpload(source, maxBytes, async (seq, chunk) => {
        await call(this.bus, configManager.uploadChunk, { ...claim, seq, data: chunk.toString('base64') });
      });
      if (!outcome.ok) {
        await call(this.bus, configManager.abandonUpload, { ...claim, error: `upload over ${maxBytes} bytes refused` });
        return answer(res, 413, tooLarge(maxBytes));
      }
      const storedName = safeFileName(name) ?? safeFileName(multipart?.fileName());
      const contentType = multipart?.contentType() ?? req.headers['content-type'];
      const view = await call(this.bus, configManager.finishUpload, { ...claim, storedName, contentType });
      log.log(`received ${view.size} bytes for ${view.kind} ${view.id} of ${view.chargerId}`);
      return answer(res, 201, { id: view.id, size: view.size });
    } catch (err) {
      log.warn(`upload ${claim.id} failed: ${errorMessage(err)}`);
      await call(this.bus, configManager.abandonUpload, { ...claim, error: `upload broken: ${errorMessage(err)}` }).catch(() => undefined);
      if (!res.headersSent && !res.destroyed) return answer(res, 400, { error: 'upload_failed', message: errorMessage(err) });
    }
  }
}

function tooLarge(maxBytes: number): unknown {
  return { error: 'payload_too_large', message: `the file is larger than ${maxBytes} bytes (DIAGNOSTICS_MAX_BYTES)` };
}

/** Answers and closes: a refused upload's unread body is not worth reading. */
function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...(status >= 400 ? { Connection: 'close' } : {}),
    ...headers,
  });
  res.end(text);
}
