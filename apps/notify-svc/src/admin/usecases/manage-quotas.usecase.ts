import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { actorOf } from '../../tenancy/visibility.js';
import { QuotaService } from '../../quotas/quota.service.js';

/**
 * A tenant admin reads and overrides their own tenant's daily quota. Another tenant's quota is
 * answered as not found, like any other tenant's resource.
 */
@Injectable()
export class ManageQuotasUseCase {
  constructor(private readonly quotas: QuotaService) {}

  get(p: Principal, tenantId: string) {
    this.ownTenant(p, tenantId);
    return this.quotas.view(tenantId, p.planTier);
  }

  async set(p: Principal, tenantId: string, dailyLimit: number | null) {
    this.ownTenant(p, tenantId);
    await this.quotas.setOverride(tenantId, dailyLimit, actorOf(p));
    return this.quotas.view(tenantId, p.planTier);
  }

  private ownTenant(p: Principal, tenantId: string): void {
    if (tenantId.toLowerCase() !== p.tenantId) throw AppException.notFound('Tenant');
  }
}
