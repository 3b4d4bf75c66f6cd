import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One change in a delivery's life (its history): the status it entered, with detail. */
@Entity({ name: 'delivery_events' })
export class DeliveryEvent {
  @PrimaryColumn('uuid') delivery_id: string;
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('uuid') tenant_id: string;
  @Column('text') type: string;
  @Column('jsonb', { nullable: true }) detail: Record<string, unknown> | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at: Date;
}
