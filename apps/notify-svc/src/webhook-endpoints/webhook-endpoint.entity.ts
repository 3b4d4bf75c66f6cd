import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A tenant's registered webhook receiver; its signing secrets are stored encrypted (SecretBox). */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('text') url: string;
  @Column('text', { nullable: true }) description: string | null;
  @Column('text') secret_enc: string;
  @Column('text', { nullable: true }) previous_secret_enc: string | null;
  @Column('timestamptz', { nullable: true }) previous_secret_until: Date | null;
  @Column('text') created_by: string;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}
