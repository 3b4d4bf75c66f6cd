import { Inject, Injectable } from '@nestjs/common';
import { AppException, RATE_LIMIT_STORE, Role, type RateLimitStore } from '#common';
import { AUTH_CONFIG, type AuthConfig } from '../../../config/auth-config.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import type { CreateUserDto } from '../../dtos/create-user.dto.js';
import { UserDto } from '../../dtos/user.dto.js';
import { PasswordHasher } from '../../password-hasher.js';
import { UsersService } from '../../users.service.js';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

@Injectable()
export class CreateUserUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    @Inject(RATE_LIMIT_STORE) private readonly limits: RateLimitStore,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly acting: ActingUserPolicy,
  ) {}

  /**
   * Emails are unique across the platform (login takes no tenant), so a taken address must be
   * refused. The refusal is tenant-neutral (the same for a teammate's address and another tenant's)
   * and budgeted per tenant: once RATE_LIMIT_TAKEN_EMAIL is used up, every creation of the tenant is
   * 429, so neither the answer nor the limit tells a free address from a taken one. An admin can
   * probe a handful of addresses per window at most, about what public sign-up allows per IP.
   */
  async execute(actor: Actor, dto: CreateUserDto, meta: RequestMeta): Promise<UserDto> {
    const tenantId = actor.principal.tenantId!;
    const actorUserId = actor.principal.userId;
    const budgetKey = `users:taken-email:tenant:${tenantId}`;
    const budget = await this.limits.hit(budgetKey, this.config.RATE_LIMIT_TAKEN_EMAIL, 0);
    if (budget.remaining === 0) throw AppException.rateLimited(budget.retryAfterSeconds, 'Too many users refused; retry later');
    if (await this.users.findByEmail(dto.email)) {
      await this.limits.hit(budgetKey, this.config.RATE_LIMIT_TAKEN_EMAIL);
      throw AppException.conflict('This email address cannot be used for a new account');
    }
    const passwordHash = await this.hasher.hash(dto.password);
    const roles = dto.roles ?? [Role.User];
    return this.uow.run(async () => {
      // The caller is still an active admin as this commits (a deactivated admin cannot add one).
      await this.acting.lock(actor);
      const user = await this.users.createInTenant(tenantId, { ...dto, passwordHash }, roles);
      await this.audit.record({
        type: AuditEventType.UserCreated,
        tenantId,
        actorUserId,
        targetUserId: user.id,
        meta,
        details: { email: user.email, roles: user.roles },
      });
      return UserDto.from(user);
    });
  }
}
