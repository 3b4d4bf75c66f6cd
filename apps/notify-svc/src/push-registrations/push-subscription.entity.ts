import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A browser's Web Push subscription, registered by its user. The endpoint (a capability URL) and
 * its keys are encrypted together (SecretBox, bound to the row id); `endpoint_hash` (SHA-256)
 * finds a re-registration of the same browser.
 */
@Entity({ name: 'push_subscriptions' })
export class PushSubscription {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('uuid') user_id: string;
  @Column('text') endpoint_hash: string;
  @Column('text') endpoint_origin: string;
  @Column('text') secret_enc: string; // {"endpoint","p256dh","auth"}
  @Column('text', { nullable: true }) user_agent: string | null;
  @Column('timestamptz', { nullable: true }) expires_at: Date | null;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}
