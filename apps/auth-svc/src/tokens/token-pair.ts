import { ApiProperty } from '@nestjs/swagger';

export class TokenPairDto {
  @ApiProperty({ description: 'RS256 access token (typ at+jwt)' })
  accessToken: string;

  @ApiProperty({ description: 'RS256 refresh token (typ refresh+jwt), single use' })
  refreshToken: string;

  @ApiProperty({ description: 'Access token lifetime in seconds (exp - iat)', example: 900 })
  expiresIn: number;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';
}

export type TokenPair = TokenPairDto;
