import { UPLOAD_CHUNK_BYTES } from '#csms/bus';

export type RelayOutcome = { ok: true; size: number } | { ok: false; reason: 'too-large'; size: number };

/**
 * Passes an upload body on in chunks of at most `chunkBytes` as it arrives, never holding more than one
 * chunk: a gateway must not buffer a charger's whole file (docs/reference/design-decisions.md#diagnostics-uploads).
 * Stops at the first byte over `maxBytes` (the caller answers 413).
 */
export async function relayUpload(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  sink: (seq: number, chunk: Buffer) => Promise<void>,
  chunkBytes = UPLOAD_CHUNK_BYTES,
): Promise<RelayOutcome> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let seq = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const whole = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    for (let at = 0; at < whole.length; at += chunkBytes) await sink(seq++, whole.subarray(at, at + chunkBytes));
  };
  for await (const piece of body) {
    size += piece.length;
    if (size > maxBytes) return { ok: false, reason: 'too-large', size };
    pending.push(Buffer.from(piece));
    pendingBytes += piece.length;
    if (pendingBytes >= chunkBytes) await flush();
  }
  await flush();
  return { ok: true, size };
}

/** The file name an upload URL may carry after the token: a plain name, nothing that could be a path. */
export function safeFileName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return cleaned === '' ? undefined : cleaned;
}
