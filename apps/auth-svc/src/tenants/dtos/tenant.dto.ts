import { ApiProperty } from '@nestjs/swagger';
import { ALL_PLAN_TIERS, type PlanTier } from '#common';
import type { Tenant } from '../tenant.entity.js';

export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: "Ada's Organization" }) name: string;
  @ApiProperty({ enum: ALL_PLAN_TIERS }) planTier: PlanTier;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;

  static from(t: Tenant): TenantDto {
    return { id: t.id, name: t.name, planTier: t.planTier, createdAt: t.createdAt };
  }
}
