import { ConfigManagerDiagnostics1764600000000 } from './migration.js';

// The diagnostics part's migrations, for the service's list in ../index.ts.
export const DIAGNOSTICS_MIGRATIONS = [ConfigManagerDiagnostics1764600000000];
