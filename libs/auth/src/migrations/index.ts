import { AuthInit1764000100000 } from './auth-init.migration.js';

export { AuthInit1764000100000 };
export const AUTH_MIGRATIONS = [AuthInit1764000100000];
