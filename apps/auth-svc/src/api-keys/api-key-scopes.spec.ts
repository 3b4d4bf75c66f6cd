import { describe, expect, it } from '@jest/globals';
import { AppException, type Principal, type Role } from '#common';
import { assertCanGrant, grantableScopes } from './api-key-scopes.js';

const as = (roles: Role[]): Principal => ({ kind: 'access_token', userId: 'u', tenantId: 't', roles, scopes: [], planTier: 'free' });

describe('API key scopes by role', () => {
  it('admins may grant every scope, organizers all but admin, users only reading', () => {
    expect([...grantableScopes(['admin'])].sort()).toEqual([
      'admin',
      'campaigns:write',
      'contacts:read',
      'contacts:write',
      'notifications:read',
      'notifications:send',
      'templates:write',
    ]);
    expect([...grantableScopes(['organizer'])].sort()).toEqual([
      'campaigns:write',
      'contacts:read',
      'contacts:write',
      'notifications:read',
      'notifications:send',
      'templates:write',
    ]);
    expect([...grantableScopes(['user'])].sort()).toEqual(['contacts:read', 'notifications:read']);
    expect(grantableScopes([]).size).toBe(0);
  });

  it('refuses with 403 naming exactly the scopes beyond the caller', () => {
    expect(() => assertCanGrant(as(['organizer']), ['notifications:send'])).not.toThrow();
    try {
      assertCanGrant(as(['user', 'organizer']), ['notifications:read', 'admin']);
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(AppException);
      expect((err as AppException).getStatus()).toBe(403);
      expect((err as AppException).details).toEqual({ scopes: ['admin'] });
    }
  });
});
