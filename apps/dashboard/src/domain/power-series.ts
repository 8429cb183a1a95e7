/**
 * The charger page's power chart data: readings per connector on one time axis, in the column layout
 * uPlot draws ([times, connector A values, connector B values, ...], nulls where a connector has no
 * reading at that time). Bounded: the oldest points go first, so a page left open for days stays small.
 */

export const MAX_POINTS = 600;

export interface PowerPoint {
  connectorId: number;
  /** Unix seconds (uPlot's time unit). */
  t: number;
  kW: number | null;
}

export class PowerSeries {
  private readonly points: PowerPoint[] = [];

  constructor(private readonly maxPoints = MAX_POINTS) {}

  /** False when the reading is already there (the same connector and time): a replayed event changes nothing. */
  add(connectorId: number, at: string, powerW: number | null): boolean {
    const t = Date.parse(at) / 1000;
    if (!Number.isFinite(t)) return false;
    if (this.points.some((p) => p.connectorId === connectorId && p.t === t)) return false;
    const point = { connectorId, t, kW: powerW === null ? null : powerW / 1000 };
    // Events arrive in order almost always; a late one is put in its place.
    let i = this.points.length;
    while (i > 0 && this.points[i - 1].t > t) i--;
    this.points.splice(i, 0, point);
    if (this.points.length > this.maxPoints) this.points.splice(0, this.points.length - this.maxPoints);
    return true;
  }

  get size(): number {
    return this.points.length;
  }

  connectors(): number[] {
    return [...new Set(this.points.map((p) => p.connectorId))].sort((a, b) => a - b);
  }

  latest(connectorId: number): PowerPoint | undefined {
    for (let i = this.points.length - 1; i >= 0; i--) if (this.points[i].connectorId === connectorId) return this.points[i];
    return undefined;
  }

  /** [times, one column per connector of `connectors()`]. */
  columns(): [number[], ...Array<Array<number | null>>] {
    const ids = this.connectors();
    const times = [...new Set(this.points.map((p) => p.t))];
    const index = new Map(times.map((t, i) => [t, i]));
    const cols = ids.map(() => new Array<number | null>(times.length).fill(null));
    for (const p of this.points) cols[ids.indexOf(p.connectorId)][index.get(p.t) as number] = p.kW;
    return [times, ...cols];
  }
}
