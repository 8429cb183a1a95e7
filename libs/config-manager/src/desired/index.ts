// The desired-state part's tables and migrations, for the service's lists in ../index.ts.
export { DESIRED_ENTITIES } from './entities.js';
export { DESIRED_MIGRATIONS } from './migration.js';
