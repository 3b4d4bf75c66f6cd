import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's opt-outs: per channel, and per category (per channel or `all`). */
@Entity({ name: 'preferences' })
export class Preference {
  @PrimaryColumn('uuid') tenant_id: string;
  @PrimaryColumn('uuid') user_id: string;
  @Column('jsonb', { default: {} }) channels: Record<string, boolean>;
  @Column('jsonb', { default: {} }) categories: Record<string, Record<string, boolean>>;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}

/** A tenant's notification category; a required one cannot be opted out of. */
@Entity({ name: 'notification_categories' })
export class NotificationCategory {
  @PrimaryColumn('uuid') tenant_id: string;
  @PrimaryColumn('text') key: string;
  @Column('boolean', { default: false }) required: boolean;
  @Column('text', { nullable: true }) description: string | null;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}
