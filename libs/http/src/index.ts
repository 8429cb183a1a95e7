export { ok, refuse, type ServiceReply, type ApiErrorBody, type ApiFieldError } from './service-reply.js';
export { callService } from './call-service.js';
export { apiValidationPipe } from './validation.js';
export { HealthModule } from './health/health.module.js';
export { type ReadinessCheck, runReadinessChecks } from './health/readiness.js';
