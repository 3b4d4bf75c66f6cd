import { ALL_SCOPES, AppException, ErrorCode, Role, Scope, type Principal } from '#common';

/** The scopes each role may put on a key: a key never carries more than its creator could do. */
const SCOPES_BY_ROLE: Record<Role, readonly Scope[]> = {
  [Role.Admin]: ALL_SCOPES,
  [Role.Organizer]: [
    Scope.NotificationsSend,
    Scope.NotificationsRead,
    Scope.TemplatesWrite,
    Scope.ContactsRead,
    Scope.ContactsWrite,
    Scope.CampaignsWrite,
  ],
  // Every user of a tenant reads its contacts and campaigns (seed 001), nothing more.
  [Role.User]: [Scope.NotificationsRead, Scope.ContactsRead],
};

/** Scopes a key gets when the creator names none: enough to send and read, nothing administrative. */
export const DEFAULT_API_KEY_SCOPES: readonly Scope[] = [Scope.NotificationsSend, Scope.NotificationsRead];

export function grantableScopes(roles: readonly Role[]): Set<Scope> {
  return new Set(roles.flatMap((r) => SCOPES_BY_ROLE[r] ?? []));
}

/** Throws 403 naming the scopes the caller's roles do not cover. */
export function assertCanGrant(principal: Principal, scopes: readonly Scope[]): void {
  const allowed = grantableScopes(principal.roles);
  const beyond = scopes.filter((s) => !allowed.has(s));
  if (beyond.length) {
    throw new AppException(ErrorCode.FORBIDDEN, `Your roles cannot grant: ${beyond.join(', ')}`, 403, { scopes: beyond });
  }
}
