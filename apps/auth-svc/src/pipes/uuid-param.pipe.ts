import { ParseUUIDPipe } from '@nestjs/common';
import { AppException } from '#common';

/** `:id` path parameters: anything but a UUID is a 400 VALIDATION_FAILED in the envelope. */
export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () => AppException.validation('Invalid id', [{ field: 'id', messages: ['id must be a UUID'] }]),
});
