import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { FieldAlias } from '../../validation/field-alias.decorator.js';

export class RefreshTokenDto {
  @ApiPropertyOptional({ description: 'A refresh token from login, signup or the previous refresh. Required, as this or `refresh_token`' })
  @FieldAlias('refresh_token', {
    refuseBoth: 'always',
    swagger: { type: String, description: 'Another spelling of `refreshToken` (Notifer’s): give exactly one of them' },
  })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  refreshToken: string;
}
