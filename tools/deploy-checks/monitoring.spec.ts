/**
 * k8s/monitoring (docs/deploy.md#35-monitoring): the ServiceMonitors find the services' metrics ports, the alert rules the
 * issue asks for exist and are documented, the Grafana dashboard is shipped as the sidecar's ConfigMap.
 * That every metric they use is exported is checked against the running services in
 * monitoring-metrics.infra.ts.
 */
import { readFileSync } from 'node:fs';
import { alertRules, grafanaDashboard, metricNamesIn, metricsUsed, monitoringExpressions } from './monitoring-files.js';
import { render } from './render.js';
import { asArr, asObj, asObjs, repoPath, type Obj } from './support.js';

const monitoring = render(repoPath('k8s/monitoring'));
const base = render(repoPath('k8s/base'));
const ofKind = (objs: Obj[], kind: string): Obj[] => objs.filter((o) => o.kind === kind);
const labelsMatch = (selector: unknown, labels: unknown): boolean => Object.entries(asObj(selector)).every(([k, v]) => asObj(labels)[k] === v);

describe('metricNamesIn', () => {
  it('finds metric names, not functions, labels, keywords or durations', () => {
    expect(
      metricNamesIn(
        'sum by (outcome) (rate(ocpp_command_duration_seconds_count{outcome="timeout", x=~"a|b"}[10m])) / sum(rate(ocpp_command_duration_seconds_count[10m])) > 0.05',
      ),
    ).toEqual(['ocpp_command_duration_seconds_count']);
    expect(metricNamesIn('sum(up{job="csms-gateway"}) == 0 or absent(up{job="csms-gateway"})')).toEqual(['up']);
    expect(metricNamesIn('sum(a_total) < 0.75 * sum(a_total offset 10m) and sum(b offset 1d) > 50')).toEqual(['a_total', 'b']);
    expect(metricNamesIn('deriv(max by (consumer) (ocpp_bus_consumer_pending)[15m:1m]) > 0')).toEqual(['ocpp_bus_consumer_pending']);
    expect(metricNamesIn('label_values(ocpp_connected_chargers, namespace)')).toEqual(['ocpp_connected_chargers']);
  });
});

describe('k8s/monitoring', () => {
  it('holds ServiceMonitors for every service, the alert rules, the scrape NetworkPolicy and the dashboard ConfigMap', () => {
    expect(
      ofKind(monitoring, 'ServiceMonitor')
        .map((o) => asObj(o.metadata).name)
        .sort(),
    ).toEqual(['csms-auth', 'csms-config-manager', 'csms-gateway', 'csms-metering']);
    expect(ofKind(monitoring, 'PrometheusRule')).toHaveLength(1);
    expect(ofKind(monitoring, 'NetworkPolicy')).toHaveLength(1);
    for (const o of monitoring) expect([o.kind, asObj(o.metadata).namespace]).toEqual([o.kind, 'csms']);
  });

  it("opens only the metrics port, and only to another namespace's Prometheus", () => {
    const [policy] = ofKind(monitoring, 'NetworkPolicy');
    const rules = asObjs(asObj(policy.spec).ingress);
    expect(rules).toHaveLength(1);
    expect(asObjs(rules[0].ports)).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(asObjs(rules[0].from).map((f) => Object.keys(f))).toEqual([['namespaceSelector']]);
  });

  it('each ServiceMonitor selects a Service whose named port leads to a container port of a Deployment', () => {
    const services = [...ofKind(base, 'Service'), ...ofKind(monitoring, 'Service')];
    const deployments = ofKind(base, 'Deployment');
    for (const sm of ofKind(monitoring, 'ServiceMonitor')) {
      const spec = asObj(sm.spec);
      const port = String(asObjs(spec.endpoints)[0]?.port);
      const selected = services.filter(
        (s) => labelsMatch(asObj(spec.selector).matchLabels, asObj(s.metadata).labels) && asObjs(asObj(s.spec).ports).some((p) => p.name === port),
      );
      expect([asObj(sm.metadata).name, selected.length]).toEqual([asObj(sm.metadata).name, 1]);
      const svc = asObj(selected[0].spec);
      const target = asObjs(svc.ports).find((p) => p.name === port)?.targetPort;
      const pods = deployments.filter((d) => labelsMatch(svc.selector, asObj(asObj(asObj(d.spec).template).metadata).labels));
      expect(pods).toHaveLength(1);
      const containerPorts = asObjs(asObj(asObj(asObj(pods[0].spec).template).spec).containers).flatMap((c) => asObjs(c.ports));
      expect(containerPorts.some((p) => p.name === target)).toBe(true);
      expect(asObjs(spec.endpoints)[0]?.path).toBe('/metrics');
    }
  });

  it('alerts on what the issue names, each with a severity and a summary, each explained in docs/deploy.md', () => {
    const names = alertRules().map((r) => String(r.alert));
    expect(names).toEqual(
      expect.arrayContaining([
        'CsmsGatewayDown',
        'CsmsConnectedChargersDrop',
        'CsmsCommandTimeouts',
        'CsmsConsumerLagGrowing',
        'CsmsServiceNotReady',
        'CsmsChargerAuthFailureSpike',
      ]),
    );
    const deploy = readFileSync(repoPath('docs/deploy.md'), 'utf8');
    for (const r of alertRules()) {
      expect([r.alert, asObj(r.labels).severity]).toEqual([r.alert, expect.stringMatching(/^(critical|warning)$/)]);
      expect([r.alert, typeof asObj(r.annotations).summary]).toEqual([r.alert, 'string']);
      expect([r.alert, deploy.includes(String(r.alert))]).toEqual([r.alert, true]);
    }
  });

  it('ships the Grafana dashboard as the ConfigMap the sidecar loads, identical to grafana-dashboard.json', () => {
    const cm = ofKind(monitoring, 'ConfigMap').find((o) => asObj(o.metadata).name === 'csms-grafana-dashboard');
    expect(asObj(asObj(cm?.metadata).labels).grafana_dashboard).toBe('1');
    expect(JSON.parse(String(asObj(cm?.data)['csms-fleet.json']))).toEqual(grafanaDashboard());
    const rows = asObjs(grafanaDashboard().panels)
      .filter((p) => p.type === 'row')
      .map((p) => p.title);
    expect(rows).toEqual(['Fleet', 'Gateways', 'Bus', 'Database', 'Commands', 'Errors']);
  });

  it('every expression uses a metric, and the dashboard queries a data source variable', () => {
    for (const { where, expr } of monitoringExpressions()) expect([where, metricNamesIn(expr).length > 0]).toEqual([where, true]);
    expect(metricsUsed().size).toBeGreaterThan(10);
    const panels = asObjs(grafanaDashboard().panels).filter((p) => p.type !== 'row');
    for (const p of panels) expect([p.title, asObj(p.datasource).uid]).toEqual([p.title, '${datasource}']);
    expect(asArr(asObj(grafanaDashboard().templating).list).length).toBe(2);
  });
});
