import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://example.com/hooks/notify', description: 'http(s); private and metadata addresses are refused' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ example: 'Order events' }) @IsOptional() @IsString() @MaxLength(500) description?: string;
}

export class RotateWebhookSecretDto {
  @ApiPropertyOptional({ description: 'Seconds the old secret keeps signing beside the new one (0 to 86400)', default: 86400 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  overlapSeconds?: number;
}
