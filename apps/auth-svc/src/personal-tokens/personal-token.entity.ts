import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '#common';

@Entity('personal_tokens')
export class PersonalToken {
  /** The public id inside `pat_<id>_<secret>`. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  name: string;

  /** A subset of the user's roles chosen at creation; null acts with all of the user's roles. */
  @Column({ type: 'text', array: true, nullable: true })
  roles: Role[] | null;

  @Column({ name: 'secret_hash', type: 'bytea', select: false })
  secretHash: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Set when the token was rotated: the id of its successor. */
  @Column({ name: 'replaced_by', type: 'text', nullable: true })
  replacedBy: string | null;
}
