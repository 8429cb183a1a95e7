/**
 * Desired vs reported configuration (GET /api/v1/chargers/:id/configuration): per key the effective desired
 * value and where it comes from, what the charger reported, drift, and the last apply outcome.
 */
import type { KeyDrift } from '../../domain/api-types.js';
import { formatAgo, formatTime, UNKNOWN } from '../../domain/format.js';
import { configuration } from '../api/endpoints.js';
import { badge, fill, h, table } from './dom.js';
import { errorText } from './view.js';

const STATE_KIND: Record<string, 'ok' | 'warn' | 'bad' | 'muted'> = {
  'in-sync': 'ok',
  drifted: 'bad',
  refused: 'bad',
  'pending-reboot': 'warn',
  pending: 'warn',
  unknown: 'muted',
};
const OUTCOME_KIND: Record<string, 'ok' | 'warn' | 'bad' | 'muted'> = {
  Accepted: 'ok',
  RebootRequired: 'warn',
  Rejected: 'bad',
  NotSupported: 'bad',
  timeout: 'warn',
  'not-connected': 'muted',
  pending: 'muted',
};

function outcome(d: KeyDrift): Node | string {
  if (!d.lastOutcome) return UNKNOWN;
  return h(
    'span',
    {},
    badge(d.lastOutcome, OUTCOME_KIND[d.lastOutcome] ?? 'muted'),
    d.lastOutcomeAt ? h('span', { class: 'reason' }, formatTime(d.lastOutcomeAt)) : null,
    d.lastMessage ? h('span', { class: 'reason' }, d.lastMessage) : null,
  );
}

export class ConfigurationPanel {
  readonly el = h('div', { class: 'panel' }, h('p', { class: 'note' }, 'Loading…'));

  constructor(private readonly chargerId: string) {}

  async refresh(): Promise<void> {
    try {
      const c = await configuration(this.chargerId);
      const reportedOnly = (c.reported?.keys ?? []).filter((k) => !(k.key in c.effective));
      fill(
        this.el,
        h(
          'p',
          { class: 'note' },
          c.drifted ? badge('drift', 'bad') : c.reported ? badge('in sync', 'ok') : badge('not reported yet', 'muted'),
          ` Reported ${c.reported ? `${formatAgo(c.reported.at, new Date())} (${formatTime(c.reported.at)})` : 'never'}.`,
          c.notApplicable.length ? ` Not applicable to ${c.modelName}: ${c.notApplicable.join(', ')}.` : '',
        ),
        table(
          'Desired keys',
          ['Key', 'Desired', 'From', 'Reported', 'State', 'Last apply'],
          c.drift.map((d) => [
            h('code', {}, d.key),
            d.desired,
            d.source,
            d.reported ?? UNKNOWN,
            h('span', {}, badge(d.state, STATE_KIND[d.state] ?? 'muted'), d.reason ? h('span', { class: 'reason' }, d.reason) : null),
            outcome(d),
          ]),
          'no desired keys for this charger.',
        ),
        reportedOnly.length
          ? h(
              'details',
              {},
              h('summary', {}, `${reportedOnly.length} other reported keys`),
              table(
                'Other reported keys',
                ['Key', 'Value', 'Read-only'],
                reportedOnly.map((k) => [h('code', {}, k.key), k.value ?? UNKNOWN, k.readonly ? 'yes' : 'no']),
              ),
            )
          : null,
      );
    } catch (err) {
      fill(this.el, h('p', { role: 'alert' }, `Configuration could not be loaded: ${errorText(err)}`));
    }
  }
}
