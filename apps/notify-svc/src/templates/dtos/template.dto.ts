import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, Min, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { CHANNEL_REGISTRY, CHANNELS, type Channel, type ChannelContent } from '../../channels/channel-registry.js';

/** A template's content per channel: `channels.<channel>` has that channel's shape (`CHANNEL_REGISTRY[channel].contentDto`). */
type ContentByChannel = { [C in Channel]?: ChannelContent<C> };
// An interface rather than the alias: like a class, it has no implicit index signature (callers iterate it as plain JSON).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TemplateChannelsDto extends ContentByChannel {}

function templateChannelsDto(): new () => TemplateChannelsDto {
  class TemplateChannelsDto {}
  for (const channel of CHANNELS) {
    const dto = CHANNEL_REGISTRY[channel].contentDto;
    // As `@ApiPropertyOptional({ type }) @IsOptional() @ValidateNested() @Type(() => dto) <channel>?: ...` would (bottom up).
    for (const decorate of [Type(() => dto), ValidateNested(), IsOptional(), ApiPropertyOptional({ type: dto })])
      decorate(TemplateChannelsDto.prototype, channel);
  }
  return TemplateChannelsDto;
}
export const TemplateChannelsDto = templateChannelsDto();

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

export class PreviewTemplateDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel: Channel;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() data?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Version to render; the current one by default' }) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class TestSendTemplateDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel: Channel;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() data?: Record<string, unknown>;
}
