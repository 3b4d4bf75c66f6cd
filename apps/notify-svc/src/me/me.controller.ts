import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SECURITY, type Principal } from '#common';
import { CurrentUser } from '#auth-kit';

/** Who the caller is, straight from the verified credential: no database work. */
@ApiTags('me')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Controller('notify/v1/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The caller: user id, tenant, roles, scopes and the kind of credential used' })
  me(@CurrentUser() p: Principal) {
    return {
      userId: p.userId,
      tenantId: p.tenantId,
      email: p.email ?? null,
      roles: p.roles,
      scopes: p.scopes,
      planTier: p.planTier,
      credential: p.kind,
      expiresAt: p.expiresAt ?? null,
    };
  }
}
