// GetDiagnostics as a Zaptec charger carries it out (docs/diagnostics.md): Uploading, an HTTP(S) PUT of the file
// to the location, then Uploaded or UploadFailed, then Idle. FTP locations are not supported by the simulator.
import type { Faults } from './faults.js';

export interface DiagnosticsHost {
  identity: string;
  faults: Faults;
  send(action: string, payload: Record<string, unknown>): void;
}

/** A small plain-text diagnostics file: enough to prove the bytes went through unchanged. */
export function diagnosticsFile(identity: string, model: string, firmware: string, now = new Date()): Buffer {
  return Buffer.from([`charger ${identity}`, `model ${model}`, `firmware ${firmware}`, `generated ${now.toISOString()}`, ''].join('\n'));
}

/** The URL the file goes to: the location with the file name appended when it ends in a slash. */
export function uploadUrl(location: string, fileName: string): string | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.pathname.endsWith('/') ? `${url.href}${encodeURIComponent(fileName)}` : url.href;
}

/** Runs the upload and reports each step; never throws (a failure is UploadFailed, as on a charger). */
export async function uploadDiagnostics(host: DiagnosticsHost, location: string, fileName: string, body: Buffer): Promise<boolean> {
  host.send('DiagnosticsStatusNotification', { status: 'Uploading' });
  const url = uploadUrl(location, fileName);
  let uploaded = false;
  if (url && !host.faults.diagnosticsUploadFails) {
    try {
      const res = await fetch(url, { method: 'PUT', body, headers: { 'Content-Type': 'application/octet-stream' }, signal: AbortSignal.timeout(60_000) });
      await res.body?.cancel();
      uploaded = res.ok;
    } catch {
      uploaded = false;
    }
  }
  host.send('DiagnosticsStatusNotification', { status: uploaded ? 'Uploaded' : 'UploadFailed' });
  host.send('DiagnosticsStatusNotification', { status: 'Idle' });
  return uploaded;
}
