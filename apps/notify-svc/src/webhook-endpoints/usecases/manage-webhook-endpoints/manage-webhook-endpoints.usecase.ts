import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppException, isUuid, paginate, type PaginationQueryDto, type Principal } from '#common';
import { urlProblem } from '../../../channels/webhook/ssrf-guard.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import type { CreateWebhookEndpointDto, RotateWebhookSecretDto } from '../../dtos/webhook-endpoint.dto.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import { WebhookEndpoint } from '../../webhook-endpoint.entity.js';

const view = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  previousSecretValidUntil: e.previous_secret_until && e.previous_secret_until > new Date() ? e.previous_secret_until : null,
  createdBy: e.created_by,
  createdAt: e.created_at,
  updatedAt: e.updated_at,
});

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. Shown once, stored encrypted. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * A tenant's webhook receivers. The URL passes the SSRF guard at registration (and again at every
 * send, at connect time); the signing secret is returned once, at creation and rotation.
 */
@Injectable()
export class ManageWebhookEndpointsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async create(p: Principal, dto: CreateWebhookEndpointDto) {
    const problem = await urlProblem(dto.url, { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE });
    if (problem) throw AppException.unprocessable(`This URL cannot receive webhooks: ${problem}`, [{ field: 'url', messages: [problem] }]);
    return this.uow.tenant(p.tenantId, async (tx) => {
      const repo = tx.repo(WebhookEndpoint);
      if (await repo.existsBy({ tenant_id: tx.tenantId, url: dto.url })) {
        throw AppException.conflict('An endpoint with this URL is already registered', [
          { field: 'url', messages: ['already registered'] },
        ]);
      }
      const secret = newSecret();
      const e = repo.create({
        tenant_id: tx.tenantId,
        url: dto.url,
        description: dto.description ?? null,
        created_by: actorOf(p),
        secret_enc: '',
      });
      e.id = randomUUID();
      e.secret_enc = this.cipher.encrypt(secret, e.id);
      const saved = await repo.save(e);
      return { ...view(saved), secret };
    });
  }

  async list(p: Principal, query: PaginationQueryDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const qb = tx.repo(WebhookEndpoint).createQueryBuilder('w').where('w.tenant_id = :tenantId', { tenantId: tx.tenantId });
      return (await paginate(qb, query, { sortColumn: 'w.created_at', idColumn: 'w.id' })).map(view);
    });
  }

  async get(p: Principal, id: string) {
    return view(await this.uow.tenant(p.tenantId, (tx) => this.find(tx.repo(WebhookEndpoint), tx.tenantId, id)));
  }

  async remove(p: Principal, id: string): Promise<{ deleted: true }> {
    await this.uow.tenant(p.tenantId, async (tx) => {
      const e = await this.find(tx.repo(WebhookEndpoint), tx.tenantId, id);
      await tx.repo(WebhookEndpoint).delete({ tenant_id: tx.tenantId, id: e.id });
    });
    return { deleted: true };
  }

  /** A new secret signs from now on; the old one keeps signing beside it for the overlap (default 24 h). */
  async rotateSecret(p: Principal, id: string, dto: RotateWebhookSecretDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const repo = tx.repo(WebhookEndpoint);
      const e = await this.find(repo, tx.tenantId, id);
      const overlap = dto.overlapSeconds ?? 86_400;
      const secret = newSecret();
      e.previous_secret_enc = overlap > 0 ? e.secret_enc : null;
      e.previous_secret_until = overlap > 0 ? new Date(Date.now() + overlap * 1000) : null;
      e.secret_enc = this.cipher.encrypt(secret, e.id);
      e.updated_at = new Date();
      return { ...view(await repo.save(e)), secret };
    });
  }

  private async find(repo: { findOneBy: (w: object) => Promise<WebhookEndpoint | null> }, tenantId: string, id: string) {
    const e = isUuid(id) ? await repo.findOneBy({ tenant_id: tenantId, id }) : null;
    if (!e) throw AppException.notFound('Webhook endpoint');
    return e;
  }
}
