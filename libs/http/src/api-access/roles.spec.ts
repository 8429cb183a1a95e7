import { changesState, highestRole, requiredRole, roleCovers } from './roles.js';

describe('roles', () => {
  it('GET and HEAD need viewer, every other method operator, an admin-only route admin whatever its method', () => {
    expect(['GET', 'HEAD', 'get'].map((m) => requiredRole(m, false))).toEqual(['viewer', 'viewer', 'viewer']);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => requiredRole(m, false))).toEqual(['operator', 'operator', 'operator', 'operator']);
    expect(['GET', 'POST', 'DELETE'].map((m) => requiredRole(m, true))).toEqual(['admin', 'admin', 'admin']);
  });

  it('a stronger role covers a weaker one, never the reverse', () => {
    expect(roleCovers('admin', 'operator')).toBe(true);
    expect(roleCovers('operator', 'operator')).toBe(true);
    expect(roleCovers('viewer', 'operator')).toBe(false);
    expect(roleCovers('operator', 'admin')).toBe(false);
  });

  it('highestRole ignores what is not a role', () => {
    expect(highestRole(['viewer', 'admin', 'operator'])).toBe('admin');
    expect(highestRole(['Admin', 42, null, 'operator'])).toBe('operator');
    expect(highestRole([])).toBeUndefined();
  });

  it('changesState: every method but GET, HEAD and OPTIONS', () => {
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].every(changesState)).toBe(true);
    expect(['GET', 'HEAD', 'OPTIONS'].some(changesState)).toBe(false);
  });
});
