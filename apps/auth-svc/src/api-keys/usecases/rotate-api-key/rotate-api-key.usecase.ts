import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { mintCredential } from '../../../introspection/opaque-credential.js';
import { assertCanGrant } from '../../api-key-scopes.js';
import { ApiKeyStore } from '../../api-key.store.js';
import { ApiKeyVerifier } from '../../api-key.verifier.js';
import { ApiKeyView, type ApiKeyWithSecretView } from '../../dtos/api-key.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

export interface RotateApiKeyCommand {
  principal: Principal;
  tenantId: string;
  id: string;
  overlapSeconds: number;
  meta?: RequestMeta;
  /** The caller, re-checked in the write's transaction (its current state and roles decide). */
  acting?: Actor;
}

/**
 * A new secret for the same key id. The current secret becomes the previous one and keeps working
 * for the chosen overlap (a secret replaced earlier stops at once). Rotating hands out a working
 * secret, so the caller must be able to grant the key's scopes.
 */
@Injectable()
export class RotateApiKeyUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: ApiKeyStore,
    private readonly verifier: ApiKeyVerifier,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  async execute(cmd: RotateApiKeyCommand): Promise<ApiKeyWithSecretView> {
    const result = await this.uow.run(async () => {
      const principal = cmd.acting ? (await this.acting.lock(cmd.acting)).principal : cmd.principal;
      return this.rotate({ ...cmd, principal });
    });
    this.verifier.forget(cmd.id);
    return result;
  }

  private async rotate(cmd: RotateApiKeyCommand): Promise<ApiKeyWithSecretView> {
    const key = await this.keys.findInTenant(cmd.tenantId, cmd.id);
    if (!key || key.revokedAt) throw AppException.notFound('API key');
    assertCanGrant(cmd.principal, key.scopes);
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw AppException.conflict('This API key has expired; create a new one');
    const minted = mintCredential('api_key', key.id);
    const updated = await this.keys.rotateSecret(key.id, minted.secretHash, cmd.overlapSeconds);
    if (!updated) throw AppException.notFound('API key');
    this.verifier.forget(key.id);
    await this.audit.record({
      type: AuditEventType.ApiKeyRotated,
      tenantId: cmd.tenantId,
      actorUserId: cmd.principal.userId,
      meta: cmd.meta,
      details: { keyId: key.id, overlapSeconds: cmd.overlapSeconds },
    });
    key.previousExpiresAt = updated.previousExpiresAt;
    key.rotatedAt = updated.rotatedAt;
    return { ...ApiKeyView.of(key), key: minted.token };
  }
}
