import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { TokenPairDto } from '../../tokens/token-pair.js';
import { UserDto } from '../../users/dtos/user.dto.js';

export class LogInDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class LogInResponseDto extends TokenPairDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
}
