/** The frame around every page: navigation, who is signed in, whether the page is live, and <main>. */
import type { Identity } from '../../domain/api-types.js';
import { currentToken } from '../api/session.js';
import type { StreamState } from '../live/event-stream.js';
import { fill, h } from './dom.js';

export interface Shell {
  main: HTMLElement;
  setIdentity(identity: Identity | undefined): void;
  setLiveState(state: StreamState | undefined): void;
  setCurrent(route: 'overview' | 'chargers' | 'sign-in'): void;
}

const LIVE_TEXT: Record<StreamState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  polling: 'refreshing every second (this server has no event stream)',
  refused: 'live updates refused',
};

export function mountShell(root: HTMLElement, onSignOut: () => void): Shell {
  const nav = {
    overview: h('a', { href: '#/' }, 'Overview'),
    chargers: h('a', { href: '#/chargers' }, 'Chargers'),
  };
  const who = h('div', { class: 'who' });
  const live = h('p', { class: 'live-state', role: 'status', 'aria-live': 'polite' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  fill(
    root,
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h('header', { class: 'top' }, h('p', { class: 'brand' }, 'CSMS operations'), h('nav', { 'aria-label': 'Main' }, nav.overview, nav.chargers), live, who),
    main,
  );
  // The skip link must not change the route: it moves focus only.
  root.querySelector('.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  return {
    main,
    setIdentity(identity) {
      const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
      out.addEventListener('click', onSignOut);
      if (!identity) return fill(who, h('a', { href: '#/sign-in' }, 'Sign in'));
      const role = identity.assumed ? `${identity.role} (assumed: no /api/v1/whoami on this server)` : identity.role;
      fill(who, h('span', {}, identity.name, ' · ', h('span', { 'data-role': identity.role }, role)), currentToken() ? out : null);
    },
    setLiveState(state) {
      live.dataset.state = state ?? '';
      fill(live, state ? h('span', { class: `dot ${state}`, 'aria-hidden': 'true' }) : null, state ? LIVE_TEXT[state] : '');
    },
    setCurrent(route) {
      for (const [name, a] of Object.entries(nav)) {
        if (name === route) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
  };
}
