import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A Google account (its stable `sub`) linked to a local user. */
@Entity('google_identities')
export class GoogleIdentity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text', unique: true })
  subject: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'last_login_at', type: 'timestamptz', default: () => 'now()' })
  lastLoginAt: Date;
}
