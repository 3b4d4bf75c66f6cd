import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An address of a channel that is never sent to in this tenant. */
@Entity({ name: 'suppressions' })
export class Suppression {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('text') channel: string;
  @Column('text') address: string;
  @Column('text') reason: string;
  @Column('uuid', { nullable: true }) user_id: string | null;
  @Column('text') created_by: string;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
}
