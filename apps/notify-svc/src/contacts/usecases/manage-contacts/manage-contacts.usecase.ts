import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, isUuid, type Principal } from '#common';
import { fcmTokenProblem } from '../../../channels/push/push-validation.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import {
  checkAttributes,
  checkExternalId,
  fieldError,
  normaliseEmail,
  normaliseLocale,
  normalisePhone,
  normaliseTimezone,
} from '../../contact-fields.js';
import { ContactsRepository, type ContactRow, type ContactValues } from '../../contacts.repository.js';
import type { CreateContactDto, UpdateContactDto } from '../../dtos/contact.dto.js';
import { toContactView } from '../../dtos/contact.view.js';
import type { AudienceFilter } from '../../entities/contact.entity.js';

/** What a contacts list asks for, after ContactsQueryPipe. */
export interface ContactListQuery {
  limit?: number;
  cursor?: string;
  q?: string;
  groupId?: string;
  filter: AudienceFilter;
}

/** Create, read, edit and delete the tenant's contacts. */
@Injectable()
export class ManageContactsUseCase {
  constructor(
    private readonly contacts: ContactsRepository,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async create(p: Principal, dto: CreateContactDto) {
    const id = randomUUID();
    const values = this.values(id, dto, null);
    if (!values.external_id && !values.email && !values.phone && !values.device_token_last4.length) {
      throw AppException.validation('A contact needs an externalId, email, phone or deviceTokens', [
        { field: 'body', messages: ['give at least one of externalId, email, phone, deviceTokens'] },
      ]);
    }
    return toContactView(await this.contacts.tenant(p.tenantId!, (tx) => this.contacts.insert(tx, id, values, actorOf(p))));
  }

  async update(p: Principal, id: string, dto: UpdateContactDto) {
    if (!Object.values(dto).some((v) => v !== undefined)) {
      throw AppException.validation('Nothing to change', [{ field: 'body', messages: ['give at least one field'] }]);
    }
    if (!isUuid(id)) throw AppException.notFound('Contact');
    return toContactView(
      await this.contacts.tenant(p.tenantId!, async (tx) => {
        const current = await this.contacts.find(tx, id, true);
        if (!current) throw AppException.notFound('Contact');
        return this.contacts.update(tx, id, this.values(id, dto, current));
      }),
    );
  }

  async remove(p: Principal, id: string): Promise<{ deleted: true }> {
    const gone = isUuid(id) && (await this.contacts.tenant(p.tenantId!, (tx) => this.contacts.remove(tx, id)));
    if (!gone) throw AppException.notFound('Contact');
    return { deleted: true };
  }

  async get(p: Principal, id: string) {
    const row = isUuid(id) ? await this.contacts.tenant(p.tenantId!, (tx) => this.contacts.find(tx, id), true) : undefined;
    if (!row) throw AppException.notFound('Contact');
    return toContactView(row);
  }

  async list(p: Principal, q: ContactListQuery) {
    return this.contacts.tenant(
      p.tenantId!,
      async (tx) => {
        const group = q.groupId ? await this.contacts.findGroup(tx, q.groupId) : undefined;
        if (q.groupId && !group) throw AppException.notFound('Group');
        const filter = Object.keys(q.filter).length ? q.filter : undefined;
        return (await this.contacts.list(tx, { q: q.q, filter, group }, q.limit ?? DEFAULT_PAGE_LIMIT, q.cursor)).map(toContactView);
      },
      true,
    );
  }

  /**
   * The stored columns: the request's fields normalised over the current row (absent = kept,
   * null = cleared). Attributes are a JSON merge patch (RFC 7386, top level): a key set to null
   * is removed.
   */
  private values(id: string, dto: CreateContactDto, current: ContactRow | null): ContactValues {
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
