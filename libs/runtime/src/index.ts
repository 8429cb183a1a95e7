export { runService, main, type ServiceDefinition, type ServiceName, type RunningService } from './run-service.js';
export { waitFor } from './wait-for.js';
export { applyHttpTimeouts, type HttpTimeouts } from './http-timeouts.js';
export { PeriodicTask, type PeriodicTaskOptions } from './periodic-task.js';
