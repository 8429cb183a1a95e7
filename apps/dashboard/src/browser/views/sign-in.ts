/**
 * Sign in with a token: an API token, or where the operator API accepts OIDC, an access token (a JWT) from
 * the identity provider. The token is checked with GET /api/v1/whoami before the dashboard uses it.
 */
import type { Identity } from '../../domain/api-types.js';
import { ApiError } from '../api/http.js';
import { whoami } from '../api/endpoints.js';
import { signIn, signOut } from '../api/session.js';
import { fill, h, section } from './dom.js';
import { errorText, type View } from './view.js';

export function signInView(reason: string | undefined, onSignedIn: (identity: Identity) => void): View {
  const token = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-help',
  });
  const message = h('p', { class: 'outcome', role: 'alert' }, reason ?? '');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-label': 'Sign in' },
    h('div', { class: 'field wide' }, h('label', { for: 'token' }, 'API token or OIDC access token'), token),
    h(
      'div',
      { id: 'token-help', class: 'help' },
      h('p', {}, 'An API token is made by an admin (POST /api/v1/api-tokens) with a role: viewer, operator or admin.'),
      h(
        'p',
        {},
        'Where the operator API is set up with OpenID Connect (OIDC_ISSUER), paste an access token (a JWT) issued to you by your identity provider instead; your role comes from its role claim.',
      ),
      h(
        'p',
        {},
        'The token is kept in this browser tab only (sessionStorage) and sent as Authorization: Bearer. On this computer’s loopback address with the default API_AUTH=loopback-trusted no sign-in is needed.',
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')),
    message,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    signIn(token.value);
    fill(message, 'Checking the token…');
    whoami().then(onSignedIn, (err: unknown) => {
      signOut();
      fill(message, err instanceof ApiError && err.status === 401 ? `This token was refused: ${err.body.message}` : `Could not sign in: ${errorText(err)}`);
    });
  });
  const el = h('div', { class: 'page sign-in' }, h('h1', {}, 'Sign in'), section('sign-in-form', 'Your token', form));
  return { el, dispose: () => undefined };
}
