export { runService, main, type ServiceDefinition, type ServiceName, type RunningService } from './run-service.js';
export { waitFor } from './wait-for.js';
