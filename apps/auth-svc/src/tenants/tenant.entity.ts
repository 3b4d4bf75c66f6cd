import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PlanTier } from '#common';

@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'plan_tier', type: 'text', default: 'free' })
  planTier: PlanTier;

  /** Industry sector as the sign-up gave it (free text, e.g. "Technology"). */
  @Column({ type: 'text', nullable: true })
  sector: string | null;

  /** ISO 3166-1 alpha-2 country of operation; names and alpha-3 come from country.policy. */
  @Column({ name: 'country_code', type: 'char', length: 2, nullable: true })
  countryCode: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
