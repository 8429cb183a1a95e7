import { subjects } from '#csms/bus';

/** The `api.config-manager.*` verbs of the desired-state part (request/reply, queue group `config-manager`). */
export const DESIRED_VERBS = {
  getChargerConfiguration: subjects.api('config-manager', 'getChargerConfiguration'),
  setChargerConfiguration: subjects.api('config-manager', 'setChargerConfiguration'),
  chargerConfigurationHistory: subjects.api('config-manager', 'chargerConfigurationHistory'),
  getGroupConfiguration: subjects.api('config-manager', 'getGroupConfiguration'),
  setGroupConfiguration: subjects.api('config-manager', 'setGroupConfiguration'),
  setGroupMembers: subjects.api('config-manager', 'setGroupMembers'),
  getFleetConfiguration: subjects.api('config-manager', 'getFleetConfiguration'),
  setFleetConfiguration: subjects.api('config-manager', 'setFleetConfiguration'),
  getModelConfiguration: subjects.api('config-manager', 'getModelConfiguration'),
  setModelConfiguration: subjects.api('config-manager', 'setModelConfiguration'),
  retryRefused: subjects.api('config-manager', 'retryRefusedConfiguration'),
  /** Spelled in libs/bus: the gateway's command API sends it. */
  recordCommandChange: subjects.commandConfigurationChange,
  profiles: subjects.api('config-manager', 'profiles'),
} as const;

/** Durable consumer of connection events that drives reconciliation on connect. */
export const RECONCILE_CONSUMER = 'config-manager-reconcile';
