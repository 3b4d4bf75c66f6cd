import { describe, expect, it } from '@jest/globals';
import { Role } from '#common';
import { RevocationSet } from './revocation-list.js';

const token = (issuedAt: number, roles: Role[] = [Role.User, Role.Organizer, Role.Admin]) => ({
  userId: 'u1',
  sessionId: 's1',
  issuedAt,
  roles,
});

describe('RevocationSet role changes', () => {
  it('caps a token issued at or before the change to the roles the user holds now', () => {
    const set = new RevocationSet();
    set.apply({ sessions: [], users: [], roles: [{ id: 'u1', before: 100, roles: [Role.User] }], retainSeconds: 60 }, 0);
    expect(set.currentRoles(token(100))).toEqual([Role.User]);
    expect(set.currentRoles(token(99, [Role.Admin]))).toEqual([]);
    expect(set.isRevoked(token(100))).toBe(false); // a demotion is not a log-out
  });

  it('leaves tokens issued after the change, other users and unchanged role sets alone (undefined)', () => {
    const set = new RevocationSet();
    set.apply({ sessions: [], users: [], roles: [{ id: 'u1', before: 100, roles: [Role.User] }], retainSeconds: 60 }, 0);
    expect(set.currentRoles(token(101))).toBeUndefined();
    expect(set.currentRoles({ ...token(50), userId: 'u2' })).toBeUndefined();
    expect(set.currentRoles(token(50, [Role.User]))).toBeUndefined();
  });

  it('the latest change wins, also when an older one arrives later (feed overlap)', () => {
    const set = new RevocationSet();
    set.apply({ sessions: [], users: [], roles: [{ id: 'u1', before: 200, roles: [Role.User, Role.Admin] }], retainSeconds: 60 }, 0);
    set.apply({ sessions: [], users: [], roles: [{ id: 'u1', before: 100, roles: [Role.User] }], retainSeconds: 60 }, 0);
    expect(set.currentRoles(token(150))).toEqual([Role.User, Role.Admin]);
  });

  it('forgets a change once no token it concerns can be alive', () => {
    const set = new RevocationSet();
    set.apply({ sessions: [], users: [], roles: [{ id: 'u1', before: 100, roles: [Role.User] }], retainSeconds: 1 }, 0);
    set.apply({ sessions: [], users: [], retainSeconds: 1 }, 120_000); // a feed answer without roles (older auth-svc) sweeps
    expect(set.currentRoles(token(100))).toBeUndefined();
    expect(set.size).toBe(0);
  });
});
