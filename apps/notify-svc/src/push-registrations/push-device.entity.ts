import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An app install's FCM registration token, registered by its user: encrypted, found by its SHA-256. */
@Entity({ name: 'push_devices' })
export class PushDevice {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('uuid') user_id: string;
  @Column('text') token_hash: string;
  @Column('text') token_enc: string;
  @Column('text') token_last4: string;
  @Column('text', { nullable: true }) platform: string | null;
  @Column('text', { nullable: true }) name: string | null;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}
