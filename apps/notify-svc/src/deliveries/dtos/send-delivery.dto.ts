import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, type Channel } from '../../channels/channel-registry.js';
import { TEMPLATE_KEY } from '../../templates/dtos/template.dto.js';

export const PRIORITIES = ['low', 'normal', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const CATEGORY_KEY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export class RecipientDto {
  @ApiPropertyOptional({ description: 'Ties the delivery to a user: their preferences, inbox and own view', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ example: 'ada@example.com' }) @IsOptional() @IsEmail() @MaxLength(320) email?: string;

  @ApiPropertyOptional({
    example: '+14155552671',
    description:
      'sms / whatsapp: an international number (E.164; spaces, dashes and brackets allowed), or a national one when SMS_DEFAULT_REGION is set; validated and stored in E.164',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(4096) deviceToken?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'webhook: a registered endpoint (POST /webhook-endpoints)' })
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @ApiPropertyOptional({ example: 'https://example.com/hooks/notify', description: 'webhook: the URL of a registered endpoint' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A contact (POST /contacts): its address for the channel is used' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ maxLength: 255, description: "A contact by the tenant's own id for it" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  externalId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Single send only: every contact of the group (at most the batch limit), answered like a batch',
  })
  @IsOptional()
  @IsUUID()
  groupId?: string;
}

/** Content and options shared by a single send and a batch. */
export class DeliveryContentDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel: Channel;

  @ApiPropertyOptional({ description: 'Template by key (current version)' })
  @IsOptional()
  @Matches(TEMPLATE_KEY, { message: 'templateKey must be a template key' })
  templateKey?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() templateId?: string;

  @ApiPropertyOptional({ description: 'Without a template: subject / title' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  subject?: string;

  @ApiPropertyOptional({ description: 'Without a template: the message body' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  body?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Template variables' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'marketing', description: 'Preference category' })
  @IsOptional()
  @Matches(CATEGORY_KEY, { message: 'category must be lowercase letters, digits, _ . - (max 64)' })
  category?: string;

  @ApiPropertyOptional({ description: 'Send later (ISO 8601); in the past means now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  sendAt?: string;

  @ApiPropertyOptional({ enum: PRIORITIES, default: 'normal' }) @IsOptional() @IsIn(PRIORITIES) priority?: Priority;
}

export class SendDeliveryDto extends DeliveryContentDto {
  @ApiProperty({ type: RecipientDto }) @IsObject() @ValidateNested() @Type(() => RecipientDto) to: RecipientDto;
}

export class BatchRecipientDto {
  @ApiProperty({ type: RecipientDto }) @IsObject() @ValidateNested() @Type(() => RecipientDto) to: RecipientDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Merged over the batch data for this recipient' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export const BATCH_HARD_MAX = 1000;

export class SendBatchDto extends DeliveryContentDto {
  @ApiProperty({ type: [BatchRecipientDto], maxItems: BATCH_HARD_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BATCH_HARD_MAX)
  @ValidateNested({ each: true })
  @Type(() => BatchRecipientDto)
  recipients: BatchRecipientDto[];
}
