/**
 * Send any command the charger's model supports (POST /api/v1/chargers/:id/commands/:action): the payload
 * editor starts from a valid example of the chosen action; the answer is shown as it came — the
 * charger's reply, or the API's status code and error body.
 */
import { exampleOf, supportedCommands, type CommandAction, type ExampleContext } from '../../domain/command-examples.js';
import { sendCommand } from '../api/endpoints.js';
import { fill, h } from './dom.js';
import { errorText } from './view.js';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Content',
  424: 'Failed Dependency',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const pretty = (v: unknown): string => JSON.stringify(v, null, 2);

export function commandForm(chargerId: string, unsupportedActions: readonly string[], context: () => Omit<ExampleContext, 'now'>): HTMLElement {
  const actions = supportedCommands(unsupportedActions);
  const action = h('select', { id: 'cmd-action', name: 'action' }, ...actions.map((a) => h('option', { value: a, selected: a === 'GetConfiguration' }, a)));
  const payload = h('textarea', {
    id: 'cmd-payload',
    name: 'payload',
    rows: 10,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': 'cmd-payload-help',
  });
  const send = h('button', { type: 'submit' }, 'Send');
  const reset = h('button', { type: 'button', class: 'secondary' }, 'Reset to example');
  const reply = h('div', { class: 'reply', role: 'status', 'aria-live': 'polite', id: 'cmd-reply' });
  const fillExample = (): void => {
    payload.value = pretty(exampleOf(action.value as CommandAction, { now: new Date(), ...context() }));
  };
  fillExample();
  action.addEventListener('change', fillExample);
  reset.addEventListener('click', fillExample);

  const form = h(
    'form',
    { class: 'command', 'aria-label': 'Send a command' },
    h('div', { class: 'field' }, h('label', { for: 'cmd-action' }, 'Command'), action),
    h(
      'div',
      { class: 'field wide' },
      h('label', { for: 'cmd-payload' }, 'Payload (JSON)'),
      payload,
      h(
        'p',
        { id: 'cmd-payload-help', class: 'help' },
        'The OCPP 1.6 request payload; the server checks it against the action’s schema before it goes to the charger.',
      ),
    ),
    h('div', { class: 'actions' }, send, reset),
    reply,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    let body: unknown;
    try {
      body = JSON.parse(payload.value);
    } catch (err) {
      fill(reply, h('p', { class: 'outcome bad', role: 'alert' }, `The payload is not valid JSON: ${errorText(err)}`));
      return;
    }
    const chosen = action.value;
    send.disabled = true;
    fill(reply, h('p', { class: 'outcome' }, `Sending ${chosen}…`));
    sendCommand(chargerId, chosen, body)
      .then(
        (r) => {
          const line = `${r.status} ${STATUS_TEXT[r.status] ?? ''}`.trim();
          fill(
            reply,
            h(
              'p',
              { class: `outcome ${r.ok ? 'ok' : 'bad'}`, 'data-status': r.status },
              r.ok ? `${chosen}: ${line} — the charger answered:` : `${chosen}: ${line} — ${r.body.error}: ${r.body.message}`,
            ),
            h('pre', { class: 'json', 'aria-label': r.ok ? 'Charger reply' : 'Error body' }, pretty(r.ok ? r.result : r.body)),
          );
        },
        (err: unknown) => fill(reply, h('p', { class: 'outcome bad', role: 'alert' }, `${chosen} could not be sent: ${errorText(err)}`)),
      )
      .finally(() => {
        send.disabled = false;
      });
  });
  return form;
}
