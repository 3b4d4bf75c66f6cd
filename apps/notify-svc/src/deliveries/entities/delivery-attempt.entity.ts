import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AttemptOutcome = 'sent' | 'temporary' | 'permanent';

/** One call to a provider for a delivery: what it answered and how long it took. */
@Entity({ name: 'delivery_attempts' })
export class DeliveryAttempt {
  @PrimaryColumn('uuid') delivery_id: string;
  @PrimaryColumn('int') attempt: number;
  @Column('uuid') tenant_id: string;
  @Column('text') channel: string;
  @Column('text') provider: string;
  @Column('text') outcome: AttemptOutcome;
  @Column('text', { nullable: true }) provider_message_id: string | null;
  @Column('int') duration_ms: number;
  @Column('text', { nullable: true }) error_code: string | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at: Date;
}
