/**
 * Names of database objects the contacts repository relies on, created by migration
 * 1796000000010-notify-contacts (which keeps its own copy of each literal: a migration is frozen, so
 * changing one of these needs a new migration that renames or rebuilds the object).
 */

/** Unique constraint names, mapped back to request fields by the contacts repository (a duplicate is 409 naming the field). */
export const CONTACT_UNIQUE = {
  externalId: 'contacts_tenant_external_id_key',
  email: 'contacts_tenant_email_key',
  phone: 'contacts_tenant_phone_key',
  groupName: 'contact_groups_tenant_name_key',
} as const;

/**
 * The text `q` searches: the query must use the exact expression of the trigram index so the index
 * serves it. The newline separator keeps a match from spanning two fields.
 */
export const CONTACT_SEARCH_EXPR = `lower(coalesce(name, '') || chr(10) || coalesce(email, '') || chr(10) || coalesce(phone, ''))`;
