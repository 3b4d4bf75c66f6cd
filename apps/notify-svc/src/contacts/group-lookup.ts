import { AppException, isUuid, type Principal } from '#common';
import type { Tx } from '../database/unit-of-work.js';
import type { ContactsRepository, GroupRow } from './contacts.repository.js';

/** The tenant's group (locked with forUpdate); 404 otherwise. */
export async function loadGroup(contacts: ContactsRepository, tx: Tx, id: string, forUpdate = false): Promise<GroupRow> {
  const g = isUuid(id) ? await contacts.findGroup(tx, id, forUpdate) : undefined;
  if (!g) throw AppException.notFound('Group');
  return g;
}

/** A static group, locked, for a membership change: a dynamic group is 409 (its filter decides its members). */
async function loadStaticGroup(contacts: ContactsRepository, tx: Tx, id: string): Promise<GroupRow> {
  const g = await loadGroup(contacts, tx, id, true);
  if (g.kind !== 'static') {
    throw AppException.conflict('A dynamic group has no members to add or remove: its filter decides', [
      { field: 'kind', messages: ['membership calls need a static group'] },
    ]);
  }
  return g;
}

/**
 * A membership call: in a tenant transaction, the static group locked (404, 409 for a dynamic
 * one), then `change` with the distinct contact ids given, lowercased.
 */
export function changeMembers<T>(
  contacts: ContactsRepository,
  p: Principal,
  groupId: string,
  contactIds: string[],
  change: (tx: Tx, ids: string[]) => Promise<T>,
): Promise<T> {
  const ids = [...new Set(contactIds.map((c) => c.toLowerCase()))];
  return contacts.tenant(p.tenantId!, async (tx) => {
    await loadStaticGroup(contacts, tx, groupId);
    return change(tx, ids);
  });
}
