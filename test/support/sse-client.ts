/**
 * A Server-Sent Events client for the tests, as EventSource reads the stream (id, event, data fields; a
 * frame without id keeps the last one), with what EventSource hides: the status, and the headers we send.
 */
import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id: string | undefined;
  /** Whether the frame carried its own id (a released power reading does not). */
  hasId: boolean;
  type: string;
  data: Record<string, unknown> & { chargerId: string; at: string };
}

export interface SseStream {
  status: number;
  events: SseEvent[];
  /** Resolves with the first event (from index `from`) that passes `predicate`. */
  next(predicate: (e: SseEvent) => boolean, from?: number, limitMs?: number): Promise<SseEvent>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
  body: string;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, resolve);
    req.on('error', reject);
    req.end();
  });
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  let body = '';
  let lastId: string | undefined;
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    body += chunk;
    buffer += chunk;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let type = 'message';
      let data = '';
      let hasId = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const [field, ...rest] = line.split(':');
        const value = rest.join(':').replace(/^ /, '');
        if (field === 'id') {
          lastId = value;
          hasId = true;
        } else if (field === 'event') type = value;
        else if (field === 'data') data += value;
      }
      if (data) events.push({ id: lastId, hasId, type, data: JSON.parse(data) as SseEvent['data'] });
    }
    for (const w of waiters.splice(0)) w();
  });
  const ended = new Promise<void>((resolve) => {
    res.on('end', resolve);
    res.on('close', resolve);
    res.on('error', () => resolve());
  });
  const next = async (predicate: (e: SseEvent) => boolean, from = 0, limitMs = 15_000): Promise<SseEvent> => {
    const until = Date.now() + limitMs;
    for (;;) {
      const found = events.slice(from).find(predicate);
      if (found) return found;
      if (Date.now() > until)
        throw new Error(
          `no matching event in ${limitMs} ms; got ${JSON.stringify(events.map((e) => [e.id, e.type, e.data.chargerId]))} (status ${res.statusCode}) ${body.slice(0, 300)}`,
        );
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return {
    status: res.statusCode ?? 0,
    events,
    next,
    ended,
    close: () => res.destroy(),
    get body() {
      return body;
    },
  };
}

/** One metric's value from a Prometheus text exposition (the sum over label sets matching `labels`). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
