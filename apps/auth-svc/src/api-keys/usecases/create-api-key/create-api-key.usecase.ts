import { Injectable } from '@nestjs/common';
import { AppException, type Principal, type Scope } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { mintCredential } from '../../../introspection/opaque-credential.js';
import { assertCanGrant, DEFAULT_API_KEY_SCOPES, grantableScopes } from '../../api-key-scopes.js';
import { ApiKeyStore } from '../../api-key.store.js';
import { ApiKeyView, type ApiKeyWithSecretView } from '../../dtos/api-key.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

export interface CreateApiKeyCommand {
  principal: Principal;
  tenantId: string;
  name: string;
  scopes?: Scope[];
  /** Absent or null: the key does not expire. */
  expiresAt?: string | null;
  meta?: RequestMeta;
  /** The caller, re-checked in the write's transaction (its current state and roles decide). */
  acting?: Actor;
}

@Injectable()
export class CreateApiKeyUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: ApiKeyStore,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  async execute(cmd: CreateApiKeyCommand): Promise<ApiKeyWithSecretView> {
    return this.uow.run(async () => {
      const principal = cmd.acting ? (await this.acting.lock(cmd.acting)).principal : cmd.principal;
      return this.create({ ...cmd, principal });
    });
  }

  private async create(cmd: CreateApiKeyCommand): Promise<ApiKeyWithSecretView> {
    let scopes: Scope[];
    if (cmd.scopes) {
      assertCanGrant(cmd.principal, cmd.scopes);
      scopes = cmd.scopes;
    } else {
      const allowed = grantableScopes(cmd.principal.roles);
      scopes = DEFAULT_API_KEY_SCOPES.filter((s) => allowed.has(s));
    }
    if (scopes.length === 0)
      throw AppException.validation('A key needs at least one scope', [{ field: 'scopes', messages: ['must not be empty'] }]);
    const expiresAt = futureDate(cmd.expiresAt);
    const minted = mintCredential('api_key');
    const saved = await this.keys.insert({
      id: minted.id,
      tenantId: cmd.tenantId,
      name: cmd.name,
      scopes,
      secretHash: minted.secretHash,
      previousSecretHash: null,
      previousExpiresAt: null,
      createdBy: cmd.principal.userId,
      expiresAt,
      lastUsedAt: null,
      rotatedAt: null,
      revokedAt: null,
    });
    await this.audit.record({
      type: AuditEventType.ApiKeyCreated,
      tenantId: cmd.tenantId,
      actorUserId: cmd.principal.userId,
      meta: cmd.meta,
      details: { keyId: saved.id, name: saved.name, scopes, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { ...ApiKeyView.of(saved), key: minted.token };
  }
}

/** An optional ISO date that must lie in the future (422 otherwise). */
export function futureDate(iso: string | null | undefined): Date | null {
  if (iso === undefined || iso === null) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw AppException.validation('Invalid expiresAt', [{ field: 'expiresAt', messages: ['must be a date'] }]);
  if (d.getTime() <= Date.now()) {
    throw AppException.unprocessable('expiresAt must be in the future', [{ field: 'expiresAt', messages: ['must be in the future'] }]);
  }
  return d;
}
