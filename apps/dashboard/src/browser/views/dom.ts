/**
 * Building DOM without a framework: `h('a', { href }, 'text')`. Text is always set as text (never as HTML),
 * so a charger id or a payload from a charger cannot inject markup; and no inline styles or handlers in
 * markup, which the dashboard's Content-Security-Policy forbids.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces the element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** A table with a caption and column headers; `rows` are already cells. */
export function table(caption: string, headers: string[], rows: Array<Array<Node | string>>, empty = 'None.'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, `${caption}: ${empty}`);
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

/** A titled section of a page, labelled by its heading for assistive technology. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { 'aria-labelledby': `${id}-title`, id }, h('h2', { id: `${id}-title` }, title), ...children);
}

export function badge(text: string, kind: 'ok' | 'warn' | 'bad' | 'muted'): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}

export function connectionBadge(connected: boolean): HTMLElement {
  return badge(connected ? 'connected' : 'disconnected', connected ? 'ok' : 'muted');
}

const STATUS_KIND: Record<string, 'ok' | 'warn' | 'bad' | 'muted'> = {
  Available: 'ok',
  Charging: 'ok',
  Preparing: 'warn',
  SuspendedEV: 'warn',
  SuspendedEVSE: 'warn',
  Finishing: 'warn',
  Reserved: 'warn',
  Unavailable: 'muted',
  Faulted: 'bad',
};

export function statusBadge(status: string): HTMLElement {
  return badge(status, STATUS_KIND[status] ?? 'muted');
}
