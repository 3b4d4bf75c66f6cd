import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { TenantDto } from '../../tenants/dtos/tenant.dto.js';
import { TokenPairDto } from '../../tokens/token-pair.js';
import { UserDto } from '../../users/dtos/user.dto.js';

export class StartGoogleSignInQueryDto {
  @ApiPropertyOptional({
    description: 'App URL to return to with the tokens in the URL fragment; must be listed in GOOGLE_REDIRECT_ALLOWLIST. Omit to get JSON',
    example: 'myapp://auth/done',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  redirect_uri?: string;
}

export class GoogleSignInResultDto extends TokenPairDto {
  @ApiProperty({
    enum: ['created', 'linked', 'signed_in'],
    description: 'New account, Google linked to an existing account, or a known Google account',
  })
  outcome: 'created' | 'linked' | 'signed_in';

  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ type: TenantDto }) tenant: TenantDto;
}
