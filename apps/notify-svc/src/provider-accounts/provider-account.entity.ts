import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A tenant's own account with one provider. `secret_enc` is a SecretBox blob of the credentials
 * (JSON), bound to `tenant_id:provider`; `secret_last4` keeps the last 4 characters of each
 * credential, the only part ever shown.
 */
@Entity({ name: 'provider_accounts' })
export class ProviderAccountRecord {
  @PrimaryColumn('uuid') tenant_id: string;
  @PrimaryColumn('text') provider: string;
  @Column('text') secret_enc: string;
  @Column('jsonb') secret_last4: Record<string, string>;
  @Column('jsonb') sender: Record<string, string>;
  @Column('text', { nullable: true }) base_url: string | null;
  @Column('text') updated_by: string;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) updated_at: Date;
}
