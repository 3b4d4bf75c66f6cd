import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A login session. Its id is the `sid` of its refresh tokens. Only SHA-256 hashes of the refresh
 * token ids are stored: `current` is the one live token, `previous` the one it replaced (kept for
 * the optional reuse grace period). Any other validly signed token of this session is a retired one.
 */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'current_token_hash', type: 'bytea', select: false })
  currentTokenHash: Buffer;

  @Column({ name: 'previous_token_hash', type: 'bytea', nullable: true, select: false })
  previousTokenHash: Buffer | null;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt: Date;

  /** Sliding expiry: moved forward by every refresh, never beyond absoluteExpiresAt. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'absolute_expires_at', type: 'timestamptz' })
  absoluteExpiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  /** How the session began: password, google, ... */
  @Column({ type: 'text', default: 'password' })
  method: string;
}
