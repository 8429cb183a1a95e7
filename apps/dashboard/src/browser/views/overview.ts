/** The fleet at a glance: GET /api/v1/fleet/summary, asked again as live events say something changed. */
import type { FleetSummary, LiveEventType } from '../../domain/api-types.js';
import { ranked } from '../../domain/fleet-summary.js';
import { formatCount, formatEnergy, formatTime } from '../../domain/format.js';
import { fleetSummary } from '../api/endpoints.js';
import { coalesced } from '../live/coalesced.js';
import { LiveStream } from '../live/event-stream.js';
import { fill, h, section, table } from './dom.js';
import { EventFeed } from './event-feed.js';
import { errorText, type View, type ViewContext } from './view.js';

/**
 * The events that change a figure here: the chargers', then transactions, configuration and the last hour's. Not power:
 * at fleet scale power readings are thousands a second and change no count.
 */
const CHARGER_FIGURES: LiveEventType[] = ['charger.connected', 'charger.disconnected', 'charger.boot', 'connector.status'];
const ACTIVITY_FIGURES: LiveEventType[] = ['transaction.started', 'transaction.stopped', 'configuration', 'security', 'command'];
const TYPES = [...CHARGER_FIGURES, ...ACTIVITY_FIGURES];

type MetricKey = string;
const GROUPS: Array<{ title: string; metrics: Array<[MetricKey, string, (s: FleetSummary) => string]> }> = [
  {
    title: 'Chargers',
    metrics: [
      ['chargers.total', 'Known', (s) => formatCount(s.chargers.total)],
      ['chargers.connected', 'Connected', (s) => formatCount(s.chargers.connected)],
      ['chargers.disconnected', 'Disconnected', (s) => formatCount(s.chargers.disconnected)],
    ],
  },
  {
    title: 'Transactions',
    metrics: [
      ['transactions.active', 'Active', (s) => formatCount(s.transactions?.active)],
      ['transactions.energyTodayWh', 'Energy today', (s) => formatEnergy(s.transactions?.energyTodayWh)],
    ],
  },
  {
    title: 'Configuration',
    metrics: [
      ['configuration.inSync', 'In sync', (s) => formatCount(s.configuration?.inSync)],
      ['configuration.drift', 'Drift', (s) => formatCount(s.configuration?.drift)],
      ['configuration.refused', 'Refused', (s) => formatCount(s.configuration?.refused)],
      ['configuration.unknown', 'Unknown', (s) => formatCount(s.configuration?.unknown)],
    ],
  },
  {
    title: 'Last hour',
    metrics: [
      ['lastHour.callErrors', 'CALLERRORs', (s) => formatCount(s.lastHour?.callErrors)],
      ['lastHour.securityEvents', 'Security events', (s) => formatCount(s.lastHour?.securityEvents)],
      ['lastHour.commands', 'Commands', (s) => formatCount(s.lastHour?.commands)],
    ],
  },
];

function breakdown(caption: string, column: string, counts: Record<string, number>, link: (key: string) => string | undefined): HTMLElement {
  const rows = ranked(counts).map(([key, n]) => {
    const href = link(key);
    return [href ? h('a', { href }, key) : key, formatCount(n)];
  });
  return table(caption, [column, 'Chargers'], rows);
}

export function overviewView(ctx: ViewContext): View {
  const values = new Map<MetricKey, HTMLElement>();
  const cards = GROUPS.map((g) =>
    h(
      'div',
      { class: 'card' },
      h('h3', {}, g.title),
      h(
        'dl',
        {},
        ...g.metrics.map(([key, label]) => {
          const dd = h('dd', { 'data-metric': key }, '…');
          values.set(key, dd);
          return h('div', { class: 'metric' }, h('dt', {}, label), dd);
        }),
      ),
    ),
  );
  const note = h('p', { class: 'note' });
  const tables = h('div', { class: 'breakdowns' });
  const feed = new EventFeed(true);
  const el = h(
    'div',
    { class: 'page overview' },
    h('h1', {}, 'Fleet overview'),
    section('fleet', 'Fleet', h('div', { class: 'cards' }, ...cards), note, tables),
    section('activity', 'Live events', feed.el),
  );

  const render = (s: FleetSummary): void => {
    for (const g of GROUPS) for (const [key, , read] of g.metrics) (values.get(key) as HTMLElement).textContent = read(s);
    fill(
      note,
      `As of ${formatTime(s.at)}.`,
      s.computed
        ? ` Counted by the dashboard from ${s.computed.fromChargers < s.computed.ofTotal ? `the first ${formatCount(s.computed.fromChargers)} of ` : ''}the charger list: this server has no fleet summary, so configuration and last-hour figures are unknown.`
        : null,
    );
    fill(
      tables,
      breakdown('By model', 'Model', s.byModel, (m) => `#/chargers?model=${encodeURIComponent(m)}`),
      breakdown('By firmware', 'Model and firmware', s.byFirmware, () => undefined),
      breakdown('By connector status', 'Connector status', s.connectorStatus, (st) => `#/chargers?status=${encodeURIComponent(st)}`),
    );
  };
  const load = async (): Promise<void> => {
    try {
      render(await fleetSummary());
    } catch (err) {
      fill(note, h('span', { role: 'alert' }, `The fleet summary could not be loaded: ${errorText(err)}`));
    }
  };
  const refresh = coalesced(load, 300, 1500);
  const stream = new LiveStream({
    types: TYPES,
    onEvent: (e) => {
      feed.add(e);
      refresh.poke();
    },
    onState: (state) => {
      ctx.setLiveState(state);
      feed.setState(state);
    },
    poll: load,
  });
  void load();
  return {
    el,
    dispose() {
      stream.close();
      refresh.dispose();
    },
  };
}
