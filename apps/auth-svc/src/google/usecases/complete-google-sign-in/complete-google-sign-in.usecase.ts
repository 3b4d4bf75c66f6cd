import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { TenantDto } from '../../../tenants/dtos/tenant.dto.js';
import { Tenant } from '../../../tenants/tenant.entity.js';
import { TokenService } from '../../../tokens/token.service.js';
import { UserDto } from '../../../users/dtos/user.dto.js';
import { User } from '../../../users/user.entity.js';
import { UsersService } from '../../../users/users.service.js';
import { GoogleIdentityStore } from '../../google-identity.store.js';
import { GoogleOAuthClient, type GoogleProfile } from '../../google-oauth.client.js';
import type { GoogleFlowRequest } from '../../google-state.store.js';
import type { GoogleSignInResultDto } from '../../dtos/google.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

/**
 * A sign-in that began with an allow-listed app URL ends there, failures included (an app waiting
 * for its deep link would otherwise never hear back); without one, errors are thrown as usual.
 */
export type CompletedGoogleSignIn =
  { result: GoogleSignInResultDto; redirectUri: string | null } | { failure: { error: string; description: string }; redirectUri: string };

/**
 * Google's callback: the Google account already linked signs in; otherwise a local account with the
 * same (Google-verified) email is linked; otherwise a new tenant and its owner are created. Then a
 * session starts and its token pair is returned.
 */
@Injectable()
export class CompleteGoogleSignInUseCase {
  constructor(
    private readonly google: GoogleOAuthClient,
    private readonly uow: UnitOfWork,
    private readonly users: UsersService,
    private readonly identities: GoogleIdentityStore,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async execute(query: Record<string, string>, cookieNonce: string | undefined, meta: RequestMeta): Promise<CompletedGoogleSignIn> {
    if (!this.google.configured) throw AppException.unavailable('Google sign-in is not configured on this server (GOOGLE_CLIENT_ID)');
    const req: GoogleFlowRequest = { query, cookieNonce };
    try {
      const profile = await this.google.complete(req);
      if (!profile.subject) throw AppException.unauthorized('Google did not identify the account');
      const result = await this.uow.run(() => this.signIn(profile, meta));
      return { result, redirectUri: req.redirectUri ?? null };
    } catch (err) {
      // req.redirectUri is only known once the state has been verified: a forged state never redirects.
      if (!req.redirectUri || !(err instanceof AppException)) throw err;
      const status = err.getStatus();
      const error = status >= 500 ? 'temporarily_unavailable' : status === 401 || status === 403 ? 'access_denied' : 'invalid_request';
      return { failure: { error, description: err.message }, redirectUri: req.redirectUri };
    }
  }

  private async signIn(profile: GoogleProfile, meta: RequestMeta): Promise<GoogleSignInResultDto> {
    const identity = await this.identities.findBySubjectForUpdate(profile.subject);
    if (identity) {
      const user = await this.users.findById(identity.userId);
      if (!user) throw AppException.unauthorized('The linked account no longer exists');
      await this.identities.recordLogin(identity.id, profile.email);
      return this.finish(user, 'signed_in', meta);
    }
    // Linking or creating rests on the email, so only an address Google has verified will do.
    if (!profile.email || !profile.emailVerified) {
      throw AppException.forbidden('Your Google account has no verified email address');
    }
    const existing = await this.users.findByExactEmail(profile.email);
    if (existing) {
      await this.identities.link({
        tenantId: existing.tenantId,
        userId: existing.id,
        subject: profile.subject,
        email: profile.email,
      });
      if (!existing.emailVerified) await this.users.markEmailVerified(existing.id);
      existing.emailVerified = true;
      await this.audit.recordOwn(AuditEventType.GoogleLinked, existing, meta, { subject: profile.subject, email: profile.email });
      return this.finish(existing, 'linked', meta);
    }
    const { user, tenant } = await this.users.createTenantWithOwner({
      email: profile.email,
      passwordHash: null,
      name: profile.name,
      firstName: profile.firstName,
      lastName: profile.lastName,
      emailVerified: true,
    });
    await this.identities.link({ tenantId: tenant.id, userId: user.id, subject: profile.subject, email: profile.email });
    await this.audit.recordOwn(AuditEventType.Signup, user, meta, { email: user.email, method: 'google' });
    return this.finish(user, 'created', meta, tenant);
  }

  private async finish(
    user: User,
    outcome: GoogleSignInResultDto['outcome'],
    meta: RequestMeta,
    knownTenant?: Tenant,
  ): Promise<GoogleSignInResultDto> {
    if (!user.isActive) throw AppException.forbidden('This account is deactivated');
    const tenant = knownTenant ?? (await this.users.getTenantOrFail(user.tenantId));
    await this.users.recordLogin(user.id);
    const pair = await this.tokens.issuePair(user, tenant, { ...meta, method: 'google' });
    await this.audit.recordOwn(AuditEventType.LoginSucceeded, user, meta, { method: 'google', outcome });
    return { ...pair, outcome, user: UserDto.from(user), tenant: TenantDto.from(tenant) };
  }
}
