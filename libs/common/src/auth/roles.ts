export const Role = {
  User: 'user',
  Organizer: 'organizer',
  Admin: 'admin',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ALL_ROLES: readonly Role[] = [Role.User, Role.Organizer, Role.Admin];

export const PlanTier = {
  Free: 'free',
  Professional: 'professional',
  Enterprise: 'enterprise',
} as const;
export type PlanTier = (typeof PlanTier)[keyof typeof PlanTier];
export const ALL_PLAN_TIERS: readonly PlanTier[] = [PlanTier.Free, PlanTier.Professional, PlanTier.Enterprise];

/**
 * Scopes an API key can carry. A key never holds more than its creator could do. Each family of
 * routes has its own (README, "API key scopes"); anything that sends also needs notifications:send.
 */
export const Scope = {
  NotificationsSend: 'notifications:send',
  NotificationsRead: 'notifications:read',
  TemplatesWrite: 'templates:write',
  ContactsRead: 'contacts:read',
  ContactsWrite: 'contacts:write',
  CampaignsWrite: 'campaigns:write',
  Admin: 'admin',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];
export const ALL_SCOPES: readonly Scope[] = Object.values(Scope);
