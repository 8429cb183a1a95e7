import { loadAppConfig, type AppConfig } from '#csms/config';
import { openEmbeddedEarly } from '#csms/persistence/embedded';

// The all-in-one on its embedded database: PGlite starts opening on its worker thread first, and this thread
// loads the services' modules meanwhile (docs/benchmarks.md#startup). A bad variable is not reported here:
// the process reports it when it reads its configuration, with the same message.
let config: AppConfig | undefined;
try {
  config = loadAppConfig(process.env);
} catch {
  // reported by the process itself, below
}
if (config && !config.databaseUrl) openEmbeddedEarly(config.dataDir);
await import('./csms-process.js');
