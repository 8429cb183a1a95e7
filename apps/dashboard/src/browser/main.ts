/**
 * The dashboard's start: who is signed in (GET /api/v1/whoami), then the page the address names. A 401
 * from any request leads to the sign-in page; signing in or out starts the current page again.
 */
import type { Identity } from '../domain/api-types.js';
import { whoami } from './api/endpoints.js';
import { ApiError, UNAUTHORIZED_EVENT } from './api/http.js';
import { signOut } from './api/session.js';
import { parseRoute, type Route } from './router.js';
import { chargerListView } from './views/charger-list.js';
import { chargerPage } from './views/charger-page.js';
import { h } from './views/dom.js';
import { overviewView } from './views/overview.js';
import { mountShell } from './views/shell.js';
import { signInView } from './views/sign-in.js';
import { errorText, type View } from './views/view.js';

let identity: Identity | undefined;
let current: View | undefined;
let afterSignIn = '#/';

const shell = mountShell(document.body, () => {
  signOut();
  identity = undefined;
  void start();
});

let shownRoute: Route['name'] | undefined;

function show(view: View, route: Route['name']): void {
  const focused = document.activeElement?.id;
  current?.dispose();
  current = view;
  shell.main.replaceChildren(view.el);
  shell.setCurrent(route === 'charger' ? 'chargers' : route);
  // The same page again (a filter applied): focus stays on its control. Another page: focus goes to it.
  const again = focused ? document.getElementById(focused) : null;
  if (route === shownRoute && again) again.focus();
  else if (shownRoute !== undefined) shell.main.focus();
  shownRoute = route;
}

function render(reason?: string): void {
  const route = parseRoute(location.hash);
  shell.setLiveState(undefined);
  if (route.name === 'sign-in' || !identity) {
    if (route.name !== 'sign-in') afterSignIn = location.hash || '#/';
    show(
      signInView(reason, (who) => {
        identity = who;
        shell.setIdentity(who);
        if (location.hash === afterSignIn) render();
        else location.hash = afterSignIn;
      }),
      'sign-in',
    );
    return;
  }
  const ctx = { identity, setLiveState: shell.setLiveState };
  if (route.name === 'overview') show(overviewView(ctx), 'overview');
  else if (route.name === 'chargers') show(chargerListView(ctx, route.params), 'chargers');
  else show(chargerPage(ctx, route.id), 'charger');
}

async function start(): Promise<void> {
  try {
    identity = await whoami();
  } catch (err) {
    identity = undefined;
    if (!(err instanceof ApiError && err.status === 401)) {
      shell.main.replaceChildren(h('p', { role: 'alert' }, `The operator API did not answer: ${errorText(err)}`));
      return;
    }
  }
  shell.setIdentity(identity);
  render(identity ? undefined : 'The operator API asks for a token.');
}

window.addEventListener('hashchange', () => render());
window.addEventListener(UNAUTHORIZED_EVENT, () => {
  if (parseRoute(location.hash).name === 'sign-in' || !identity) return;
  signOut();
  identity = undefined;
  shell.setIdentity(undefined);
  render('Your token was refused or has expired: sign in again.');
});
void start();
