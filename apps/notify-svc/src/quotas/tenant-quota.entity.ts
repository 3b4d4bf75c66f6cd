import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An admin's override of a tenant's daily delivery quota. */
@Entity({ name: 'tenant_quotas' })
export class TenantQuota {
  @PrimaryColumn('uuid') tenant_id: string;
  @Column('int') daily_limit: number;
  @Column('text') updated_by: string;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}
