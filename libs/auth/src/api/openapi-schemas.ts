import { ROLES, S } from '#csms/http';
import { REGISTRATION_STATES } from '../charger-registry.service.rows.js';
import { ID_TAG_STATUSES } from '../id-tags.service.rows.js';

/**
 * The OpenAPI schemas of what auth's routes answer (api-access.store.ts, charger-registry.service.ts,
 * authorization-key-rotation.service.ts, id-tags.service.ts, local-auth-list.store.ts), written once for
 * the document: the handlers return interfaces.
 */
const str = S.nullable(S.str);
const time = S.nullable(S.time);
const SECURITY_PROFILE: typeof S.int = { type: 'integer', enum: [0, 1, 2, 3] };

const API_TOKEN_FIELDS = { id: { ...S.str, format: 'uuid' }, name: S.str, role: S.enum(ROLES), createdAt: S.time, createdBy: str, lastUsedAt: time };
export const API_TOKEN_SCHEMA = S.obj(API_TOKEN_FIELDS);
export const CREATED_API_TOKEN_SCHEMA = S.obj({
  ...API_TOKEN_FIELDS,
  token: { ...S.str, description: 'The bearer token: shown this once, only its hash is kept' },
});

export const AUDIT_RECORD_SCHEMA = S.obj(
  {
    id: S.int,
    at: S.time,
    actor: S.str,
    actorKind: S.enum(['token', 'oidc', 'loopback']),
    role: S.enum(ROLES),
    method: S.str,
    route: { ...S.str, description: 'The route template, e.g. /api/v1/chargers/:id/commands/:action' },
    path: S.str,
    chargerId: S.str,
    status: S.int,
  },
  ['chargerId'],
);

export const REGISTERED_CHARGER_SCHEMA = S.obj(
  {
    id: S.str,
    securityProfile: SECURITY_PROFILE,
    registrationState: S.enum(REGISTRATION_STATES),
    useAuthorizationKeyWithoutDecoding: S.nullable(S.bool),
    generatedPassword: { ...S.str, description: 'The generated Basic Auth password, returned this once (none was given)' },
  },
  ['generatedPassword'],
);

export const REGISTRATION_SCHEMA = S.obj({ state: S.enum(REGISTRATION_STATES), securityProfile: SECURITY_PROFILE, known: S.bool });

const ROTATION_FIELDS = {
  chargerId: S.str,
  state: S.enum(['idle', 'sending', 'accepted', 'rejected', 'not-supported', 'timeout', 'abandoned']),
  outcome: str,
  withoutDecoding: S.nullable(S.bool),
  newPasswordPending: S.bool,
  startedAt: time,
  updatedAt: time,
  completedAt: time,
};
export const ROTATION_SCHEMA = S.obj(ROTATION_FIELDS);
export const ROTATION_STARTED_SCHEMA = S.obj(
  { ...ROTATION_FIELDS, generatedKey: { ...S.str, description: 'The generated key, returned this once (none was given)' } },
  ['generatedKey'],
);

export const SECURITY_EVENTS_SCHEMA = S.obj({
  items: S.arr(S.obj({ type: S.str, techInfo: str, timestamp: S.time, remoteAddress: str, source: S.enum(['charger', 'csms']), count: S.int })),
});

export const ID_TAG_SCHEMA = S.obj({ idTag: S.str, status: S.enum(ID_TAG_STATUSES), expiryDate: time, parentIdTag: str, group: str });

export const LOCAL_LIST_SCHEMA = S.obj({
  chargerId: S.str,
  group: str,
  listVersion: S.int,
  outcome: S.nullable(S.enum(['Accepted', 'Failed', 'NotSupported', 'VersionMismatch', 'not-connected', 'TooManyTags'])),
  detail: str,
  updatedAt: time,
  sendLocalListMaxLength: S.nullable(S.int),
  localAuthListMaxLength: S.nullable(S.int),
});

export const RESERVATION_SCHEMA = S.obj(
  {
    reservationId: { ...S.int, description: 'The OCPP reservationId, allocated by the CSMS' },
    chargerId: S.str,
    connectorId: S.int,
    idTag: S.str,
    parentIdTag: str,
    expiresAt: S.time,
    status: S.enum(['pending', 'active', 'refused', 'failed', 'cancelled', 'expired', 'used']),
    reserveStatus: { ...S.nullable(S.enum(['Accepted', 'Faulted', 'Occupied', 'Rejected', 'Unavailable'])), description: "The charger's answer to ReserveNow" },
    cancelStatus: { ...S.nullable(S.enum(['Accepted', 'Rejected'])), description: "The charger's answer to CancelReservation" },
    detail: str,
    transactionId: S.nullable(S.int),
    requestedBy: str,
    createdAt: S.time,
    updatedAt: S.time,
    endedAt: time,
    connectorStatus: { ...str, description: "The connector's last StatusNotification status (Reserved while the charger holds it); null when unknown" },
  },
  ['connectorStatus'],
);
