import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An item of a user's in-app inbox. */
@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('uuid') user_id: string;
  @Column('uuid', { nullable: true }) delivery_id: string | null;
  @Column('text', { nullable: true }) title: string | null;
  @Column('text') body: string;
  @Column('jsonb', { nullable: true }) data: unknown;
  @Column('text', { nullable: true }) category: string | null;
  @Column('timestamptz', { nullable: true }) read_at: Date | null;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
}
