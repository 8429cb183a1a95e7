/**
 * One view's subscription to GET /api/v1/events (Server-Sent Events). The browser's EventSource reconnects
 * by itself after a network error and sends Last-Event-ID, so the server replays what was missed. When
 * the server answers a connection with an HTTP error instead, EventSource gives up for good: the status
 * is then asked with one plain request and decides what follows —
 *   404: this server has no event stream (yet): the view's `poll` runs every POLL_MS instead;
 *   401: sign in (the app shows the sign-in page);
 *   anything else: open again later, resuming after the last event seen (`lastEventId` in the query).
 * EventSource cannot send headers: the token goes as `access_token` in the query (CONTRACT-LIVE).
 */
import { LIVE_EVENT_TYPES, type LiveEvent, type LiveEventType } from '../../domain/api-types.js';
import { UNAUTHORIZED_EVENT, authHeaders } from '../api/http.js';
import { currentToken } from '../api/session.js';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'refused';

export interface LiveStreamOptions {
  /** Only these event types (default: all). */
  types?: readonly LiveEventType[];
  chargerId?: string;
  onEvent(event: LiveEvent): void;
  onState?(state: StreamState): void;
  /** What keeps the view current without the event stream. */
  poll?(): Promise<void>;
}

export const POLL_MS = 1000;
const MAX_RETRY_MS = 30_000;

export class LiveStream {
  private source: EventSource | undefined;
  private lastEventId: string | undefined;
  private retryMs = 1000;
  private timer: number | undefined;
  private closed = false;

  constructor(private readonly options: LiveStreamOptions) {
    this.open();
  }

  close(): void {
    this.closed = true;
    this.source?.close();
    window.clearTimeout(this.timer);
  }

  private url(): string {
    const q = new URLSearchParams();
    if (this.options.chargerId) q.set('chargerId', this.options.chargerId);
    if (this.options.types) q.set('types', this.options.types.join(','));
    if (this.lastEventId) q.set('lastEventId', this.lastEventId);
    const token = currentToken();
    if (token) q.set('access_token', token);
    return `/api/v1/events?${q}`;
  }

  private state(s: StreamState): void {
    this.options.onState?.(s);
  }

  private open(): void {
    if (this.closed) return;
    const es = new EventSource(this.url());
    this.source = es;
    this.state(this.lastEventId ? 'reconnecting' : 'connecting');
    es.onopen = () => {
      this.retryMs = 1000;
      this.state('live');
    };
    es.onerror = () => {
      if (this.closed) return;
      if (es.readyState === EventSource.CONNECTING) {
        this.state('reconnecting');
        return;
      }
      es.close();
      void this.afterRefusal();
    };
    for (const type of this.options.types ?? LIVE_EVENT_TYPES) {
      es.addEventListener(type, (m) => this.deliver(type, m));
    }
  }

  private deliver(type: LiveEventType, m: MessageEvent<string>): void {
    if (m.lastEventId) this.lastEventId = m.lastEventId;
    let data: unknown;
    try {
      data = JSON.parse(m.data);
    } catch {
      return;
    }
    if (data && typeof data === 'object' && typeof (data as { chargerId?: unknown }).chargerId === 'string') {
      this.options.onEvent({ type, id: m.lastEventId, data } as LiveEvent);
    }
  }

  private async afterRefusal(): Promise<void> {
    const status = await this.probe();
    if (this.closed) return;
    if (status === 404) return this.startPolling();
    if (status === 401 || status === 403) {
      this.state('refused');
      if (status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT));
      return;
    }
    this.state('reconnecting');
    this.timer = window.setTimeout(() => this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  /** The status the events route answers now; 0 when the server cannot be reached. */
  private async probe(): Promise<number> {
    const abort = new AbortController();
    try {
      const res = await fetch(this.url(), { headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: abort.signal });
      return res.status;
    } catch {
      return 0;
    } finally {
      abort.abort();
    }
  }

  private startPolling(): void {
    this.state('polling');
    const poll = this.options.poll;
    if (!poll) return;
    const tick = async (): Promise<void> => {
      if (this.closed) return;
      await poll().catch(() => undefined);
      if (!this.closed) this.timer = window.setTimeout(tick, POLL_MS);
    };
    this.timer = window.setTimeout(tick, POLL_MS);
  }
}
