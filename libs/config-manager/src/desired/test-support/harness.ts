import { sqlOf } from '#csms/persistence';
import { InProcessBus } from '#csms/bus';
import { ensureModelDefaults } from '../../provisioning/model-defaults.js';
import { ChargerLink } from '../charger-link.js';
import { ChargerStateStore } from '../charger-state.store.js';
import { DesiredService } from '../desired.service.js';
import { DesiredStore } from '../desired-store.js';
import { Reconciler } from '../reconciler.js';
import { openDesiredTestDatabase, type DesiredTestDatabase } from './database.js';
import { SimulatedZaptec, type SimOptions } from './simulated-zaptec.js';

export const quiet = { warn: (): void => undefined, log: (): void => undefined, debug: (): void => undefined };

/** The desired-state part wired by hand on PGlite and the real in-process bus, with simulated chargers. */
export class Harness {
  readonly desired: DesiredStore;
  readonly state: ChargerStateStore;
  readonly link: ChargerLink;
  readonly reconciler: Reconciler;
  readonly service: DesiredService;
  private sims: SimulatedZaptec[] = [];

  private constructor(
    readonly t: DesiredTestDatabase,
    readonly bus: InProcessBus,
    resetOnRebootRequired: boolean,
  ) {
    this.desired = new DesiredStore(t.db);
    this.state = new ChargerStateStore(t.db);
    this.link = new ChargerLink(bus, { commandTimeoutMs: 2_000 }, quiet);
    this.reconciler = new Reconciler(t.db, this.desired, this.state, this.link, { resetOnRebootRequired, maxConcurrentReconciliations: 4 }, quiet);
    this.service = new DesiredService(t.db, this.desired, this.state, this.reconciler, quiet);
  }

  static async open(options: { resetOnRebootRequired?: boolean } = {}): Promise<Harness> {
    return new Harness(await openDesiredTestDatabase(), await InProcessBus.open(), options.resetOnRebootRequired ?? false);
  }

  /** Empty tables, model defaults seeded as at start-up, no charger. */
  async reset(): Promise<void> {
    await Promise.all(this.sims.map((s) => s.stop()));
    this.sims = [];
    await this.t.reset();
    await ensureModelDefaults(this.t.db);
  }

  async charger(id: string, model: string, options: SimOptions = {}): Promise<SimulatedZaptec> {
    await sqlOf(this.t.db).execute(
      `INSERT INTO config_chargers (charger_id, model, connected) VALUES ($1, $2, true)
       ON CONFLICT (charger_id) DO UPDATE SET model = EXCLUDED.model, connected = true`,
      [id, model],
    );
    const sim = await SimulatedZaptec.start(this.bus, id, options);
    this.sims.push(sim);
    return sim;
  }

  async close(): Promise<void> {
    // Reconciliations the API started without waiting finish before the bus goes.
    await until(() => (this.reconciler.busy() ? undefined : true));
    await Promise.all(this.sims.map((s) => s.stop()));
    await this.bus.close();
    await this.t.close();
  }
}

export async function until<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A service reply's data; a refusal fails the test with its body. */
export function data<T>(reply: { ok: true; data: T } | { ok: false }): T {
  if (!reply.ok) throw new Error(`refused: ${JSON.stringify(reply)}`);
  return reply.data;
}
