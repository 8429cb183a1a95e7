import { subjects } from '#csms/bus';

/** The `api.config-manager.*` verbs of desired charging profiles (request/reply, queue group `config-manager`). */
export const PROFILE_VERBS = {
  getCharger: subjects.api('config-manager', 'getChargerChargingProfiles'),
  setCharger: subjects.api('config-manager', 'setChargerChargingProfiles'),
  deleteCharger: subjects.api('config-manager', 'deleteChargerChargingProfiles'),
  getGroup: subjects.api('config-manager', 'getGroupChargingProfiles'),
  setGroup: subjects.api('config-manager', 'setGroupChargingProfiles'),
  deleteGroup: subjects.api('config-manager', 'deleteGroupChargingProfiles'),
  compositeSchedule: subjects.api('config-manager', 'compositeSchedule'),
} as const;
