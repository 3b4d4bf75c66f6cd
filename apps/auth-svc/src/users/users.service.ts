import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AppException, PlanTier, Role, paginate, type Page, type PaginationQueryDto } from '#common';
import type { RoleChange } from '#auth-kit';
import { UnitOfWork } from '../database/unit-of-work.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { User } from './user.entity.js';

export interface NewUserFields {
  email: string;
  /** Already hashed; null for accounts that sign in only through an identity provider. */
  passwordHash: string | null;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  emailVerified?: boolean;
}

/** The fields a user edits on their own profile; null clears one. */
export type ProfilePatch = Partial<Pick<User, 'name' | 'firstName' | 'lastName' | 'phone'>>;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Users and their tenants, in the open transaction when there is one. Exported for every way of
 * signing up (password, Google, team invites).
 */
@Injectable()
export class UsersService {
  constructor(private readonly uow: UnitOfWork) {}

  findByEmail(email: string): Promise<User | null> {
    return this.uow.db.repo(User).findOne({ where: { email: normaliseEmail(email) } });
  }

  /** Same, with the password hash (which is never selected by default). */
  findByEmailWithSecret(email: string): Promise<User | null> {
    return this.uow.db
      .repo(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: normaliseEmail(email) })
      .getOne();
  }

  /** A user of the tenant with the password hash. */
  findInTenantWithSecret(tenantId: string, id: string): Promise<User | null> {
    return this.uow.db
      .repo(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id AND u.tenant_id = :tenantId', { id, tenantId })
      .getOne();
  }

  findById(id: string): Promise<User | null> {
    return this.uow.db.repo(User).findOne({ where: { id } });
  }

  /** The user whose stored (normalised) email is exactly `email`; `email` is not normalised here. */
  findByExactEmail(email: string): Promise<User | null> {
    return this.uow.db.repo(User).findOne({ where: { email } });
  }

  findInTenant(tenantId: string, id: string): Promise<User | null> {
    return this.uow.db.repo(User).findOne({ where: { id, tenantId } });
  }

  /** A page of the tenant's users, oldest first. */
  listInTenant(tenantId: string, query: PaginationQueryDto): Promise<Page<User>> {
    const qb = this.uow.db.repo(User).createQueryBuilder('u').where('u.tenant_id = :tenantId', { tenantId });
    return paginate(qb, query, { sortColumn: 'u.created_at', idColumn: 'u.id', direction: 'ASC' });
  }

  /** Users who lost access after `since`, with when (seconds): for the revocation feed. */
  async deactivatedSince(since: Date): Promise<Array<{ id: string; before: number }>> {
    const rows = await this.uow.db.rows<{ id: string; before: string }>(
      `SELECT id, floor(extract(epoch FROM deactivated_at))::bigint AS before FROM users WHERE deactivated_at > $1`,
      [since],
    );
    return rows.map((r) => ({ id: r.id, before: Number(r.before) }));
  }

  /** Users whose roles changed after `since`, with when (seconds) and their roles now: for the revocation feed. */
  async rolesChangedSince(since: Date): Promise<RoleChange[]> {
    const rows = await this.uow.db.rows<{ id: string; before: string; roles: Role[] }>(
      `SELECT id, floor(extract(epoch FROM roles_changed_at))::bigint AS before, roles FROM users WHERE roles_changed_at > $1`,
      [since],
    );
    return rows.map((r) => ({ id: r.id, before: Number(r.before), roles: r.roles }));
  }

  /** Stores a new password hash (already hashed) and when it changed. */
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.uow.db.rows(`UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1`, [
      userId,
      passwordHash,
    ]);
  }

  async updateProfile(tenantId: string, id: string, patch: ProfilePatch): Promise<void> {
    await this.uow.db.repo(User).update({ id, tenantId }, patch);
  }

  async markEmailVerified(id: string): Promise<void> {
    await this.uow.db.repo(User).update({ id }, { emailVerified: true });
  }

  async recordLogin(id: string): Promise<void> {
    await this.uow.db.repo(User).update({ id }, { lastLoginAt: new Date() });
  }

  /** Active admins of the tenant other than `exceptUserId`. */
  async countOtherActiveAdmins(tenantId: string, exceptUserId: string): Promise<number> {
    const row = await this.uow.db.one<{ n: number }>(
      `SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND id <> $2 AND is_active AND 'admin' = ANY(roles)`,
      [tenantId, exceptUserId],
    );
    return row!.n;
  }

  /**
   * New roles and active flag for a user of the tenant, stamping when they lost access
   * (`deactivated`) and when their roles changed (`rolesChanged`) with the database clock.
   */
  async setRolesAndActive(
    tenantId: string,
    id: string,
    change: { roles: Role[]; isActive: boolean; deactivated: boolean; rolesChanged: boolean },
  ): Promise<void> {
    await this.uow.db.repo(User).update(
      { id, tenantId },
      {
        roles: change.roles,
        isActive: change.isActive,
        ...(change.deactivated ? { deactivatedAt: () => 'now()' } : {}),
        ...(change.rolesChanged ? { rolesChangedAt: () => 'now()' } : {}),
      },
    );
  }

  /** The database clock, in whole seconds (the unit of the revocation feed's `before`). */
  async nowSeconds(): Promise<number> {
    const row = await this.uow.db.one<{ now: string }>(`SELECT floor(extract(epoch FROM now()))::bigint AS now`);
    return Number(row!.now);
  }

  getTenant(id: string): Promise<Tenant | null> {
    return this.uow.db.repo(Tenant).findOne({ where: { id } });
  }

  getTenantOrFail(id: string): Promise<Tenant> {
    return this.uow.db.repo(Tenant).findOneOrFail({ where: { id } });
  }

  /** Locks the tenant row until the open transaction ends (serialises admin changes of one tenant). */
  async lockTenant(id: string): Promise<void> {
    await this.uow.db.rows('SELECT id FROM tenants WHERE id = $1 FOR UPDATE', [id]);
  }

  /** A new tenant (named after the company, or "{name}'s Organization") and its first user, who holds every role. */
  createTenantWithOwner(
    fields: NewUserFields & { companyName?: string | null },
    tenantFields: Partial<Pick<Tenant, 'sector' | 'countryCode'>> = {},
  ): Promise<{ user: User; tenant: Tenant }> {
    return this.uow.run(async (tx) => {
      const tenants = tx.repo(Tenant);
      const tenant = await tenants.save(
        tenants.create({ sector: null, countryCode: null, ...tenantFields, name: tenantNameFor(fields), planTier: PlanTier.Free }),
      );
      const user = await this.createInTenant(tenant.id, fields, [Role.User, Role.Organizer, Role.Admin]);
      return { user, tenant };
    });
  }

  /** Adds a user to an existing tenant. 409 when the email is taken (in any tenant). */
  async createInTenant(tenantId: string, f: NewUserFields, roles: Role[]): Promise<User> {
    const users = this.uow.db.repo(User);
    try {
      const user = await users.save(
        users.create({
          tenantId,
          email: normaliseEmail(f.email),
          passwordHash: f.passwordHash,
          name: f.name ?? null,
          firstName: f.firstName ?? null,
          lastName: f.lastName ?? null,
          phone: f.phone ?? null,
          emailVerified: f.emailVerified ?? false,
          roles: [...new Set(roles)],
          passwordChangedAt: f.passwordHash ? new Date() : null,
        }),
      );
      delete (user as Partial<User>).passwordHash;
      return user;
    } catch (err) {
      if (err instanceof QueryFailedError && (err as { driverError?: { code?: string } }).driverError?.code === '23505') {
        throw AppException.conflict('An account with this email already exists');
      }
      throw err;
    }
  }
}

function tenantNameFor(f: NewUserFields & { companyName?: string | null }): string {
  const company = f.companyName?.trim();
  if (company) return company;
  const person =
    f.name?.trim() ||
    [f.firstName, f.lastName]
      .filter((s) => s?.trim())
      .join(' ')
      .trim() ||
    normaliseEmail(f.email).split('@')[0]!;
  return `${person}'s Organization`;
}
