import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { AppException, ErrorCode, type LeasedRateLimiter, type Principal } from '#common';
import { ApiKeyAuthGuard, JwtAuthGuard, presentedCredential } from '#auth-kit';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../config/notify-config.js';
import { RATE_LIMITER } from '../../throttling/throttling.tokens.js';
import { TopicsRepository } from '../topics.repository.js';
import { hashTopicToken } from '../topic-tokens.js';

/** `topicTenant`: the tenant a public path's slug names, resolved here (before the Idempotency-Key transaction opens). */
export type TopicRequest = FastifyRequest & { principal?: Principal | null; topicTenant?: string };

/** The client an IP-based limit counts: the address, or for IPv6 its /64 (one subscriber line holds a whole /64). */
export function clientGroup(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

/**
 * Authentication of the topic publish and subscribe routes (which are @Public, as reading a public
 * topic needs nothing): a JWT or API key / personal token through the kit's own guards, or a topic
 * token (`X-Topic-Token`, `Authorization: Bearer tk_…`, `?token=` on subscribe routes), looked up by
 * its hash and turned into a principal of its tenant that opens its one topic. No credential:
 * anonymous, limited per client IP (IPv6 /64). Whether the caller may do what it asks is the
 * TopicAccessPolicy's, once the topic is known.
 */
@Injectable()
export class TopicCredentialGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtAuthGuard,
    private readonly apiKey: ApiKeyAuthGuard,
    private readonly topics: TopicsRepository,
    @Inject(RATE_LIMITER) private readonly limiter: LeasedRateLimiter,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<TopicRequest>();
    const ok = await this.authenticate(ctx, req);
    const slug = (req.params as Record<string, string> | undefined)?.slug;
    if (slug !== undefined) {
      const tenantId = /^[a-z2-7]{16}$/.test(slug) ? await this.topics.tenantOfSlug(slug) : undefined;
      if (!tenantId) throw AppException.notFound('Topic');
      req.topicTenant = tenantId;
    }
    return ok;
  }

  private async authenticate(ctx: ExecutionContext, req: TopicRequest): Promise<boolean> {
    const presented = presentedCredential(req.headers);
    if (!presented) {
      req.principal = null;
      const r = await this.limiter.consume(`rl:topic-anon:${clientGroup(req.ip)}`, this.config.TOPIC_ANONYMOUS_RATE);
      if (!r.allowed) throw AppException.rateLimited(r.retryAfterSeconds);
      return true;
    }
    if (presented.kind === 'topic_token') {
      req.principal = await this.topicTokenPrincipal(presented.token);
      return true;
    }
    return (await (presented.kind === 'jwt' ? this.jwt.activate(ctx, presented.token) : this.apiKey.canActivate(ctx))) as boolean;
  }

  private async topicTokenPrincipal(token: string): Promise<Principal> {
    const row = token.length <= 128 ? await this.topics.tokenByHash(hashTopicToken(token)) : undefined;
    if (!row) throw AppException.unauthorized('Invalid or revoked topic token');
    if (row.expires_at && row.expires_at.getTime() <= Date.now())
      throw AppException.unauthorized('This topic token has expired', ErrorCode.TOKEN_EXPIRED);
    return {
      kind: 'topic_token',
      userId: null,
      tenantId: row.tenant_id,
      roles: [],
      scopes: [],
      planTier: row.plan_tier as Principal['planTier'],
      credentialId: row.id,
      expiresAt: row.expires_at ? Math.floor(row.expires_at.getTime() / 1000) : undefined,
      topic: { id: row.topic_id, access: row.access_level, expiresAtMs: row.expires_at?.getTime() },
    };
  }
}
