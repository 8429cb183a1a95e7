import { S } from '#csms/http';
import { CHARGER_MODELS } from '#csms/zaptec-profile';
import { DESIRED_SCOPES } from '../desired/desired-store.rows.js';
import { APPLY_OUTCOMES } from '../desired/charger-state.store.rows.js';

/**
 * The OpenAPI schemas of what the registry and configuration routes answer (charger-summary.ts,
 * desired.service.ts, profiles-view.ts), written once for the document: the handlers return interfaces.
 */
const str = S.nullable(S.str);
const time = S.nullable(S.time);
const strings = S.map(S.str);

export const CONNECTOR_STATUS_SCHEMA = S.obj({ connectorId: S.int, status: S.str, errorCode: S.str, info: S.nullable(S.str), timestamp: S.time }, ['info']);

const BOOT = S.nullable(
  S.obj(
    {
      vendor: str,
      model: str,
      serialNumber: str,
      chargeBoxSerialNumber: str,
      firmwareVersion: str,
      iccid: str,
      imsi: str,
      meterType: str,
      meterSerialNumber: str,
      at: time,
      status: S.nullable(S.enum(['Accepted', 'Pending', 'Rejected'])),
    },
    ['status'],
  ),
);

export const CHARGER_SCHEMA = S.obj(
  {
    id: S.str,
    connected: S.bool,
    gatewayId: str,
    connectedAt: time,
    disconnectedAt: time,
    lastSeen: time,
    remoteAddress: str,
    model: S.enum(CHARGER_MODELS),
    modelOverridden: S.bool,
    capabilities: { ...S.map(S.any), description: 'What the model supports (feature profiles, limits)' },
    boot: BOOT,
    provisional: S.bool,
    bootPolicy: S.obj({ applyConfigurationBeforeAccept: S.bool }),
    configurationSync: S.enum(['in-sync', 'drift', 'refused', 'unknown']),
    connectors: S.arr(CONNECTOR_STATUS_SCHEMA),
    statusesUnavailable: { ...S.bool, description: 'Present (true) when metering did not answer: no `connectors`' },
  },
  ['configurationSync', 'connectors', 'statusesUnavailable'],
);

const COMPACT_CHARGER = S.obj({
  id: S.str,
  connected: S.bool,
  model: S.str,
  firmwareVersion: str,
  lastSeen: time,
  connectedAt: time,
  provisional: S.bool,
  connectorStatus: { ...strings, description: 'connectorId -> last status' },
  drift: S.nullable(S.bool),
});

export const CHARGER_LIST_SCHEMA = S.page(
  { oneOf: [CHARGER_SCHEMA, COMPACT_CHARGER], description: 'view=full: the charger; view=compact: a list row' },
  { nextCursor: S.nullable(S.str), statusesUnavailable: S.bool },
  ['statusesUnavailable'],
);

const SCOPE = S.enum(DESIRED_SCOPES);

export const LEVEL_SCHEMA = S.obj({ scope: SCOPE, name: S.str, keys: strings, members: S.arr(S.str) }, ['name', 'members']);

export const CHARGER_CONFIGURATION_SCHEMA = S.obj({
  chargerId: S.str,
  model: S.enum(CHARGER_MODELS),
  modelName: S.str,
  connected: S.bool,
  reported: S.nullable(S.obj({ at: S.time, ageSeconds: S.num, keys: S.arr(S.obj({ key: S.str, value: str, readonly: S.bool })) })),
  desired: S.obj({
    fleet: strings,
    model: S.obj({ name: S.enum(CHARGER_MODELS), keys: strings }),
    group: S.nullable(S.obj({ name: S.str, keys: strings })),
    charger: strings,
  }),
  effective: strings,
  sources: S.map(SCOPE),
  notApplicable: S.arr(S.str),
  drift: S.arr(
    S.obj(
      {
        key: S.str,
        desired: S.str,
        source: SCOPE,
        reported: str,
        state: S.enum(['in-sync', 'drifted', 'refused', 'pending-reboot', 'pending', 'unknown']),
        reason: S.str,
        lastOutcome: S.enum(APPLY_OUTCOMES),
        lastOutcomeAt: S.time,
        lastMessage: S.str,
      },
      ['reason', 'lastOutcome', 'lastOutcomeAt', 'lastMessage'],
    ),
  ),
  drifted: S.bool,
});

export const CONFIGURATION_HISTORY_SCHEMA = S.obj({
  chargerId: S.str,
  items: S.arr(S.obj({ at: S.time, actor: S.str, chargerId: str, scope: S.nullable(SCOPE), scopeId: str, key: S.str, old: str, new: str, outcome: S.str })),
});

export const PROFILES_SCHEMA = S.obj({
  keys: S.arr(
    S.obj(
      {
        name: S.str,
        type: S.enum(['boolean', 'integer', 'string', 'csl']),
        unit: S.str,
        range: S.obj({ min: S.num, max: S.num }, ['min', 'max']),
        maxLength: S.int,
        members: S.arr(S.str),
        maxItems: S.int,
        access: S.enum(['R', 'RW', 'W']),
        required: S.bool,
        profile: S.str,
        default: S.str,
        description: S.str,
      },
      ['unit', 'range', 'maxLength', 'members', 'maxItems', 'default'],
    ),
  ),
  models: S.arr(S.obj({ model: S.enum(CHARGER_MODELS), name: S.str, capabilities: S.map(S.any), defaults: strings })),
});
