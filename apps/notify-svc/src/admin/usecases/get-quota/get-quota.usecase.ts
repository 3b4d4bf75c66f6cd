import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { QuotaService } from '../../../quotas/quota.service.js';
import { assertOwnTenant } from '../../own-tenant.js';

/** A tenant admin reads their own tenant's daily quota, its source and today's usage. */
@Injectable()
export class GetQuotaUseCase {
  constructor(private readonly quotas: QuotaService) {}

  execute(p: Principal, tenantId: string) {
    assertOwnTenant(p, tenantId);
    return this.quotas.view(tenantId, p.planTier);
  }
}
