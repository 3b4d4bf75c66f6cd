import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { resolveCountry } from '../../../tenants/country.policy.js';
import { TenantDto } from '../../../tenants/dtos/tenant.dto.js';
import { TokenService } from '../../../tokens/token.service.js';
import { UserDto } from '../../../users/dtos/user.dto.js';
import { PasswordHasher } from '../../../users/password-hasher.js';
import { UsersService } from '../../../users/users.service.js';
import type { SignUpDto, SignUpResponseDto } from '../../dtos/sign-up.dto.js';
import { signUpPhone } from '../../phone-number.policy.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

@Injectable()
export class SignUpUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async execute(dto: SignUpDto, meta: RequestMeta): Promise<SignUpResponseDto> {
    // Input checks before anything costs a query or a bcrypt hash. `role` needs none: the DTO admits
    // only admin, which the owner of a new tenant holds anyway (with every other role).
    const phone = signUpPhone(dto);
    const countryCode = dto.country === undefined ? null : resolveCountry(dto.country)!.code;
    // Cheap check first so a taken email costs no bcrypt; the unique index still decides races.
    if (await this.users.findByEmail(dto.email)) throw AppException.conflict('An account with this email already exists');
    const passwordHash = await this.hasher.hash(dto.password);
    return this.uow.run(async () => {
      const { user, tenant } = await this.users.createTenantWithOwner(
        {
          email: dto.email,
          passwordHash,
          name: dto.name,
          firstName: dto.firstName,
          lastName: dto.lastName,
          phone,
          companyName: dto.companyName,
        },
        { sector: dto.sector ?? null, countryCode },
      );
      const pair = await this.tokens.issuePair(user, tenant, { ...meta, method: 'password' });
      await this.audit.recordOwn(AuditEventType.Signup, user, meta, { email: user.email });
      return { ...pair, user: UserDto.from(user), tenant: TenantDto.from(tenant) };
    });
  }
}
