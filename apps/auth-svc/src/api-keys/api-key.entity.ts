import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Scope } from '#common';

@Entity('api_keys')
export class ApiKey {
  /** The public id inside `nk_<id>_<secret>`. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', array: true })
  scopes: Scope[];

  @Column({ name: 'secret_hash', type: 'bytea', select: false })
  secretHash: Buffer;

  /** The secret before the last rotation, accepted until previousExpiresAt (the chosen overlap). */
  @Column({ name: 'previous_secret_hash', type: 'bytea', nullable: true, select: false })
  previousSecretHash: Buffer | null;

  @Column({ name: 'previous_expires_at', type: 'timestamptz', nullable: true })
  previousExpiresAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
