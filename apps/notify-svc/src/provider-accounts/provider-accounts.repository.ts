import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import { ProviderAccountRecord } from './provider-account.entity.js';

/** The admin routes' reads and writes of the tenant's provider accounts (ProviderAccounts decrypts them for the senders). */
@Injectable()
export class ProviderAccountsRepository {
  /** Sets (replaces) the tenant's account with this provider; read back, so created_at is the first PUT's. */
  async put(tx: Tx, record: Omit<ProviderAccountRecord, 'tenant_id' | 'created_at'>): Promise<ProviderAccountRecord> {
    const repo = tx.repo(ProviderAccountRecord);
    await repo.save(repo.create({ ...record, tenant_id: tx.tenantId }));
    return (await this.find(tx, record.provider))!;
  }

  list(tx: Tx): Promise<ProviderAccountRecord[]> {
    return tx.repo(ProviderAccountRecord).find({ where: { tenant_id: tx.tenantId }, order: { provider: 'ASC' } });
  }

  find(tx: Tx, provider: string): Promise<ProviderAccountRecord | null> {
    return tx.repo(ProviderAccountRecord).findOneBy({ tenant_id: tx.tenantId, provider });
  }

  /** False when the tenant had no account with this provider. */
  async delete(tx: Tx, provider: string): Promise<boolean> {
    return Boolean((await tx.repo(ProviderAccountRecord).delete({ tenant_id: tx.tenantId, provider })).affected);
  }
}
