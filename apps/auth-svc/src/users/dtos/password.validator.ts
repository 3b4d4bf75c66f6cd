import { applyDecorators } from '@nestjs/common';
import { IsString, MinLength, ValidateBy } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt ignores everything after 72 bytes; longer passwords are refused rather than silently truncated. */
export const PASSWORD_MAX_BYTES = 72;

export function IsPassword() {
  return applyDecorators(
    IsString(),
    MinLength(PASSWORD_MIN_LENGTH, { message: `$property must be at least ${PASSWORD_MIN_LENGTH} characters` }),
    ValidateBy({
      name: 'maxBytes',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= PASSWORD_MAX_BYTES,
        defaultMessage: () => `$property must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt's limit)`,
      },
    }),
  );
}
