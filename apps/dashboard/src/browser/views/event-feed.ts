/** The latest live events, newest first, bounded: the overview's and the charger page's activity list. */
import type { LiveEvent } from '../../domain/api-types.js';
import { describeEvent } from '../../domain/describe-event.js';
import { formatTime } from '../../domain/format.js';
import type { StreamState } from '../live/event-stream.js';
import { h } from './dom.js';

export class EventFeed {
  readonly el: HTMLOListElement;
  private readonly placeholder = h('li', { class: 'empty' }, 'Waiting for events…');

  constructor(
    private readonly withCharger: boolean,
    private readonly max = 30,
  ) {
    this.el = h('ol', { class: 'feed', 'aria-label': 'Latest events, newest first' }, this.placeholder);
  }

  add(e: LiveEvent): void {
    this.placeholder.remove();
    const who = this.withCharger ? h('a', { href: `#/chargers/${encodeURIComponent(e.data.chargerId)}` }, e.data.chargerId) : null;
    const item = h('li', { 'data-type': e.type }, h('time', { datetime: e.data.at }, formatTime(e.data.at)), ' ', who, who ? ' ' : null, describeEvent(e));
    this.el.prepend(item);
    while (this.el.children.length > this.max) this.el.lastElementChild?.remove();
  }

  setState(state: StreamState): void {
    if (state === 'polling') this.placeholder.textContent = 'This server has no event stream (GET /api/v1/events): events cannot be shown here.';
    if (state === 'refused') this.placeholder.textContent = 'The event stream refused this sign-in.';
  }
}
