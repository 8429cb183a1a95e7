import { ConfigManagerQueuedCommands1764520000000 } from './migration.js';

// The queued-command part's migrations, for the service's list in ../index.ts.
export const QUEUED_MIGRATIONS = [ConfigManagerQueuedCommands1764520000000];
