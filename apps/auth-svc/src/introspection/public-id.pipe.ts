import type { PipeTransform } from '@nestjs/common';
import { AppException } from '#common';
import { PUBLIC_ID_PATTERN } from './opaque-credential.js';

/** Ids of API keys and personal tokens are 12 base62 characters; anything else cannot exist: 404. */
export class PublicIdPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!PUBLIC_ID_PATTERN.test(value)) throw AppException.notFound(this.what);
    return value;
  }
}
