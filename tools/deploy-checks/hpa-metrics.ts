/**
 * The gateway HPA's custom metrics (docs/deploy.md, section 4): a `Pods` metric is served to the HPA by
 * prometheus-adapter, so it needs an adapter rule that exposes it under that name per pod, from a series
 * the gateway exports. The rules are the Helm values docs/deploy.md gives (a YAML block headed
 * `# prometheus-adapter-values.yaml`); monitoring-metrics.infra.ts checks their series against the running
 * gateway's /metrics. A renamed metric on either side would leave the HPA without it, and an HPA missing
 * one of its metrics never scales down.
 */
import { readFileSync } from 'node:fs';
import { byKind } from './k8s-checks.js';
import { asObj, asObjs, parseYaml, repoPath, str, type Obj } from './support.js';

const VALUES_HEADING = '# prometheus-adapter-values.yaml';

/** The `rules.custom` of the prometheus-adapter values block in a Markdown text (none: []). */
export function adapterRulesIn(markdown: string): Obj[] {
  for (const m of markdown.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    if (m[1].startsWith(VALUES_HEADING)) return asObjs(asObj(asObj(parseYaml(m[1])).rules).custom);
  }
  return [];
}

export function adapterRules(): Obj[] {
  return adapterRulesIn(readFileSync(repoPath('docs/deploy.md'), 'utf8'));
}

/** The metric a rule's seriesQuery selects (`name{labels}` or `{__name__="name",...}`). */
export function seriesOf(rule: Obj): string | undefined {
  const q = str(rule.seriesQuery) ?? '';
  return /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(q)?.[1] ?? /__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/.exec(q)?.[1];
}

/** The name the custom metrics API serves a rule's metric under. */
function exposedName(rule: Obj): string | undefined {
  return str(asObj(rule.name).as) || seriesOf(rule);
}

function mapsPods(rule: Obj): boolean {
  const o = asObj(asObj(rule.resources).overrides);
  return asObj(o.namespace).resource === 'namespace' && ['pod', 'pods'].includes(String(asObj(o.pod).resource));
}

/** Problems with the HPA's metrics: only Resource and Pods; each Pods metric an average per pod, served by a rule. */
export function checkHpaMetrics(objs: Obj[], rules: Obj[]): string[] {
  const problems: string[] = [];
  for (const hpa of byKind(objs, 'HorizontalPodAutoscaler')) {
    for (const m of asObjs(asObj(hpa.spec).metrics)) {
      if (m.type === 'Resource') continue;
      if (m.type !== 'Pods') {
        problems.push(`HPA metric of type ${String(m.type)}: only Resource and Pods metrics are documented (docs/deploy.md, section 4)`);
        continue;
      }
      const pods = asObj(m.pods);
      const name = str(asObj(pods.metric).name);
      const target = asObj(pods.target);
      if (target.type !== 'AverageValue' || !(Number(target.averageValue) > 0)) {
        problems.push(`HPA Pods metric ${name}: the target must be type AverageValue with a positive plain number (per pod), got ${JSON.stringify(target)}`);
      }
      const rule = rules.find((r) => exposedName(r) === name);
      if (!rule) problems.push(`HPA Pods metric ${name}: no prometheus-adapter rule exposes it (docs/deploy.md, ${VALUES_HEADING})`);
      else if (!mapsPods(rule)) problems.push(`HPA Pods metric ${name}: its prometheus-adapter rule must map the namespace and pod labels to their resources`);
    }
  }
  return problems;
}
