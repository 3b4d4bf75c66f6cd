import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '#common';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  /** Normalised (trimmed, lower case); unique across tenants because login is by email alone. */
  @Column({ type: 'text' })
  email: string;

  /** Null for accounts that only sign in through an external identity provider. */
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash: string | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ name: 'first_name', type: 'text', nullable: true })
  firstName: string | null;

  @Column({ name: 'last_name', type: 'text', nullable: true })
  lastName: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', array: true })
  roles: Role[];

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified: boolean;

  @Column({ name: 'failed_login_count', type: 'int', default: 0, select: false })
  failedLoginCount: number;

  @Column({ name: 'failed_login_window_start', type: 'timestamptz', nullable: true, select: false })
  failedLoginWindowStart: Date | null;

  @Column({ name: 'lockout_count', type: 'int', default: 0, select: false })
  lockoutCount: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true, select: false })
  lockedUntil: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true })
  passwordChangedAt: Date | null;

  /** When the user last lost access: tokens issued until then stay refused after a re-activation. */
  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true, select: false })
  deactivatedAt: Date | null;

  /** When the user's roles last changed: tokens issued until then hold only the roles the user has now. */
  @Column({ name: 'roles_changed_at', type: 'timestamptz', nullable: true, select: false })
  rolesChangedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
