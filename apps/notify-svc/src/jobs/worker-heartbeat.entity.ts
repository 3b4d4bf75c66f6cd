import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A live graphile-worker pool of some process; a pool whose beat stops has its jobs unlocked. */
@Entity({ name: 'worker_heartbeats' })
export class WorkerHeartbeat {
  @PrimaryColumn('text') pool_id: string;
  @Column('text') host: string;
  @Column('timestamptz', { default: () => 'now()' }) started_at: Date;
  @Column('timestamptz', { default: () => 'now()' }) beat_at: Date;
}
