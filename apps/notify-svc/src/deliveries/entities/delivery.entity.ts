import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Channel } from '../../channels/channel-registry.js';

export const DELIVERY_STATUSES = [
  'queued',
  'scheduled',
  'suppressed',
  'skipped',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'failed',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** States in which a worker may still send; every other state is final (or, for sent, waits on a receipt). */
export const PENDING_STATUSES: readonly DeliveryStatus[] = ['queued', 'scheduled', 'sending'];

/**
 * One notification to one recipient on one channel. Property names mirror the columns, so rows
 * from the few hand-written statements and entities have the same shape.
 */
@Entity({ name: 'deliveries' })
export class Delivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('uuid', { nullable: true }) user_id: string | null;
  @Column('text') created_by: string;
  @Column('text') channel: Channel;
  @Column('jsonb') recipient: Record<string, string>;
  @Column('text', { nullable: true }) address: string | null;
  @Column('uuid', { nullable: true }) template_id: string | null;
  @Column('text', { nullable: true }) template_key: string | null;
  @Column('int', { nullable: true }) template_version: number | null;
  @Column('jsonb') content: Record<string, string>;
  @Column('jsonb', { nullable: true }) data: Record<string, unknown> | null;
  @Column('text', { nullable: true }) category: string | null;
  @Column('text') priority: string;
  @Column('text') status: DeliveryStatus;
  @Column('text', { nullable: true }) status_reason: string | null;
  @Column('timestamptz', { nullable: true }) send_at: Date | null;
  @Column('uuid', { nullable: true }) batch_id: string | null;
  @Column('int') attempts: number;
  @Column('int') attempts_before_replay: number;
  /** The tenant's plan when accepted: the quota the worker re-checks. */
  @Column('text') plan_tier: string;
  @Column('text', { nullable: true }) provider: string | null;
  @Column('text', { nullable: true }) provider_message_id: string | null;
  /** While `sending`: until when the sending worker holds it (a lease); while queued for a retry: when it is due. */
  @Column('timestamptz', { nullable: true }) next_attempt_at: Date | null;
  /** sms only: the encoding, characters and segments of the rendered text (channels/sms/sms-segments.ts). */
  @Column('text', { nullable: true }) sms_encoding: string | null;
  @Column('int', { nullable: true }) sms_characters: number | null;
  @Column('int', { nullable: true }) sms_segments: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) created_at: Date;
  @Column('timestamptz') updated_at: Date;
  @Column('timestamptz', { nullable: true }) sent_at: Date | null;
  @Column('timestamptz', { nullable: true }) delivered_at: Date | null;
  @Column('timestamptz', { nullable: true }) bounced_at: Date | null;
  @Column('timestamptz', { nullable: true }) failed_at: Date | null;
  @Column('timestamptz', { nullable: true }) cancelled_at: Date | null;
}
