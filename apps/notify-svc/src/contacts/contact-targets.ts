import { Inject, Injectable } from '@nestjs/common';
import { AppException, isUuid } from '#common';
import type { RecipientDto } from '../deliveries/dtos/send-delivery.dto.js';
import { CHANNEL_REGISTRY, type Channel } from '../channels/channel-registry.js';
import { UnitOfWork, type Tx } from '../database/unit-of-work.js';
import { SECRET_CIPHER, type SecretCipher } from '../crypto/secret-cipher.js';
import { ContactsRepository, type ContactRow } from './contacts.repository.js';

export interface SendRecipient {
  to: RecipientDto;
  data?: Record<string, unknown>;
}

const REFS = ['contactId', 'externalId', 'groupId'] as const;
const ADDRESSES = ['userId', 'email', 'phone', 'deviceToken', 'endpointId', 'url'] as const;

/**
 * The send path's view of contacts: turns `to: {contactId}`, `{externalId}` and `{groupId}` into
 * concrete recipients for the channel, before the delivery pipeline checks and stores them.
 *
 * By the channel's address kind (CHANNEL_REGISTRY):
 * - email goes to the contact's email, phone (sms, whatsapp) to its phone;
 * - push-token goes to the contact's most recently added device token, or else, when its external
 *   id is a uuid (a user id of the tenant), to that user's registered devices;
 * - user (in_app) needs an external id that is a user id; channels without `contacts` (webhooks)
 *   are not addressed through contacts;
 * - when the external id is a uuid it also becomes the delivery's userId, so that user's
 *   preferences apply.
 *
 * A single contact without an address for the channel is 422 naming the field; members of a group
 * without one are left out and counted. A group of at most `max` contacts (the batch limit)
 * expands here; a larger one is only counted (`largeGroup`) and expanded by a job.
 */
@Injectable()
export class ContactTargets {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contacts: ContactsRepository,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
  ) {}

  /** True when any recipient is addressed through contacts (nothing to resolve otherwise). */
  static involved(recipients: SendRecipient[]): boolean {
    return recipients.some((r) => REFS.some((k) => r.to[k] !== undefined));
  }

  async resolve(
    tenantId: string,
    channel: Channel,
    recipients: SendRecipient[],
    path: (i: number) => string,
    opts: { batch: boolean; max: number },
  ): Promise<{ recipients: SendRecipient[]; withoutAddress: number; groupId: string | null; largeGroup?: number }> {
    recipients.forEach((r, i) => checkShape(r.to, path(i), opts.batch));
    if (!CHANNEL_REGISTRY[channel].contacts) {
      const i = recipients.findIndex((r) => REFS.some((k) => r.to[k] !== undefined));
      throw AppException.unprocessable('Webhooks go to registered endpoints, not to contacts', [
        { field: `${path(i)}.${REFS.find((k) => recipients[i]!.to[k] !== undefined)}`, messages: ['not for the webhook channel'] },
      ]);
    }
    return this.uow.tenant(
      tenantId,
      async (tx) => {
        const group = recipients.find((r) => r.to.groupId)?.to.groupId;
        if (group) return this.expandGroup(tx, channel, group, recipients[0]!, path(0), opts.max);
        const byId = new Map((await this.contacts.byIds(tx, ids(recipients, 'contactId'))).map((c) => [c.id, c]));
        const byExt = new Map((await this.contacts.byExternalIds(tx, ids(recipients, 'externalId'))).map((c) => [c.external_id!, c]));
        const problems: Array<{ field: string; messages: string[] }> = [];
        const out = recipients.map((r, i) => {
          const ref = r.to.contactId !== undefined ? 'contactId' : r.to.externalId !== undefined ? 'externalId' : null;
          if (!ref) return r;
          const contact = ref === 'contactId' ? byId.get(r.to.contactId!.toLowerCase()) : byExt.get(r.to.externalId!);
          const field = `${path(i)}.${ref}`;
          if (!contact) {
            problems.push({ field, messages: ['no contact of this tenant has this id'] });
            return r;
          }
          const to = this.address(contact, channel);
          if (!to) problems.push({ field, messages: [`this contact has no address for ${channel}`] });
          return { ...r, to: to ?? r.to };
        });
        if (problems.length)
          throw AppException.unprocessable('Some recipients are not contacts that can be reached on this channel', problems.slice(0, 20));
        return { recipients: out, withoutAddress: 0, groupId: null };
      },
      { readOnly: true },
    );
  }

  private async expandGroup(tx: Tx, channel: Channel, groupId: string, r: SendRecipient, path: string, max: number) {
    const group = await this.contacts.findGroup(tx, groupId.toLowerCase());
    if (!group)
      throw AppException.unprocessable('No group of this tenant has this id', [{ field: `${path}.groupId`, messages: ['unknown group'] }]);
    const members = await this.contacts.audiencePage(tx, { groups: [group] }, max + 1);
    // Larger than one batch: the caller hands it to a job (SendToGroupUseCase), with the count now.
    if (members.length > max) {
      return { recipients: [], withoutAddress: 0, groupId: group.id, largeGroup: await this.contacts.count(tx, { group }) };
    }
    const recipients: SendRecipient[] = [];
    for (const c of members) {
      const to = this.address(c, channel);
      if (to) recipients.push({ to, data: r.data });
    }
    return { recipients, withoutAddress: members.length - recipients.length, groupId: group.id };
  }

  /** The contact as a recipient of `channel`, or null when it has no address for it. */
  address(c: ContactRow, channel: Channel): RecipientDto | null {
    const userId = c.external_id && isUuid(c.external_id) ? c.external_id.toLowerCase() : undefined;
    const base: RecipientDto = { contactId: c.id, ...(userId ? { userId } : {}) };
    switch (CHANNEL_REGISTRY[channel].address) {
      case 'email':
        return c.email ? { ...base, email: c.email } : null;
      case 'phone':
        return c.phone ? { ...base, phone: c.phone } : null;
      case 'push-token': {
        const tokens = c.device_tokens_enc ? (JSON.parse(this.cipher.decrypt(c.device_tokens_enc, c.id)) as string[]) : [];
        const token = tokens[tokens.length - 1];
        return token ? { ...base, deviceToken: token } : userId ? base : null;
      }
      case 'user':
        return userId ? base : null;
      case 'webhook-endpoint':
        return null;
    }
  }
}

function ids(recipients: SendRecipient[], key: 'contactId' | 'externalId'): string[] {
  return [
    ...new Set(recipients.flatMap((r) => (r.to[key] !== undefined ? [key === 'contactId' ? r.to[key]!.toLowerCase() : r.to[key]!] : []))),
  ];
}

/** One contact reference per recipient, alone; a group only in a single send. */
function checkShape(to: RecipientDto, path: string, batch: boolean): void {
  const refs = REFS.filter((k) => to[k] !== undefined);
  if (!refs.length) return;
  const bad = (field: string, message: string) => AppException.validation(`Invalid ${field}`, [{ field, messages: [message] }]);
  if (refs.length > 1) throw bad(`${path}.${refs[1]}`, `give one of ${REFS.join(', ')}`);
  const extra = ADDRESSES.find((k) => to[k] !== undefined);
  if (extra) throw bad(`${path}.${extra}`, `not allowed with ${refs[0]}: the contact gives the address`);
  if (refs[0] === 'groupId' && batch) throw bad(`${path}.groupId`, 'a group goes in POST /notify/v1/deliveries (it expands into a batch)');
}
