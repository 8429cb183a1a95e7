import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { ApiAccessStore } from './api-access.store.js';

export interface AdminTokenBootstrapOptions {
  /** API_ADMIN_TOKEN is set: nothing to generate. */
  adminTokenConfigured: boolean;
  /** Where admin-token is written (DATA_DIR). */
  dataDir: string;
}

/**
 * The first admin token when API_ADMIN_TOKEN is unset (docs/api-auth.md#bootstrap-the-first-admin): made once per database,
 * printed once in the log and written to DATA_DIR/admin-token (mode 0600) for the laptop trial. Later
 * starts find it made and say nothing; an operator who lost it sets API_ADMIN_TOKEN instead.
 */
export async function bootstrapAdminToken(
  store: ApiAccessStore,
  options: AdminTokenBootstrapOptions,
  log = new Logger('ApiTokens'),
): Promise<string | undefined> {
  if (options.adminTokenConfigured) return undefined;
  const made = await store.createBootstrapToken();
  if (!made) return undefined;
  const file = join(options.dataDir, 'admin-token');
  let where = `written to ${file}`;
  try {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `${made.token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    where = `not written to ${file} (${err instanceof Error ? err.message : String(err)})`;
  }
  log.warn(`generated the first admin API token "${made.name}" (shown this once; ${where}): ${made.token}`);
  return made.token;
}
