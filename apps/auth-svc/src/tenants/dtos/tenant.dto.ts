import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_PLAN_TIERS, type PlanTier } from '#common';
import { countryOf } from '../country.policy.js';
import type { Tenant } from '../tenant.entity.js';

export class CountryDto {
  @ApiProperty({ example: 'KE', description: 'ISO 3166-1 alpha-2' }) code: string;
  @ApiProperty({ example: 'KEN', description: 'ISO 3166-1 alpha-3' }) alpha3: string;
  @ApiProperty({ example: 'Kenya' }) name: string;
}

export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: "Ada's Organization" }) name: string;
  @ApiProperty({ enum: ALL_PLAN_TIERS }) planTier: PlanTier;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Technology' }) sector: string | null;
  @ApiPropertyOptional({ type: CountryDto, nullable: true, description: 'Country of operation' }) country: CountryDto | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;

  static from(t: Tenant): TenantDto {
    return {
      id: t.id,
      name: t.name,
      planTier: t.planTier,
      sector: t.sector,
      country: (t.countryCode && countryOf(t.countryCode)) || null,
      createdAt: t.createdAt,
    };
  }
}
