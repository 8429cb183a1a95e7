/**
 * What the monitoring files under k8s/monitoring use: the PromQL of every alert rule and of every Grafana
 * panel and variable, and the metric names in it, for the checks that each one is exported; also the series
 * the prometheus-adapter rules of docs/deploy.md read for the gateway HPA (hpa-metrics.ts).
 */
import { readFileSync } from 'node:fs';
import { adapterRules, seriesOf } from './hpa-metrics.js';
import { asObj, asObjs, readYamlAll, repoPath, type Obj } from './support.js';

/** Series Prometheus makes itself, not our /metrics. */
export const PROMETHEUS_SYNTHETIC = new Set(['up']);

const KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** Metric names in a PromQL expression (label names, functions, keywords and durations left out). */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  let e = expr
    .replace(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)[^)]*\)/g, ' $1 ')
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  e = e.replace(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\(/g, ' ('); // function calls
  for (const m of e.matchAll(/(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*\b/g)) if (!KEYWORDS.has(m[0])) names.add(m[0]);
  return [...names];
}

export interface MonitoringUse {
  where: string;
  expr: string;
}

export function alertRules(): Obj[] {
  const rules = readYamlAll(repoPath('k8s/monitoring/prometheus-rules.yaml'))
    .map(asObj)
    .filter((d) => d.kind === 'PrometheusRule');
  return rules.flatMap((r) => asObjs(asObj(r.spec).groups).flatMap((g) => asObjs(g.rules)));
}

export function grafanaDashboard(): Obj {
  return asObj(JSON.parse(readFileSync(repoPath('k8s/monitoring/grafana-dashboard.json'), 'utf8')));
}

/** Every PromQL expression of the rules and the dashboard, with where it is. */
export function monitoringExpressions(): MonitoringUse[] {
  const uses: MonitoringUse[] = alertRules().map((r) => ({ where: `alert ${String(r.alert)}`, expr: String(r.expr) }));
  const dash = grafanaDashboard();
  const panels = asObjs(dash.panels).flatMap((p) => [p, ...asObjs(p.panels)]);
  for (const p of panels) for (const t of asObjs(p.targets)) uses.push({ where: `panel "${String(p.title)}"`, expr: String(t.expr) });
  for (const v of asObjs(asObj(dash.templating).list)) {
    const q = asObj(v.query).query ?? (typeof v.query === 'string' && v.type === 'query' ? v.query : undefined);
    if (typeof q === 'string') uses.push({ where: `variable ${String(v.name)}`, expr: q });
  }
  return uses;
}

/** Names used, mapped to where; a histogram's _bucket/_count/_sum stay as written. */
export function metricsUsed(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const { where, expr } of monitoringExpressions()) {
    for (const name of metricNamesIn(expr)) if (!PROMETHEUS_SYNTHETIC.has(name)) used.set(name, [...(used.get(name) ?? []), where]);
  }
  // The gateway HPA's Pods metric comes through these rules (docs/deploy.md section 4).
  for (const rule of adapterRules()) {
    const name = seriesOf(rule);
    if (name) used.set(name, [...(used.get(name) ?? []), 'prometheus-adapter rule']);
  }
  return used;
}

/** Metric families a /metrics text declares (`# TYPE name kind`), with their kinds. */
export function declaredFamilies(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

/** Whether a series name used in PromQL belongs to a declared family (histogram series by their suffix). */
export function isExported(name: string, families: ReadonlyMap<string, string>): boolean {
  if (families.has(name)) return true;
  const m = /^(.*)_(bucket|count|sum)$/.exec(name);
  return Boolean(m && ['histogram', 'summary'].includes(families.get(m[1]) ?? ''));
}
