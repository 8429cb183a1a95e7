import { AuthInit1764000100000 } from './auth-init.migration.js';
import { AuthLocalList1764000200000 } from './auth-local-list.migration.js';

export { AuthInit1764000100000, AuthLocalList1764000200000 };
export const AUTH_MIGRATIONS = [AuthInit1764000100000, AuthLocalList1764000200000];
