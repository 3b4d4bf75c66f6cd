import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Channel } from '../../channels/channel-registry.js';

export const TOPIC_VISIBILITIES = ['public', 'private'] as const;
export type TopicVisibility = (typeof TOPIC_VISIBILITIES)[number];

export const TOPIC_ACCESS_LEVELS = ['read', 'write', 'read_write'] as const;
export type TopicAccessLevel = (typeof TOPIC_ACCESS_LEVELS)[number];

/** A tenant's public name in topic URLs (`/notify/v1/t/{slug}/{topic}`): random, never derived from the tenant id. */
@Entity({ name: 'topic_namespaces' })
export class TopicNamespace {
  @PrimaryColumn('uuid') tenant_id: string;
  @Column('text') slug: string;
  @Column('timestamptz', { default: () => 'now()' }) created_at: Date;
}

/** A named pub/sub channel of a tenant; public ones are readable by anyone who knows the public path. */
@Entity({ name: 'topics' })
export class Topic {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('text') name: string;
  @Column('text') visibility: TopicVisibility;
  @Column('text', { nullable: true }) description: string | null;
  @Column('text') created_by: string;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}

/** A credential for one topic (read, write or both); only the SHA-256 of the token is kept. */
@Entity({ name: 'topic_access_tokens' })
export class TopicAccessToken {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('uuid') topic_id: string;
  @Column('text') name: string;
  @Column('text') token_hash: string;
  @Column('text') token_prefix: string;
  @Column('text') access_level: TopicAccessLevel;
  /** The creator's plan when the token was made: a token's publishes count against that tier's limit. */
  @Column('text') plan_tier: string;
  @Column('timestamptz', { nullable: true }) expires_at: Date | null;
  @Column('timestamptz', { nullable: true }) last_used_at: Date | null;
  @Column('text') created_by: string;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
}

/** One published message (kept TOPIC_RETENTION). `seq` orders a topic's messages and is the stream's resume point. */
@Entity({ name: 'topic_messages' })
export class TopicMessage {
  @PrimaryColumn({ type: 'bigint', generatedIdentity: 'ALWAYS', generated: 'identity' }) seq: string;
  @Column('text') id: string;
  @Column('uuid') tenant_id: string;
  @Column('uuid') topic_id: string;
  @Column('timestamptz') time: Date;
  @Column('timestamptz') expires_at: Date;
  @Column('text') message: string;
  @Column('text', { nullable: true }) title: string | null;
  @Column('smallint') priority: number;
  @Column('text', { array: true }) tags: string[];
  @Column('text', { nullable: true }) click: string | null;
  @Column('jsonb', { nullable: true }) actions: unknown[] | null;
}

/** The channels a topic can forward to, in the order the API lists them. */
export const TOPIC_SUBSCRIPTION_CHANNELS = ['email', 'webhook', 'push', 'sms'] as const satisfies readonly Channel[];
export type TopicSubscriptionChannel = (typeof TOPIC_SUBSCRIPTION_CHANNELS)[number];

/** A recipient every message of the topic is forwarded to, by another channel (through the delivery pipeline). */
@Entity({ name: 'topic_subscriptions' })
export class TopicSubscription {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('uuid') topic_id: string;
  @Column('text') channel: TopicSubscriptionChannel;
  @Column('jsonb') recipient: Record<string, string>;
  @Column('text') created_by: string;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
}
