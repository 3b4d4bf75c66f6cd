/** Security events recorded in audit_events. Part of the API (clients filter on them): add, never rename. */
export const AuditEventType = {
  Signup: 'signup',
  LoginSucceeded: 'login.succeeded',
  LoginFailed: 'login.failed',
  AccountLocked: 'login.locked',
  Logout: 'logout',
  RefreshReuseDetected: 'refresh.reuse_detected',
  SessionRevoked: 'session.revoked',
  PasswordChanged: 'password.changed',
  ProfileUpdated: 'profile.updated',
  UserCreated: 'user.created',
  RoleChanged: 'user.roles_changed',
  UserDeactivated: 'user.deactivated',
  UserReactivated: 'user.reactivated',
  KeyRotated: 'key.rotated',
} as const;
export type AuditEventType = (typeof AuditEventType)[keyof typeof AuditEventType] | (string & {});
