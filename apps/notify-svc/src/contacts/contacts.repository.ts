import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AppException, newestFirst, type IsoDates, type Page } from '#common';
import { CONTACT_SEARCH_EXPR, CONTACT_UNIQUE } from './contact-schema.js';
import { ownRows, UnitOfWork, type Tx } from '../database/unit-of-work.js';
import { audienceWhere } from './audience.js';
import type { AudienceFilter, GroupKind } from './entities/contact.entity.js';

/** The stored columns a create or update writes (normalised by the use case). */
export interface ContactValues {
  external_id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  device_tokens_enc: string | null;
  device_token_last4: string[];
  locale: string | null;
  timezone: string | null;
  attributes: Record<string, unknown>;
}

export interface ContactRow extends ContactValues {
  id: string;
  tenant_id: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface GroupRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  kind: GroupKind;
  filter: AudienceFilter | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Who an audience is: the union of these groups' contacts and those matching `filter`. */
export interface Audience {
  groups: GroupRow[];
  filter?: AudienceFilter;
}

/**
 * An audience as one SQL condition over contacts (alias c): the union of the static groups'
 * members, the dynamic groups' filters and the filter, each through audienceWhere.
 */
function audienceSql(a: Audience, params: unknown[]): string {
  const parts: string[] = [];
  const statics = a.groups.filter((g) => g.kind === 'static').map((g) => g.id);
  if (statics.length) {
    params.push(statics);
    parts.push(
      `EXISTS (SELECT 1 FROM contact_group_members m WHERE m.tenant_id = c.tenant_id AND m.contact_id = c.id AND m.group_id = ANY($${params.length}::uuid[]))`,
    );
  }
  for (const g of a.groups.filter((x) => x.kind === 'dynamic')) parts.push(`(${audienceWhere(g.filter ?? {}, params)})`);
  if (a.filter) parts.push(`(${audienceWhere(a.filter, params)})`);
  return parts.length ? `(${parts.join(' OR ')})` : 'false';
}

/** Conditions of a contacts list (all ANDed). */
export interface ContactQuery {
  q?: string;
  filter?: AudienceFilter;
  group?: GroupRow;
}

const COLS =
  'c.id, c.tenant_id, c.external_id, c.name, c.email, c.phone, c.device_tokens_enc, c.device_token_last4, c.locale, c.timezone, c.attributes, c.created_by, c.created_at, c.updated_at';
const GROUP_COLS = 'id, tenant_id, name, description, kind, filter, created_by, created_at, updated_at';

/** Which request field a unique violation is about (the constraint names of migration 1796000000010). */
const UNIQUE_FIELD: Record<string, string> = {
  [CONTACT_UNIQUE.externalId]: 'externalId',
  [CONTACT_UNIQUE.email]: 'email',
  [CONTACT_UNIQUE.phone]: 'phone',
  [CONTACT_UNIQUE.groupName]: 'name',
};

/** A duplicate external id, email, phone or group name: 409 naming the field. */
export function uniqueConflict(err: unknown): unknown {
  const constraint = err instanceof QueryFailedError ? (err.driverError as { code?: string; constraint?: string }) : undefined;
  const field = constraint?.code === '23505' && constraint.constraint ? UNIQUE_FIELD[constraint.constraint] : undefined;
  if (!field) return err;
  const what = constraint!.constraint === CONTACT_UNIQUE.groupName ? 'A group with this name' : `A contact with this ${field}`;
  return AppException.conflict(`${what} already exists`, [{ field, messages: ['already in use in this tenant'] }]);
}

/** `%text%` for LIKE, with the pattern characters of the input escaped (ESCAPE '\'). */
export function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/**
 * Contacts and groups of one tenant. Every statement filters by the tenant of the transaction it
 * runs in (and row-level security enforces it); membership rows reference (tenant_id, id) pairs.
 */
@Injectable()
export class ContactsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  tenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, readOnly = false): Promise<T> {
    return this.uow.tenant(
      tenantId,
      async (tx) => {
        try {
          return await fn(tx);
        } catch (err) {
          throw uniqueConflict(err);
        }
      },
      { readOnly },
    );
  }

  async insert(tx: Tx, id: string, v: ContactValues, by: string): Promise<ContactRow> {
    return (await tx.one<ContactRow>(
      `INSERT INTO contacts AS c (id, tenant_id, external_id, name, email, phone, device_tokens_enc, device_token_last4, locale, timezone, attributes, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLS}`,
      [
        id,
        tx.tenantId,
        v.external_id,
        v.name,
        v.email,
        v.phone,
        v.device_tokens_enc,
        v.device_token_last4,
        v.locale,
        v.timezone,
        JSON.stringify(v.attributes),
        by,
      ],
    ))!;
  }

  async update(tx: Tx, id: string, v: ContactValues): Promise<ContactRow> {
    return (await tx.one<ContactRow>(
      `UPDATE contacts AS c SET external_id = $3, name = $4, email = $5, phone = $6, device_tokens_enc = $7, device_token_last4 = $8,
         locale = $9, timezone = $10, attributes = $11, updated_at = now()
       WHERE c.tenant_id = $1 AND c.id = $2 RETURNING ${COLS}`,
      [
        tx.tenantId,
        id,
        v.external_id,
        v.name,
        v.email,
        v.phone,
        v.device_tokens_enc,
        v.device_token_last4,
        v.locale,
        v.timezone,
        JSON.stringify(v.attributes),
      ],
    ))!;
  }

  find(tx: Tx, id: string, forUpdate = false): Promise<ContactRow | undefined> {
    return tx.one<ContactRow>(`SELECT ${COLS} FROM contacts c WHERE c.tenant_id = $1 AND c.id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [
      tx.tenantId,
      id,
    ]);
  }

  async remove(tx: Tx, id: string): Promise<boolean> {
    return (await tx.exec('DELETE FROM contacts WHERE tenant_id = $1 AND id = $2', [tx.tenantId, id])) > 0;
  }

  byIds(tx: Tx, ids: string[]): Promise<ContactRow[]> {
    return tx.rows<ContactRow>(`SELECT ${COLS} FROM contacts c WHERE c.tenant_id = $1 AND c.id = ANY($2::uuid[])`, [tx.tenantId, ids]);
  }

  byExternalIds(tx: Tx, ids: string[]): Promise<ContactRow[]> {
    return tx.rows<ContactRow>(`SELECT ${COLS} FROM contacts c WHERE c.tenant_id = $1 AND c.external_id = ANY($2::text[])`, [
      tx.tenantId,
      ids,
    ]);
  }

  /** The SQL condition (alias c) for a list query; values bound into `params` ($1 is the tenant). */
  private where(query: ContactQuery, params: unknown[]): string {
    const parts = ['c.tenant_id = $1'];
    if (query.q) {
      params.push(likeContains(query.q));
      parts.push(`${CONTACT_SEARCH_EXPR.replace(/\b(name|email|phone)\b/g, 'c.$1')} LIKE $${params.length} ESCAPE '\\'`);
    }
    if (query.filter) parts.push(audienceWhere(query.filter, params));
    if (query.group) {
      if (query.group.kind === 'static') {
        params.push(query.group.id);
        parts.push(`EXISTS (SELECT 1 FROM contact_group_members m WHERE m.group_id = $${params.length} AND m.contact_id = c.id)`);
      } else {
        parts.push(audienceWhere(query.group.filter ?? {}, params));
      }
    }
    return parts.join(' AND ');
  }

  list(tx: Tx, query: ContactQuery, limit: number, cursor?: string): Promise<Page<IsoDates<ContactRow>>> {
    const params: unknown[] = [tx.tenantId];
    const where = this.where(query, params);
    return newestFirst<ContactRow>(tx, { from: 'contacts c', alias: 'c', cols: COLS, where, params, limit, cursor });
  }

  /**
   * THE audience expansion of notify-svc (group sends, large group sends' jobs, campaigns): the
   * contacts of an audience — the union of groups (static members, dynamic filters) and an optional
   * filter — in id order after `afterId`, at most `limit`. Keyset by id: a job stores the last id as
   * its cursor and resumes after it, so no contact is taken twice.
   */
  audiencePage(tx: Tx, audience: Audience, limit: number, afterId: string | null = null): Promise<ContactRow[]> {
    const params: unknown[] = [tx.tenantId];
    const where = audienceSql(audience, params);
    params.push(afterId, limit);
    return tx.rows<ContactRow>(
      `SELECT ${COLS} FROM contacts c WHERE c.tenant_id = $1 AND ${where}
         AND ($${params.length - 1}::uuid IS NULL OR c.id > $${params.length - 1}::uuid)
       ORDER BY c.id LIMIT $${params.length}`,
      params,
    );
  }

  async count(tx: Tx, query: ContactQuery): Promise<number> {
    const params: unknown[] = [tx.tenantId];
    const row = await tx.one<{ n: string }>(`SELECT count(*) AS n FROM contacts c WHERE ${this.where(query, params)}`, params);
    return Number(row?.n ?? 0);
  }

  // ---- groups

  async insertGroup(tx: Tx, g: { name: string; description: string | null; kind: GroupKind; filter: AudienceFilter | null }, by: string) {
    return (await tx.one<GroupRow>(
      `INSERT INTO contact_groups (tenant_id, name, description, kind, filter, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${GROUP_COLS}`,
      [tx.tenantId, g.name, g.description, g.kind, g.filter ? JSON.stringify(g.filter) : null, by],
    ))!;
  }

  updateGroup(tx: Tx, id: string, g: { name: string; description: string | null; filter: AudienceFilter | null }) {
    return tx.one<GroupRow>(
      `UPDATE contact_groups SET name = $3, description = $4, filter = $5, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING ${GROUP_COLS}`,
      [tx.tenantId, id, g.name, g.description, g.filter ? JSON.stringify(g.filter) : null],
    );
  }

  findGroup(tx: Tx, id: string, forUpdate = false): Promise<GroupRow | undefined> {
    return tx.one<GroupRow>(`SELECT ${GROUP_COLS} FROM contact_groups WHERE tenant_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [
      tx.tenantId,
      id,
    ]);
  }

  async removeGroup(tx: Tx, id: string): Promise<boolean> {
    return (await tx.exec('DELETE FROM contact_groups WHERE tenant_id = $1 AND id = $2', [tx.tenantId, id])) > 0;
  }

  listGroups(tx: Tx, limit: number, cursor?: string): Promise<Page<IsoDates<GroupRow>>> {
    return newestFirst<GroupRow>(tx, { from: 'contact_groups', cols: GROUP_COLS, ...ownRows(tx), limit, cursor });
  }

  /** Adds the tenant's contacts among `ids` to a static group; returns the ids added and the ids that are no contact here. */
  async addMembers(tx: Tx, groupId: string, ids: string[]): Promise<{ added: string[]; unknown: string[] }> {
    const known = new Set(
      (await tx.rows<{ id: string }>('SELECT id FROM contacts WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tx.tenantId, ids])).map(
        (r) => r.id,
      ),
    );
    const added = await tx.rows<{ contact_id: string }>(
      `INSERT INTO contact_group_members (tenant_id, group_id, contact_id) SELECT $1, $2, unnest($3::uuid[])
       ON CONFLICT (group_id, contact_id) DO NOTHING RETURNING contact_id`,
      [tx.tenantId, groupId, [...known]],
    );
    return { added: added.map((r) => r.contact_id), unknown: ids.filter((id) => !known.has(id)) };
  }

  async removeMembers(tx: Tx, groupId: string, ids: string[]): Promise<string[]> {
    const rows = await tx.rows<{ contact_id: string }>(
      'DELETE FROM contact_group_members WHERE tenant_id = $1 AND group_id = $2 AND contact_id = ANY($3::uuid[]) RETURNING contact_id',
      [tx.tenantId, groupId, ids],
    );
    return rows.map((r) => r.contact_id);
  }

  /** The contacts having any of these external ids, emails or phones (the import's matching). */
  byKeys(tx: Tx, k: { externalIds: string[]; emails: string[]; phones: string[] }): Promise<ContactRow[]> {
    return tx.rows<ContactRow>(
      `SELECT c.* FROM contacts c WHERE c.tenant_id = $1 AND (c.external_id = ANY($2::text[]) OR c.email = ANY($3::text[]) OR c.phone = ANY($4::text[]))`,
      [tx.tenantId, k.externalIds, k.emails, k.phones],
    );
  }

  /** New contacts of an import, in one statement (created by `import`; no device tokens). */
  async insertImported(tx: Tx, rows: ContactRow[]): Promise<void> {
    await tx.exec(
      `INSERT INTO contacts (id, tenant_id, external_id, name, email, phone, locale, timezone, attributes, created_by)
       SELECT u.id, $1, u.external_id, u.name, u.email, u.phone, u.locale, u.timezone, u.attributes::jsonb, 'import'
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS u(id, external_id, name, email, phone, locale, timezone, attributes)`,
      [
        tx.tenantId,
        rows.map((r) => r.id),
        rows.map((r) => r.external_id),
        rows.map((r) => r.name),
        rows.map((r) => r.email),
        rows.map((r) => r.phone),
        rows.map((r) => r.locale),
        rows.map((r) => r.timezone),
        rows.map((r) => JSON.stringify(r.attributes)),
      ],
    );
  }
}
