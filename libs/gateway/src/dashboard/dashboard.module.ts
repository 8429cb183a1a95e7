import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Inject, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DashboardAssets } from './dashboard-assets.js';

const DASHBOARD_DIR = Symbol.for('csms.dashboard-dir');

/** Where tools/build.mjs puts the built dashboard: dist/apps/dashboard/public, seen from dist/libs/gateway/src/dashboard. */
export const BUILT_DASHBOARD_DIR = fileURLToPath(new URL('../../../../apps/dashboard/public', import.meta.url));

/**
 * The ops dashboard (apps/dashboard) at `/` of the operator API's port. Served by middleware on the HTTP
 * adapter, not by a controller: the files are public (the API they call is what is protected), and the
 * API, /health and /metrics routes stay exactly as they are.
 */
@Module({})
export class DashboardModule implements OnModuleInit {
  private readonly log = new Logger('Dashboard');
  private mounted = false;

  static forRoot(dir: string = BUILT_DASHBOARD_DIR): DynamicModule {
    return { module: DashboardModule, providers: [{ provide: DASHBOARD_DIR, useValue: dir }] };
  }

  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(DASHBOARD_DIR) private readonly dir: string,
  ) {}

  /**
   * Before Nest installs its not-found handler (which answers whatever reaches it). A hybrid application
   * (HTTP + the bus transport) may run init hooks once per part, hence `mounted`.
   */
  onModuleInit(): void {
    if (this.mounted) return;
    this.mounted = true;
    if (!existsSync(`${this.dir}/index.html`)) {
      this.log.warn(`no built dashboard in ${this.dir} (run node tools/build.mjs): / is not served`);
      return;
    }
    const assets = new DashboardAssets(this.dir);
    this.host.httpAdapter.use(assets.handle);
    this.log.log(`ops dashboard at / (${assets.size} files, ${(assets.bytes / 1024).toFixed(0)} KB)`);
  }
}
