import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsPhoneNumber, IsString, IsUrl, Matches, MaxLength } from 'class-validator';

const BASE_URL_DOC = 'Another API base URL (a compatible provider); https, and it must not point at a private address';
const isBaseUrl = () => IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false });

/** PUT /notify/v1/providers/twilio: a Twilio account (SMS and WhatsApp). */
export class TwilioAccountDto {
  @ApiProperty({ example: 'AC0123456789abcdef0123456789abcdef' })
  @Matches(/^AC[0-9a-f]{32}$/, { message: 'accountSid must be AC followed by 32 lowercase hex characters' })
  accountSid: string;

  @ApiProperty({ description: 'Never returned: only its last 4 characters', writeOnly: true })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  authToken: string;

  @ApiPropertyOptional({ example: '+15005550006', description: 'Sender number for SMS (E.164)' })
  @IsOptional()
  @IsPhoneNumber(undefined)
  @Matches(/^\+/, { message: 'from must be an E.164 number' })
  from?: string;

  @ApiPropertyOptional({ example: '+14155238886', description: 'Sender number for WhatsApp (E.164, without the whatsapp: prefix)' })
  @IsOptional()
  @IsPhoneNumber(undefined)
  @Matches(/^\+/, { message: 'whatsappFrom must be an E.164 number' })
  whatsappFrom?: string;

  @ApiPropertyOptional({ example: 'MG0123456789abcdef0123456789abcdef' })
  @IsOptional()
  @Matches(/^MG[0-9a-f]{32}$/, { message: 'messagingServiceSid must be MG followed by 32 lowercase hex characters' })
  messagingServiceSid?: string;

  @ApiPropertyOptional({ example: 'https://api.twilio.com', description: BASE_URL_DOC })
  @IsOptional()
  @isBaseUrl()
  @MaxLength(2048)
  baseUrl?: string;
}

/** PUT /notify/v1/providers/meta: a Meta WhatsApp Cloud API account. */
export class MetaAccountDto {
  @ApiProperty({ description: 'System-user access token; never returned, only its last 4 characters', writeOnly: true })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  accessToken: string;

  @ApiProperty({ example: '106540352242922', description: 'The WhatsApp Business phone number id that sends' })
  @Matches(/^\d{5,30}$/, { message: 'phoneNumberId must be the numeric id of the sending phone number' })
  phoneNumberId: string;

  @ApiPropertyOptional({ description: 'App secret (signs the receipts Meta posts back); never returned', writeOnly: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  appSecret?: string;

  @ApiPropertyOptional({ example: 'https://graph.facebook.com', description: BASE_URL_DOC })
  @IsOptional()
  @isBaseUrl()
  @MaxLength(2048)
  baseUrl?: string;
}

/** POST /notify/v1/providers/:provider/test */
export class TestProviderAccountDto {
  @ApiProperty({ example: '+15005550006', description: 'Recipient number, E.164' })
  @IsPhoneNumber(undefined)
  @Matches(/^\+/, { message: 'to must be an E.164 number' })
  to: string;

  @ApiPropertyOptional({ enum: ['sms', 'whatsapp'], description: "Default: the provider's first channel (twilio: sms, meta: whatsapp)" })
  @IsOptional()
  @IsIn(['sms', 'whatsapp'])
  channel?: 'sms' | 'whatsapp';
}
