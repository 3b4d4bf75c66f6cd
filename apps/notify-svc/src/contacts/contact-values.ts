import { Inject, Injectable } from '@nestjs/common';
import { fcmTokenProblem } from '../channels/push/push-validation.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { SECRET_CIPHER, type SecretCipher } from '../crypto/secret-cipher.js';
import {
  checkAttributes,
  checkExternalId,
  fieldError,
  normaliseEmail,
  normaliseLocale,
  normalisePhone,
  normaliseTimezone,
} from './contact-fields.js';
import type { ContactRow, ContactValues } from './contacts.repository.js';
import type { CreateContactDto } from './dtos/contact.dto.js';

/**
 * The stored columns: the request's fields normalised over the current row (absent = kept,
 * null = cleared). Attributes are a JSON merge patch (RFC 7386, top level): a key set to null
 * is removed. Device tokens are stored encrypted (bound to the contact id), with their last four characters.
 */
@Injectable()
export class ContactInput {
  constructor(
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  values(id: string, dto: CreateContactDto, current: ContactRow | null): ContactValues {
    const pick = <T, R>(v: T | null | undefined, keep: R | null, fn: (v: T) => R): R | null =>
      v === undefined ? keep : v === null ? null : fn(v);
    let attributes = current?.attributes ?? {};
    if (dto.attributes === null) attributes = {};
    else if (dto.attributes !== undefined) {
      const given = checkAttributes(dto.attributes);
      attributes = current ? checkAttributes(mergePatch(attributes, given)) : given;
    }
    let device_tokens_enc = current?.device_tokens_enc ?? null;
    let device_token_last4 = current?.device_token_last4 ?? [];
    if (dto.deviceTokens !== undefined) {
      const tokens = [...new Set(dto.deviceTokens ?? [])];
      tokens.forEach((t, i) => {
        const problem = fcmTokenProblem(t);
        if (problem) throw fieldError(`deviceTokens.${i}`, problem);
      });
      device_tokens_enc = tokens.length ? this.cipher.encrypt(JSON.stringify(tokens), id) : null;
      device_token_last4 = tokens.map((t) => t.slice(-4));
    }
    return {
      external_id: pick(dto.externalId, current?.external_id ?? null, (v) => checkExternalId(v)),
      name: pick(dto.name, current?.name ?? null, (v) => v.trim() || null),
      email: pick(dto.email, current?.email ?? null, normaliseEmail),
      phone: pick(dto.phone, current?.phone ?? null, (v) => normalisePhone(v, this.config.SMS_DEFAULT_REGION)),
      locale: pick(dto.locale, current?.locale ?? null, (v) => normaliseLocale(v)),
      timezone: pick(dto.timezone, current?.timezone ?? null, (v) => normaliseTimezone(v)),
      attributes,
      device_tokens_enc,
      device_token_last4,
    };
  }
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  // Keys are checked (no __proto__); entries rebuilt with Object.fromEntries define own properties.
  const patched = new Map(Object.entries(target));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) patched.delete(k);
    else patched.set(k, v);
  }
  return Object.fromEntries(patched);
}
