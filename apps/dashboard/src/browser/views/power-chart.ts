/**
 * The charger page's live power chart (uPlot): one line per connector, fed by `power` events (or by the
 * power route when the server has no event stream). `data-points` on the figure says how many readings
 * it holds, so a test (or a person with a screen reader) can tell it moves.
 */
import { formatPower, formatTime } from '../../domain/format.js';
import { PowerSeries } from '../../domain/power-series.js';
import uPlot from '../../vendor/uPlot.esm.js';
import { fill, h } from './dom.js';

const COLOURS = ['#0b6bcb', '#c2410c', '#15803d', '#7e22ce'];
const HEIGHT = 240;
/** At least the last minute is shown, so a few readings do not stretch over the whole width. */
const WINDOW_S = 60;

export class PowerChart {
  readonly el: HTMLElement;
  private readonly series = new PowerSeries();
  private readonly plotSlot: HTMLElement;
  private readonly readout: HTMLElement;
  private plot: uPlot | undefined;
  private plotted: number[] = [];
  private readonly onResize = (): void => this.plot?.setSize({ width: this.width(), height: HEIGHT });

  constructor() {
    this.plotSlot = h('div', { class: 'plot', role: 'img', 'aria-label': 'Power per connector over time, in kW' });
    this.readout = h('ul', { class: 'readout' });
    this.el = h('figure', { class: 'power', 'data-points': 0 }, this.plotSlot, h('figcaption', {}, 'Power by connector (kW), latest readings: ', this.readout));
    fill(this.readout, h('li', {}, 'no readings yet'));
    window.addEventListener('resize', this.onResize);
  }

  add(connectorId: number, at: string, powerW: number | null): void {
    if (!this.series.add(connectorId, at, powerW)) return;
    this.el.dataset.points = String(this.series.size);
    this.draw();
    fill(
      this.readout,
      ...this.series.connectors().map((id) => {
        const p = this.series.latest(id);
        return h(
          'li',
          { 'data-connector': id },
          `Connector ${id}: `,
          h('strong', {}, formatPower(p && p.kW !== null ? p.kW * 1000 : null)),
          p ? ` at ${formatTime(new Date(p.t * 1000).toISOString())}` : '',
        );
      }),
    );
  }

  dispose(): void {
    window.removeEventListener('resize', this.onResize);
    this.plot?.destroy();
  }

  private width(): number {
    return Math.max(this.plotSlot.clientWidth, 280);
  }

  private draw(): void {
    const connectors = this.series.connectors();
    const data = this.series.columns() as uPlot.AlignedData;
    // A new connector is a new series: uPlot is made again for it (rare: once per connector).
    if (this.plot && connectors.join() === this.plotted.join()) return this.plot.setData(data);
    this.plot?.destroy();
    this.plotted = connectors;
    this.plot = new uPlot(
      {
        width: this.width(),
        height: HEIGHT,
        scales: {
          x: { time: true, range: (_u, min, max) => [Math.min(min, max - WINDOW_S), max] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: [{}, { label: 'kW', values: (_u, ticks) => ticks.map((t) => t.toFixed(1)) }],
        series: [
          {},
          ...connectors.map((id, i) => ({
            label: `Connector ${id}`,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            spanGaps: true,
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(2)} kW`),
          })),
        ],
      },
      data,
      this.plotSlot,
    );
  }
}
