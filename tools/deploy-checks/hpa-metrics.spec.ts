/**
 * The gateway HPA's Pods metric (connected chargers per pod, docs/deploy.md section 4) is served by the
 * prometheus-adapter rule docs/deploy.md gives; each planted mistake is reported.
 */
import { render } from './render.js';
import { byKind } from './k8s-checks.js';
import { adapterRules, adapterRulesIn, checkHpaMetrics, seriesOf } from './hpa-metrics.js';
import { asObj, asObjs, repoPath, type Obj } from './support.js';

const production = (): Obj[] => render(repoPath('k8s/overlays/production'));
const metricsOf = (objs: Obj[]): Obj[] => asObjs(asObj(byKind(objs, 'HorizontalPodAutoscaler')[0].spec).metrics);
const podsMetric = (objs: Obj[]): Obj => asObj(metricsOf(objs).find((m) => m.type === 'Pods')?.pods);

describe('gateway HPA metrics', () => {
  it('production scales on connected chargers per pod (beside memory and CPU), served by the documented adapter rule', () => {
    const objs = production();
    expect(metricsOf(objs).map((m) => m.type)).toEqual(['Pods', 'Resource', 'Resource']);
    expect(asObj(podsMetric(objs).metric).name).toBe('ocpp_connected_chargers');
    expect(adapterRules().map(seriesOf)).toEqual(['ocpp_connected_chargers']);
    expect(checkHpaMetrics(objs, adapterRules())).toEqual([]);
  });

  it('the base (no prometheus-adapter assumed) uses resource metrics only', () => {
    const objs = render(repoPath('k8s/base'));
    expect(metricsOf(objs).map((m) => m.type)).toEqual(['Resource', 'Resource']);
    expect(checkHpaMetrics(objs, [])).toEqual([]);
  });

  const mistakes: Array<[string, (o: Obj[], rules: Obj[]) => void, RegExp]> = [
    [
      'a metric no rule exposes',
      (o) => {
        asObj(podsMetric(o).metric).name = 'ocpp_chargers';
      },
      /ocpp_chargers: no prometheus-adapter rule/,
    ],
    [
      'a utilization target',
      (o) => {
        podsMetric(o).target = { type: 'Utilization', averageUtilization: 70 };
      },
      /must be type AverageValue/,
    ],
    [
      'a quantity that is not a plain number',
      (o) => {
        asObj(podsMetric(o).target).averageValue = 'lots';
      },
      /must be type AverageValue/,
    ],
    [
      'a rule without the pod mapping',
      (_o, rules) => {
        delete asObj(asObj(rules[0].resources).overrides).pod;
      },
      /map the namespace and pod labels/,
    ],
    [
      'an External metric',
      (o) => {
        (asObj(byKind(o, 'HorizontalPodAutoscaler')[0].spec).metrics as Obj[]).push({ type: 'External', external: {} });
      },
      /only Resource and Pods/,
    ],
  ];
  it.each(mistakes)('reports %s', (_name, plant, expected) => {
    const objs = production();
    const rules = structuredClone(adapterRules());
    plant(objs, rules);
    expect(checkHpaMetrics(objs, rules).join('\n')).toMatch(expected);
  });

  it('finds the values block only under its heading', () => {
    expect(adapterRulesIn('```yaml\nrules:\n  custom: [{seriesQuery: x}]\n```')).toEqual([]);
    expect(adapterRulesIn('```yaml\n# prometheus-adapter-values.yaml\nrules:\n  custom:\n    - seriesQuery: \'{__name__="a_b"}\'\n```').map(seriesOf)).toEqual([
      'a_b',
    ]);
  });
});
