/**
 * One charger: state and connectors, live power, transactions, configuration, security events, its last
 * BootNotification, and the command form (operators and admins only; the API refuses viewers anyway).
 * Its event stream carries only this charger's events; each panel is asked again when one concerns it.
 */
import type { ChargerDetail, ConnectorStatus, LiveEvent } from '../../domain/api-types.js';
import { formatAgo, formatTime, UNKNOWN } from '../../domain/format.js';
import { ApiError } from '../api/http.js';
import { charger, power } from '../api/endpoints.js';
import { coalesced, type Coalesced } from '../live/coalesced.js';
import { LiveStream, type StreamState } from '../live/event-stream.js';
import { commandForm } from './command-form.js';
import { ConfigurationPanel } from './configuration-panel.js';
import { connectionBadge, fill, h, section, statusBadge, table } from './dom.js';
import { EventFeed } from './event-feed.js';
import { PowerChart } from './power-chart.js';
import { SecurityPanel } from './security-panel.js';
import { TransactionsPanel } from './transactions-panel.js';
import { errorText, type View, type ViewContext } from './view.js';

const mayCommand = (role: string): boolean => role === 'operator' || role === 'admin';

function facts(pairs: Array<[string, Node | string | null | undefined]>): HTMLElement {
  return h('dl', { class: 'facts' }, ...pairs.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v ?? UNKNOWN))));
}

function summaryFacts(c: ChargerDetail): HTMLElement {
  const now = new Date();
  return facts([
    ['Connection', h('span', {}, connectionBadge(c.connected), c.gatewayId && c.connected ? ` via ${c.gatewayId}` : '')],
    ['Model', `${c.model}${c.modelOverridden ? ' (set by an operator)' : ''}`],
    ['Firmware', c.boot?.firmwareVersion],
    ['Remote address', c.remoteAddress],
    [c.connected ? 'Connected' : 'Disconnected', formatAgo(c.connected ? c.connectedAt : c.disconnectedAt, now)],
    ['Last seen', formatAgo(c.lastSeen, now)],
    ['Feature profiles', c.capabilities.featureProfiles.join(', ')],
    ['Boot policy', c.bootPolicy.applyConfigurationBeforeAccept ? 'Pending until the configuration is applied' : 'Accept at once'],
  ]);
}

function bootFacts(c: ChargerDetail): HTMLElement {
  const b = c.boot;
  if (!b) return h('p', { class: 'empty' }, 'This charger has not sent a BootNotification yet.');
  return facts([
    ['Answered', b.status],
    ['At', formatTime(b.at)],
    ['Vendor', b.vendor],
    ['Model', b.model],
    ['Serial number', b.serialNumber],
    ['Charge box serial', b.chargeBoxSerialNumber],
    ['Firmware', b.firmwareVersion],
    ['ICCID', b.iccid],
    ['IMSI', b.imsi],
    ['Meter type', b.meterType],
    ['Meter serial', b.meterSerialNumber],
  ]);
}

function connectorsTable(list: ConnectorStatus[] | undefined): HTMLElement {
  if (!list) return h('p', { class: 'note' }, 'Connector statuses are unavailable right now (metering did not answer).');
  const rows = [...list]
    .sort((a, b) => a.connectorId - b.connectorId)
    .map((c) => [String(c.connectorId), statusBadge(c.status), c.errorCode, c.info ?? UNKNOWN, formatTime(c.timestamp)]);
  return table('Last StatusNotification per connector', ['Connector', 'Status', 'Error code', 'Info', 'Since'], rows, 'no StatusNotification yet.');
}

export function chargerPage(ctx: ViewContext, id: string): View {
  const title = h('h1', {}, id);
  const summary = h('div', { class: 'panel' }, h('p', { class: 'note' }, 'Loading…'));
  const connectors = h('div', { class: 'panel' });
  const boot = h('div', { class: 'panel' });
  const commands = h('div', { class: 'panel' });
  const chart = new PowerChart();
  const txs = new TransactionsPanel(id);
  const config = new ConfigurationPanel(id);
  const security = new SecurityPanel(id);
  const feed = new EventFeed(false, 20);
  const el = h(
    'div',
    { class: 'page charger' },
    h('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' }, h('a', { href: '#/chargers' }, 'Chargers'), ' › ', id),
    title,
    h('div', { class: 'grid' }, section('state', 'State', summary), section('connectors', 'Connectors', connectors)),
    section('power', 'Power', chart.el),
    section('transactions', 'Transactions', txs.el),
    section('command', 'Send a command', commands),
    section('configuration', 'Configuration', config.el),
    section('security', 'Security events', security.el),
    h('div', { class: 'grid' }, section('boot', 'Last BootNotification', boot), section('charger-activity', 'Live events', feed.el)),
  );

  let detail: ChargerDetail | undefined;
  let formShown = false;
  const loadDetail = async (): Promise<void> => {
    try {
      detail = await charger(id);
    } catch (err) {
      const unknown = err instanceof ApiError && err.status === 404;
      fill(summary, h('p', { role: 'alert' }, unknown ? `No charger ${id} is known.` : `The charger could not be loaded: ${errorText(err)}`));
      return;
    }
    fill(title, id, ' ', connectionBadge(detail.connected));
    fill(summary, summaryFacts(detail));
    fill(connectors, connectorsTable(detail.connectors));
    fill(boot, bootFacts(detail));
    if (formShown) return;
    formShown = true;
    if (!mayCommand(ctx.identity.role)) {
      fill(commands, h('p', { class: 'note' }, `Your role (${ctx.identity.role}) may look but not send commands.`));
      return;
    }
    const firstConnector = detail.connectors?.find((c) => c.connectorId > 0)?.connectorId;
    fill(
      commands,
      commandForm(id, detail.capabilities.unsupportedActions, () => ({ connectorId: firstConnector, transactionId: txs.open?.id })),
    );
  };
  const loadPower = async (): Promise<void> => {
    const { connectors: readings } = await power(id);
    for (const r of readings) chart.add(r.connectorId, r.timestamp, r.powerW);
  };

  const refreshers: Coalesced[] = [];
  const later = (task: () => Promise<void>): Coalesced => {
    const c = coalesced(task, 300, 1500);
    refreshers.push(c);
    return c;
  };
  const detailLater = later(loadDetail);
  const txsLater = later(() => txs.refresh());
  const configLater = later(() => config.refresh());
  const securityLater = later(() => security.refresh());

  const onEvent = (e: LiveEvent): void => {
    if (e.type === 'power') return chart.add(e.data.connectorId, e.data.at, e.data.powerW);
    feed.add(e);
    if (e.type === 'transaction.started' || e.type === 'transaction.stopped') txsLater.poke();
    else if (e.type === 'configuration') configLater.poke();
    else if (e.type === 'security') securityLater.poke();
    if (e.type === 'charger.connected' || e.type === 'charger.disconnected' || e.type === 'charger.boot' || e.type === 'connector.status') detailLater.poke();
  };

  // Without an event stream on the server: the state and power every second, the rest every fifth.
  let tick = 0;
  const poll = async (): Promise<void> => {
    await Promise.all([loadDetail(), loadPower().catch(() => undefined), ...(tick++ % 5 === 0 ? [txs.refresh(), config.refresh(), security.refresh()] : [])]);
  };

  const onState = (state: StreamState): void => {
    ctx.setLiveState(state);
    feed.setState(state);
  };
  const stream = new LiveStream({ chargerId: id, onEvent, onState, poll });
  void loadDetail();
  void loadPower().catch(() => undefined);
  void txs.refresh();
  void config.refresh();
  void security.refresh();
  return {
    el,
    dispose() {
      stream.close();
      for (const r of refreshers) r.dispose();
      chart.dispose();
    },
  };
}
