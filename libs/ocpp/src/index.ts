export type * from './generated/ocpp16-types.js';
export { CHARGER_INITIATED_ACTIONS, CSMS_INITIATED_ACTIONS, OCPP_ACTIONS, isOcppAction, isReadOnlyAction } from './actions.js';
export type { OcppAction, ChargerInitiatedAction, CsmsInitiatedAction, OcppRequestMap, OcppResponseMap, OcppRequestOf, OcppResponseOf } from './actions.js';
export { OCPP_ERROR_CODES, normaliseErrorCode, isOcppErrorCode } from './errors.js';
export type { OcppErrorCode } from './errors.js';
export { validatePayload, normaliseLeapSeconds, CELSIUS_SPELLINGS } from './validation.js';
export { INT32_MIN, INT32_MAX, MIN_TIMESTAMP_YEAR, MAX_TIMESTAMP_YEAR, isStorableTimestamp } from './storable.js';
export type { PayloadValidation, PayloadValidationError, PayloadDirection } from './validation.js';
export { parseFrame, serializeCall, serializeResult, serializeError, newMessageId, MessageType, MAX_MESSAGE_ID_LENGTH } from './framing.js';
export type { ParsedFrame } from './framing.js';
export {
  RpcSession,
  RpcError,
  CallTimeoutError,
  CallErrorResponse,
  SessionClosedError,
  CallExpiredError,
  OutgoingPayloadError,
  CallSendError,
} from './rpc-session.js';
export type { RpcSessionOptions, CallOptions, ResponseFrame } from './rpc-session.js';
export { POWER_ACTIVE_IMPORT, powerWatts, type PowerSample } from './power.js';
