/**
 * The charger list: the contract's filters (kept in the address), cursor paging, and rows kept current by
 * live events — a row on the page is changed in place; an event that may change which chargers the page
 * holds (a new charger, a change of the filtered attribute) asks for the page again.
 */
import type { ChargerRow, LiveEvent, LiveEventType } from '../../domain/api-types.js';
import {
  CONNECTOR_STATUSES,
  SORTS,
  describeFilters,
  filtersFromParams,
  filtersToParams,
  type ChargerFilters,
  type PageRef,
} from '../../domain/charger-filters.js';
import { applyEvent, eventTouchesFilter } from '../../domain/charger-rows.js';
import { formatAgo, formatCount, UNKNOWN } from '../../domain/format.js';
import { listChargers, models, refusedListParameters } from '../api/endpoints.js';
import { coalesced } from '../live/coalesced.js';
import { LiveStream } from '../live/event-stream.js';
import { badge, connectionBadge, fill, h, statusBadge } from './dom.js';
import { errorText, type View, type ViewContext } from './view.js';

const TYPES: LiveEventType[] = ['charger.connected', 'charger.disconnected', 'charger.boot', 'connector.status', 'configuration'];
const SORT_LABELS: Record<string, string> = {
  id: 'Id (A-Z)',
  '-id': 'Id (Z-A)',
  lastSeen: 'Last seen (oldest)',
  '-lastSeen': 'Last seen (newest)',
  connectedAt: 'Connected (oldest)',
  '-connectedAt': 'Connected (newest)',
};

function select(name: string, label: string, options: Array<[string, string]>, value: string | undefined): HTMLElement {
  const el = h('select', { name, id: `f-${name}` }, ...options.map(([v, text]) => h('option', { value: v, selected: v === (value ?? '') }, text)));
  return h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label), el);
}

function input(name: string, label: string, value: string | undefined, placeholder = ''): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: `f-${name}` }, label),
    h('input', { name, id: `f-${name}`, type: 'search', value: value ?? '', placeholder, autocomplete: 'off' }),
  );
}

const tri = (v: boolean | undefined): string | undefined => (v === undefined ? undefined : String(v));

function filterForm(f: ChargerFilters, modelOptions: Array<[string, string]>): HTMLFormElement {
  return h(
    'form',
    { role: 'search', 'aria-label': 'Filter chargers', class: 'filters' },
    input('q', 'Charger id contains', f.q, 'ZAP…'),
    select(
      'connected',
      'Connection',
      [
        ['', 'Any'],
        ['true', 'Connected'],
        ['false', 'Disconnected'],
      ],
      tri(f.connected),
    ),
    select(
      'model',
      'Model',
      [['', 'Any'], ...modelOptions, ...(f.model && !modelOptions.some(([m]) => m === f.model) ? [[f.model, f.model] as [string, string]] : [])],
      f.model,
    ),
    input('firmware', 'Firmware', f.firmware),
    select('status', 'A connector is', [['', 'Any status'], ...CONNECTOR_STATUSES.map((s): [string, string] => [s, s])], f.status),
    select(
      'drift',
      'Configuration',
      [
        ['', 'Any'],
        ['true', 'Drift'],
        ['false', 'In sync'],
      ],
      tri(f.drift),
    ),
    input('group', 'Group', f.group),
    select('sort', 'Sort by', [['', 'Default'], ...SORTS.map((s): [string, string] => [s, SORT_LABELS[s]])], f.sort),
    select(
      'limit',
      'Per page',
      [
        ['', '50'],
        ['25', '25'],
        ['100', '100'],
        ['250', '250'],
      ],
      f.limit === undefined ? undefined : String(f.limit),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply filters'), h('a', { href: '#/chargers' }, 'Clear')),
  );
}

function rowCells(r: ChargerRow): Array<Node | string> {
  const connectors = Object.entries(r.connectorStatus).sort(([a], [b]) => Number(a) - Number(b));
  return [
    h('a', { href: `#/chargers/${encodeURIComponent(r.id)}` }, r.id),
    connectionBadge(r.connected),
    r.model,
    r.firmwareVersion ?? UNKNOWN,
    connectors.length
      ? h('span', { class: 'connectors' }, ...connectors.flatMap(([id, s]) => [h('span', { class: 'cid' }, `${id}:`), statusBadge(s), ' ']))
      : UNKNOWN,
    r.drift === null ? UNKNOWN : r.drift ? badge('drift', 'warn') : badge('in sync', 'ok'),
    h('time', { datetime: r.lastSeen ?? '' }, formatAgo(r.lastSeen, new Date())),
  ];
}

const rowElement = (r: ChargerRow): HTMLTableRowElement => h('tr', { 'data-charger': r.id }, ...rowCells(r).map((c) => h('td', {}, c)));

const HEADERS = ['Charger', 'Connection', 'Model', 'Firmware', 'Connectors', 'Configuration', 'Last seen'];

export function chargerListView(ctx: ViewContext, params: URLSearchParams): View {
  const filters = filtersFromParams(params);
  const form = filterForm(filters, []);
  const status = h('p', { class: 'note', role: 'status' }, 'Loading…');
  const body = h('tbody', {});
  const tableEl = h(
    'table',
    { class: 'chargers' },
    h('caption', {}, 'Chargers'),
    h('thead', {}, h('tr', {}, ...HEADERS.map((t) => h('th', { scope: 'col' }, t)))),
    body,
  );
  const prev = h('button', { type: 'button', disabled: true }, 'Previous page');
  const next = h('button', { type: 'button', disabled: true }, 'Next page');
  const pageNo = h('span', {});
  const el = h(
    'div',
    { class: 'page chargers' },
    h('h1', {}, 'Chargers'),
    form,
    status,
    tableEl,
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, pageNo, next),
  );

  // Cursors are opaque: the way back is the list of where each earlier page started.
  const starts: Array<PageRef | undefined> = [undefined];
  let nextRef: PageRef | null = null;
  const rows = new Map<string, { row: ChargerRow; tr: HTMLTableRowElement }>();

  const render = (items: ChargerRow[], total: number): void => {
    rows.clear();
    fill(
      body,
      ...items.map((r) => {
        const tr = rowElement(r);
        rows.set(r.id, { row: r, tr });
        return tr;
      }),
    );
    const ignored = [...refusedListParameters()].filter((p) => p in filters);
    const counted = `${formatCount(total)} ${total === 1 ? 'charger' : 'chargers'}: ${describeFilters(filters)}.`;
    const warning = ignored.length ? ` This server does not filter by ${ignored.join(', ')}: those filters are not applied.` : '';
    // A live region: said again only when it changes, not at every refresh.
    if (status.textContent !== counted + warning) fill(status, counted, warning ? h('strong', {}, warning) : null);
    pageNo.textContent = `Page ${starts.length}`;
    prev.disabled = starts.length <= 1;
    next.disabled = nextRef === null;
  };
  const load = async (): Promise<void> => {
    try {
      const page = await listChargers(filters, starts[starts.length - 1]);
      nextRef = page.next;
      render(page.items, page.total);
    } catch (err) {
      fill(status, h('span', { role: 'alert' }, `The charger list could not be loaded: ${errorText(err)}`));
    }
  };
  const refresh = coalesced(load, 300, 1500);

  const onEvent = (e: LiveEvent): void => {
    const shown = rows.get(e.data.chargerId);
    if (eventTouchesFilter(e, filters) || (!shown && (e.type === 'charger.connected' || e.type === 'charger.boot'))) return refresh.poke();
    if (!shown) return;
    const row = applyEvent(shown.row, e);
    if (row === shown.row) return;
    const tr = rowElement(row);
    shown.tr.replaceWith(tr);
    rows.set(row.id, { row, tr });
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = filtersFromParams(new URLSearchParams([...new FormData(form)].map(([k, v]) => [k, String(v)])));
    const q = filtersToParams(chosen).toString();
    location.hash = `#/chargers${q ? `?${q}` : ''}`;
  });
  form.addEventListener('change', (e) => {
    if (e.target instanceof HTMLSelectElement) form.requestSubmit();
  });
  next.addEventListener('click', () => {
    if (!nextRef) return;
    starts.push(nextRef);
    void load();
  });
  prev.addEventListener('click', () => {
    if (starts.length <= 1) return;
    starts.pop();
    void load();
  });

  const stream = new LiveStream({ types: TYPES, onEvent, onState: ctx.setLiveState, poll: load });
  void load();
  // The model names come from the profiles route; the form is usable before they arrive.
  void models().then(
    (list) => {
      const modelSelect = form.querySelector('select[name="model"]');
      for (const m of list) if (m.model !== filters.model) modelSelect?.append(h('option', { value: m.model }, m.name));
    },
    () => undefined,
  );
  return {
    el,
    dispose() {
      stream.close();
      refresh.dispose();
    },
  };
}
