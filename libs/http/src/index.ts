export { ok, refuse, type ServiceReply, type ApiErrorBody, type ApiFieldError } from './service-reply.js';
export { call } from './call-service.js';
export { auditActor } from './audit-actor.js';
export { apiValidationPipe } from './validation.js';
export { HealthModule } from './health/health.module.js';
export { type ReadinessCheck, type ReadinessOutcome, type ReadinessReport, runReadinessChecks, runReadiness } from './health/readiness.js';
export { registerBusMetrics, consumerReadiness } from './health/bus-metrics.js';
export { metricOnce } from './health/metric-once.js';
export {
  ApiTime,
  ChargerIdPath,
  ChargerIdentity,
  ChargerIdentities,
  NameList,
  StreamSequence,
  CHARGER_IDENTITY,
  Int32Id,
  PageLimit,
  PageOffset,
  PlainText,
  WholeNumber,
  INT32_MAX,
  MAX_OFFSET,
  EARLIEST_TIME_MS,
  LATEST_TIME_MS,
} from './api-params.js';
export { ApiExceptionFilter } from './errors/api-exception-filter.js';
export { toApiError, errorCodeFor } from './errors/api-error.js';
export { apiAccess, type ApiAccess } from './api-access/api-access.module.js';
export { AdminOnly, ROLES, isRole, roleCovers, highestRole, requiredRole, changesState, type Role } from './api-access/roles.js';
export { API_TOKEN_PREFIX, newApiToken, hashApiToken } from './api-access/api-token.js';
export { isLoopbackAddress } from './api-access/loopback.js';
export { ApiCallerResolver, type CallerDecision } from './api-access/api-caller-resolver.js';
export { OidcVerifier, readClaim, type OidcOptions, type OidcOutcome } from './api-access/oidc-verifier.js';
export { API_TOKEN_DIRECTORY, BusApiTokenDirectory, type ApiTokenDirectory, type KnownApiToken } from './api-access/token-directory.js';
export { CurrentCaller } from './api-access/whoami.controller.js';
export type { ApiCaller } from './api-access/caller.js';
export type { AuditEntry } from './api-access/audit-trail.js';
export { ApiErrorDoc, ApiFieldErrorDoc, ApiErrors, ApiV1, ApiChargerIdParam, ApiTextParam, ApiNumberParam, type ApiErrorStatus } from './openapi/api-docs.js';
export { S, ApiOk, ApiDone, ApiOkAs } from './openapi/response-schema.js';
export { checkCapability, requireCapability, type CapabilitySource, type CapabilityVerdict, type RegistryCapabilities } from './capability-check.js';
export { requestTracing, requestParent, REQUEST_ID_HEADER } from './tracing/request-trace.js';
