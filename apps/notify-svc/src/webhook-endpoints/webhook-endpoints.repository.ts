import { Injectable } from '@nestjs/common';
import { AppException, isUuid, paginate, type Page, type PaginationQueryDto } from '#common';
import type { Tx } from '../database/unit-of-work.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

/** The tenant's webhook endpoints, inside the caller's tenant transaction. */
@Injectable()
export class WebhookEndpointsRepository {
  urlTaken(tx: Tx, url: string): Promise<boolean> {
    return tx.repo(WebhookEndpoint).existsBy({ tenant_id: tx.tenantId, url });
  }

  /** Inserts or updates; the answer carries the database's defaults (created_at, updated_at). */
  save(tx: Tx, e: Partial<WebhookEndpoint>): Promise<WebhookEndpoint> {
    const repo = tx.repo(WebhookEndpoint);
    return repo.save(repo.create({ ...e, tenant_id: tx.tenantId }));
  }

  page(tx: Tx, q: PaginationQueryDto): Promise<Page<WebhookEndpoint>> {
    const qb = tx.repo(WebhookEndpoint).createQueryBuilder('w').where('w.tenant_id = :tenantId', { tenantId: tx.tenantId });
    return paginate(qb, q, { sortColumn: 'w.created_at', idColumn: 'w.id' });
  }

  /** One endpoint of the tenant, or 404 (a malformed id cannot exist either). */
  async byIdOr404(tx: Tx, id: string): Promise<WebhookEndpoint> {
    const e = isUuid(id) ? await tx.repo(WebhookEndpoint).findOneBy({ tenant_id: tx.tenantId, id }) : null;
    if (!e) throw AppException.notFound('Webhook endpoint');
    return e;
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.repo(WebhookEndpoint).delete({ tenant_id: tx.tenantId, id });
  }
}
