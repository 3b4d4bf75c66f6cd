import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class RefreshTokenDto {
  @ApiProperty({ description: 'A refresh token from login, signup or the previous refresh' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  refreshToken: string;
}
