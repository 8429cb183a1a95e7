// The charging-profiles part's migrations, for the service's list in ../index.ts.
export { CHARGING_PROFILE_MIGRATIONS } from './migration.js';
