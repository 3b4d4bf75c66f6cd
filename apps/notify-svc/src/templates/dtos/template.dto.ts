import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, Min, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';

const TEXT_MAX = 100_000;

export class EmailContentDto {
  @ApiProperty({ example: 'Welcome, {{name}}' }) @IsString() @MinLength(1) @MaxLength(1000) subject: string;
  @ApiPropertyOptional({ example: 'Hello {{name}}' }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) text?: string;
  @ApiPropertyOptional({ example: '<p>Hello {{name}}</p>' }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) html?: string;
}
export class TextContentDto {
  @ApiProperty({ example: 'Your code is {{code}}' }) @IsString() @MinLength(1) @MaxLength(4000) text: string;
}
export class PushContentDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500) title: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(4000) body: string;
}
export class InAppContentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) title?: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT_MAX) body: string;
}
export class WebhookContentDto {
  @ApiProperty({ description: 'Body posted to the URL (a template; usually JSON)' })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  body: string;
}

export class TemplateChannelsDto {
  @ApiPropertyOptional({ type: EmailContentDto }) @IsOptional() @ValidateNested() @Type(() => EmailContentDto) email?: EmailContentDto;
  @ApiPropertyOptional({ type: TextContentDto }) @IsOptional() @ValidateNested() @Type(() => TextContentDto) sms?: TextContentDto;
  @ApiPropertyOptional({ type: TextContentDto }) @IsOptional() @ValidateNested() @Type(() => TextContentDto) whatsapp?: TextContentDto;
  @ApiPropertyOptional({ type: PushContentDto }) @IsOptional() @ValidateNested() @Type(() => PushContentDto) push?: PushContentDto;
  @ApiPropertyOptional({ type: InAppContentDto }) @IsOptional() @ValidateNested() @Type(() => InAppContentDto) in_app?: InAppContentDto;
  @ApiPropertyOptional({ type: WebhookContentDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookContentDto)
  webhook?: WebhookContentDto;
}

export const TEMPLATE_KEY = /^[a-z0-9][a-z0-9_.-]{0,99}$/;

export class CreateTemplateDto {
  @ApiProperty({ example: 'welcome', description: 'Unique per tenant; lowercase letters, digits, _ . -' })
  @IsString()
  @Matches(TEMPLATE_KEY, { message: 'key must be lowercase letters, digits, _ . - (max 100)' })
  key: string;

  @ApiProperty({ example: 'Welcome message' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) description?: string;

  @ApiProperty({ type: TemplateChannelsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateChannelsDto)
  channels: TemplateChannelsDto;
}

/** An edit makes a new version; fields left out keep their value, channels given replace those channels (null removes one). */
export class UpdateTemplateDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional({ type: TemplateChannelsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateChannelsDto)
  channels?: TemplateChannelsDto;
}

export const CHANNELS = ['email', 'sms', 'whatsapp', 'push', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

export class PreviewTemplateDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel: Channel;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() data?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Version to render; the current one by default' }) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class TestSendTemplateDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel: Channel;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() data?: Record<string, unknown>;
}
