export { ChargingProfilesModule } from './charging-profiles.module.js';
export { ChargingProfilesApiController } from './api/charging-profiles-api.controller.js';
export { CHARGING_PROFILE_MIGRATIONS, ConfigManagerChargingProfiles1764720000000 } from './migration.js';
export { ProfileReconciler, type ProfileReconcileResult } from './reconciler.js';
export type { ChargerProfilesView, GroupProfilesView, CompositeScheduleView } from './charging-profiles.service.js';
