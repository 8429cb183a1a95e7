/** What the router gives a page, and what a page gives back: its element and how to stop it. */
import type { Identity } from '../../domain/api-types.js';
import type { StreamState } from '../live/event-stream.js';

export interface ViewContext {
  identity: Identity;
  setLiveState(state: StreamState | undefined): void;
}

export interface View {
  el: HTMLElement;
  /** Closes the page's event stream and timers; the router calls it when the page is left. */
  dispose(): void;
}

/** A load that failed, said on the page (never an unhandled rejection on the console). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
