import { AuthApiAccess1764000400000 } from './auth-api-access.migration.js';
import { AuthInit1764000100000 } from './auth-init.migration.js';
import { AuthLocalList1764000200000 } from './auth-local-list.migration.js';
import { AuthRefusalsProvisional1764000300000 } from './auth-refusals-provisional.migration.js';
import { AuthReservations1764000500000 } from './auth-reservations.migration.js';
import { AuthServerSecrets1764000460000 } from './auth-server-secrets.migration.js';

export const AUTH_MIGRATIONS = [
  AuthInit1764000100000,
  AuthLocalList1764000200000,
  AuthRefusalsProvisional1764000300000,
  AuthApiAccess1764000400000,
  AuthServerSecrets1764000460000,
  AuthReservations1764000500000,
];
