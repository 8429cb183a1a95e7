export { ok, refuse, type ServiceReply, type ApiErrorBody, type ApiFieldError } from './service-reply.js';
export { callService } from './call-service.js';
export { apiValidationPipe } from './validation.js';
