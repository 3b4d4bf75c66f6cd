import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Exclude, Type } from 'class-transformer';
import {
  Allow,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { channelsWith, type Channel } from '../../channels/channel-registry.js';
import { LOCAL_TIME_PATTERN } from '../local-time.js';

const CATEGORY_KEY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const SCHEDULE_KINDS = ['now', 'at', 'local_time'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export class CampaignScheduleDto {
  @ApiProperty({ enum: SCHEDULE_KINDS, description: "now; at (an instant); local_time (the time in each contact's timezone)" })
  @IsIn(SCHEDULE_KINDS)
  kind: ScheduleKind;

  @ApiPropertyOptional({ description: 'kind "at": the instant (ISO 8601)' })
  @ValidateIf((s: CampaignScheduleDto) => s.kind === 'at')
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ example: '09:00', description: 'kind "local_time": HH:MM or HH:MM:SS (24 h) in each contact timezone' })
  @ValidateIf((s: CampaignScheduleDto) => s.kind === 'local_time')
  @Matches(LOCAL_TIME_PATTERN, { message: 'time must be HH:MM or HH:MM:SS (24 h)' })
  time?: string;

  @ApiPropertyOptional({ example: '2026-12-24', description: 'kind "local_time": that day (else the next occurrence of the time)' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'date must be YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'kind "local_time": the zone of contacts without one (default UTC)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  defaultTimezone?: string;
}

/** RAW_JSON_NOTE (contacts/dtos/contact.dto.ts): `audience` holds a free filter, read raw and checked by audience.ts. */
export class CreateCampaignDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;

  @ApiProperty({ enum: channelsWith('contacts') })
  @IsIn(channelsWith('contacts'), { message: `channel must be one of ${channelsWith('contacts').join(', ')}` })
  channel: Channel;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) templateKey?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() templateId?: string;

  @ApiPropertyOptional({ example: 'marketing', description: 'Preference category' })
  @IsOptional()
  @Matches(CATEGORY_KEY, { message: 'category must be lowercase letters, digits, _ . - (max 64)' })
  category?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Template variables (each contact adds `contact`)' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: '{groupIds?: uuid[], filter?: {attributes?, locale?, timezone?}}: the union of the groups and the filter',
  })
  @Exclude({ toClassOnly: true })
  @Allow()
  audience?: unknown;

  @ApiPropertyOptional({ type: CampaignScheduleDto, description: 'Default {kind: "now"}' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CampaignScheduleDto)
  schedule?: CampaignScheduleDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, description: 'At most this many deliveries per minute' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxPerMinute?: number | null;
}

export class UpdateCampaignDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) templateKey?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() templateId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CATEGORY_KEY, { message: 'category must be lowercase letters, digits, _ . - (max 64)' })
  category?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() data?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @Exclude({ toClassOnly: true })
  @Allow()
  audience?: unknown;
  @ApiPropertyOptional({ type: CampaignScheduleDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CampaignScheduleDto)
  schedule?: CampaignScheduleDto;
  @ApiPropertyOptional({ minimum: 1, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxPerMinute?: number | null;
}

export class TestAddressDto {
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(320) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) deviceToken?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() userId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() contactId?: string;
}

export class TestSendDto {
  @ApiProperty({ type: TestAddressDto, description: 'One address for the campaign channel (or a contactId)' })
  @IsObject()
  @ValidateNested()
  @Type(() => TestAddressDto)
  to: TestAddressDto;
}
