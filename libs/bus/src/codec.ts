/**
 * The bus's wire encoding: JSON. `undefined` travels as an empty payload so that a handler returning
 * nothing answers with nothing, on both transports.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toJson(data: unknown): string {
  return data === undefined ? '' : JSON.stringify(data);
}

export function fromJson<T>(json: string): T {
  return (json === '' ? undefined : JSON.parse(json)) as T;
}

export function encode(data: unknown): Uint8Array {
  return encoder.encode(toJson(data));
}

export function decode<T>(bytes: Uint8Array): T {
  return fromJson<T>(bytes.length === 0 ? '' : decoder.decode(bytes));
}

/** A message for logs from whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
