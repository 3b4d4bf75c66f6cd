import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A dynamic group's filter (validated by contacts/audience.ts; evaluated at send time). */
export interface AudienceFilter {
  attributes?: Record<string, AttributeValue | AttributeValue[]>;
  locale?: string | string[];
  timezone?: string | string[];
}
export type AttributeValue = string | number | boolean;

/** One person a tenant can message (migration 1796000000010). */
@Entity({ name: 'contacts' })
export class Contact {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('text', { nullable: true }) external_id: string | null;
  @Column('text', { nullable: true }) name: string | null;
  /** Lowercased. */
  @Column('text', { nullable: true }) email: string | null;
  /** E.164. */
  @Column('text', { nullable: true }) phone: string | null;
  /** SecretBox of the JSON array of FCM tokens, bound to the contact id; never returned. */
  @Column('text', { nullable: true }) device_tokens_enc: string | null;
  @Column('text', { array: true, default: () => "'{}'" }) device_token_last4: string[];
  @Column('text', { nullable: true }) locale: string | null;
  @Column('text', { nullable: true }) timezone: string | null;
  @Column('jsonb', { default: () => "'{}'::jsonb" }) attributes: Record<string, unknown>;
  @Column('text', { nullable: true }) created_by: string | null;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}

export const GROUP_KINDS = ['static', 'dynamic'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

@Entity({ name: 'contact_groups' })
export class ContactGroup {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('text') name: string;
  @Column('text', { nullable: true }) description: string | null;
  @Column('text') kind: GroupKind;
  /** Dynamic groups only. */
  @Column('jsonb', { nullable: true }) filter: AudienceFilter | null;
  @Column('text', { nullable: true }) created_by: string | null;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}

/** Membership of a static group. */
@Entity({ name: 'contact_group_members' })
export class ContactGroupMember {
  @PrimaryColumn('uuid') group_id: string;
  @PrimaryColumn('uuid') contact_id: string;
  @Column('uuid') tenant_id: string;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) added_at: Date;
}

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** A CSV import's progress and per-row report (at most IMPORT_ERRORS_KEPT errors stored). */
@Entity({ name: 'contact_imports' })
export class ContactImport {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('text') status: ImportStatus;
  /** The uploaded CSV until the job has processed it. */
  @Column('text', { nullable: true }) source: string | null;
  @Column('text', { array: true }) columns: string[];
  @Column('int') total_rows: number;
  @Column('int') processed_rows: number;
  @Column('int') created_count: number;
  @Column('int') updated_count: number;
  @Column('int') unchanged_count: number;
  @Column('int') failed_count: number;
  @Column('jsonb') errors: Array<{ row: number; field?: string; error: string }>;
  @Column('boolean') errors_truncated: boolean;
  @Column('text', { nullable: true }) created_by: string | null;
  @Column('timestamptz') created_at: Date;
  @Column('timestamptz') updated_at: Date;
  @Column('timestamptz', { nullable: true }) finished_at: Date | null;
}

export const IMPORT_ERRORS_KEPT = 1000;
