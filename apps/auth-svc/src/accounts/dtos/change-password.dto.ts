import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsPassword } from '../../users/dtos/password.validator.js';

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 8, description: 'At least 8 characters, at most 72 bytes (bcrypt limit)' })
  @IsPassword()
  newPassword: string;
}

export class ChangePasswordResponseDto {
  @ApiProperty({ description: 'How many other sessions were ended' })
  sessionsEnded: number;
}
