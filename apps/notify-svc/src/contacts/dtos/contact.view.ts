import { toIsoTimestamp, type IsoDates } from '#common';
import type { ContactRow, GroupRow } from '../contacts.repository.js';

/** A contact as the API shows it: device tokens only as their last four characters. */
export function toContactView(r: ContactRow | IsoDates<ContactRow>) {
  return {
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    pushDevices: r.device_token_last4.map((last4) => ({ last4 })),
    locale: r.locale,
    timezone: r.timezone,
    attributes: r.attributes,
    createdAt: toIsoTimestamp(r.created_at)!,
    updatedAt: toIsoTimestamp(r.updated_at)!,
  };
}

export function toGroupView(r: GroupRow | IsoDates<GroupRow>, extra: { memberCount?: number } = {}) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    filter: r.filter,
    createdAt: toIsoTimestamp(r.created_at)!,
    updatedAt: toIsoTimestamp(r.updated_at)!,
    ...extra,
  };
}
