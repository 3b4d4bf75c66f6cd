import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ALL_SCOPES, type Scope } from '#common';
import { FieldAlias } from '../../validation/field-alias.decorator.js';
import type { ApiKey } from '../api-key.entity.js';

export const MAX_ROTATION_OVERLAP_SECONDS = 24 * 3600;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Production server', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({
    enum: ALL_SCOPES,
    isArray: true,
    description: 'What the key may do; never more than your roles allow. Default: notifications:send, notifications:read',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ALL_SCOPES.length)
  @IsIn(ALL_SCOPES, { each: true })
  scopes?: Scope[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2027-01-01T00:00:00Z',
    description: 'ISO 8601; must be in the future. Omit, or null, for a key that does not expire. Also accepted as `expires_at`',
  })
  @FieldAlias('expires_at', {
    refuseBoth: 'always',
    swagger: { type: String, nullable: true, description: 'Another spelling of `expiresAt` (Notifer’s); null: no expiry' },
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string | null;
}

export class RotateApiKeyDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_ROTATION_OVERLAP_SECONDS,
    default: 0,
    description: 'Seconds the old secret keeps working after the rotation (at most 24 h), so deployments can switch over',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ROTATION_OVERLAP_SECONDS)
  overlapSeconds?: number;
}

export class ApiKeyView {
  @ApiProperty({ example: 'k3Yb9QpXw2Lm' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ALL_SCOPES, isArray: true }) scopes: Scope[];
  @ApiProperty({ example: 'nk_k3Yb9QpXw2Lm_', description: 'The visible start of the key, to recognise it' }) prefix: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'User who created the key' }) createdBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Updated within a few seconds of each use' }) lastUsedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) rotatedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Until when the secret replaced by the last rotation still works' })
  previousSecretExpiresAt: string | null;

  static of(k: ApiKey): ApiKeyView {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: k.id,
      name: k.name,
      scopes: k.scopes,
      prefix: `nk_${k.id}_`,
      createdBy: k.createdBy,
      createdAt: k.createdAt.toISOString(),
      expiresAt: iso(k.expiresAt),
      lastUsedAt: iso(k.lastUsedAt),
      rotatedAt: iso(k.rotatedAt),
      previousSecretExpiresAt: k.previousExpiresAt && k.previousExpiresAt.getTime() > Date.now() ? k.previousExpiresAt.toISOString() : null,
    };
  }
}

export class ApiKeyWithSecretView extends ApiKeyView {
  @ApiProperty({ example: 'nk_k3Yb9QpXw2Lm_9fQ...', description: 'The key itself. Shown only in this response: store it now' })
  key: string;
}
