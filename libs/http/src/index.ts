export { ok, refuse, type ServiceReply, type ApiErrorBody, type ApiFieldError } from './service-reply.js';
export { callService } from './call-service.js';
export { apiValidationPipe } from './validation.js';
export { HealthModule } from './health/health.module.js';
export { type ReadinessCheck, runReadinessChecks } from './health/readiness.js';
export { ApiTime, ChargerIdPath, ChargerIdentity, ChargerIdentities, NameList, StreamSequence, CHARGER_IDENTITY, Int32Id, PageLimit, PageOffset, PlainText, WholeNumber, INT32_MAX, MAX_OFFSET, EARLIEST_TIME_MS, LATEST_TIME_MS } from './api-params.js';
