// The entry a process imports before its other modules (it loads only the worker's host, not TypeORM).
export { openEmbeddedEarly } from './early-open.js';
