import { AppException, type Principal } from '#common';

/** A tenant admin acts on their own tenant only: another tenant's id is answered as not found, like any other tenant's resource. */
export function assertOwnTenant(p: Principal, tenantId: string): void {
  if (tenantId.toLowerCase() !== p.tenantId) throw AppException.notFound('Tenant');
}
