// The built-in energy meter: integrates a step-wise power into a monotonically rising register (Wh).
import type { Clock } from '../clock.js';

export class EnergyMeter {
  private registerWh: number;
  private powerW = 0;
  private since: number;

  constructor(
    private readonly clock: Clock,
    initialRegisterWh: number,
  ) {
    this.registerWh = initialRegisterWh;
    this.since = clock.now();
  }

  private settle(): void {
    const now = this.clock.now();
    this.registerWh += (this.powerW * (now - this.since)) / 3_600_000;
    this.since = now;
  }

  setPower(powerW: number): void {
    this.settle();
    this.powerW = powerW;
  }

  get power(): number {
    return this.powerW;
  }

  /** Register in Wh (fractional; rounded when reported). */
  get energyWh(): number {
    this.settle();
    return this.registerWh;
  }
}
