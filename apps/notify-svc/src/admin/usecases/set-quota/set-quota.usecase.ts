import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { QuotaService } from '../../../quotas/quota.service.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { assertOwnTenant } from '../../own-tenant.js';

/** A tenant admin overrides their own tenant's daily quota (null: back to the plan default). */
@Injectable()
export class SetQuotaUseCase {
  constructor(private readonly quotas: QuotaService) {}

  async execute(p: Principal, tenantId: string, dailyLimit: number | null) {
    assertOwnTenant(p, tenantId);
    await this.quotas.setOverride(tenantId, dailyLimit, actorOf(p));
    return this.quotas.view(tenantId, p.planTier);
  }
}
