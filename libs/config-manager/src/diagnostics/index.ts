import { ConfigManagerDiagnostics1764600000000 } from './migration.js';

export { DiagnosticsModule } from './diagnostics.module.js';
export { ConfigManagerDiagnostics1764600000000 };

export const DIAGNOSTICS_MIGRATIONS = [ConfigManagerDiagnostics1764600000000];
