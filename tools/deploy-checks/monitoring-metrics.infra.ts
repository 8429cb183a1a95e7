/**
 * Every metric the alert rules and the Grafana dashboard of k8s/monitoring use is exported by the
 * /metrics of the services as they run in production (docs/deploy.md#35-monitoring): gateway, auth, config-manager and
 * metering on NATS JetStream + PostgreSQL. A metric renamed in the code, or a panel written for a metric
 * nobody exports, fails here instead of showing an empty graph or an alert that never fires.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { startProductionStack, type ProductionStack } from '../../test/support/production-stack.js';
import { declaredFamilies, isExported, metricsUsed } from './monitoring-files.js';

jest.setTimeout(240_000);

describeInfra('the monitoring files against the running services', () => {
  let stack: ProductionStack;
  beforeAll(async () => {
    stack = await startProductionStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("finds every metric they use on some service's /metrics", async () => {
    const processes = [...stack.gateways, ...Object.values(stack.services)];
    const families = new Map<string, string>();
    for (const p of processes) {
      const res = await fetch(`${p.apiUrl}/metrics`);
      expect([p.name, res.status]).toEqual([p.name, 200]);
      for (const [name, kind] of declaredFamilies(await res.text())) families.set(name, kind);
    }
    const missing = [...metricsUsed()].filter(([name]) => !isExported(name, families)).map(([name, where]) => `${name} (${where.join(', ')})`);
    expect(missing).toEqual([]);
  });
});
