import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class UpdatePreferencesDto {
  @ApiPropertyOptional({ example: { email: true, sms: false }, description: 'Channel on/off; a channel left out is on' })
  @IsOptional()
  @IsObject()
  channels?: Record<string, boolean>;

  @ApiPropertyOptional({
    example: { marketing: { email: false }, digest: { all: false } },
    description: 'Per category: channel (or `all`) on/off. Required categories cannot be turned off.',
  })
  @IsOptional()
  @IsObject()
  categories?: Record<string, Record<string, boolean>>;
}

export class UpsertCategoryDto {
  @ApiProperty({ description: 'A required category (e.g. security) reaches users whatever their preferences' })
  @IsBoolean()
  required: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;
}
