// The desired-state part's migrations, for the service's list in ../index.ts.
export { DESIRED_MIGRATIONS } from './migration.js';
