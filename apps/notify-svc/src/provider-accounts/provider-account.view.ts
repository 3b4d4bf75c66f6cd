import type { ProviderAccountRecord } from './provider-account.entity.js';

/** A tenant's provider account as its admins see it: never the secrets, only their last 4 characters. */
export const providerAccountView = (r: ProviderAccountRecord) => ({
  provider: r.provider,
  owner: 'tenant' as const,
  credentials: Object.fromEntries(Object.entries(r.secret_last4).map(([k, v]) => [k, { last4: v }])),
  sender: r.sender,
  baseUrl: r.base_url,
  updatedBy: r.updated_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
