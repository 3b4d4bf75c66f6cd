import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RotationResultDto {
  @ApiProperty({ description: 'kid of the new active key' }) kid: string;
  @ApiPropertyOptional({ nullable: true, description: 'kid of the key it replaced' }) retiredKid: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'When the replaced key leaves the JWKS' })
  retiredKeyPublishedUntil: string | null;
}
