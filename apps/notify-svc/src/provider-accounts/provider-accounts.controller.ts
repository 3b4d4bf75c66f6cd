import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AppException, Idempotent, Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { MetaAccountDto, TestProviderAccountDto, TwilioAccountDto } from './dtos/provider-account.dto.js';
import { DeleteProviderAccountUseCase } from './usecases/delete-provider-account/delete-provider-account.usecase.js';
import { GetProviderAccountUseCase } from './usecases/get-provider-account/get-provider-account.usecase.js';
import { ListProviderAccountsUseCase } from './usecases/list-provider-accounts/list-provider-accounts.usecase.js';
import { SetProviderAccountUseCase } from './usecases/set-provider-account/set-provider-account.usecase.js';
import { TestProviderAccountUseCase } from './usecases/test-provider-account/test-provider-account.usecase.js';

/** A tenant admin's own provider accounts (used for the tenant's sends instead of the platform's). */
@ApiTags('providers')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Admin)
@Scopes(Scope.Admin)
@Controller('notify/v1/providers')
export class ProviderAccountsController {
  constructor(
    private readonly setAccount: SetProviderAccountUseCase,
    private readonly listAccounts: ListProviderAccountsUseCase,
    private readonly getAccount: GetProviderAccountUseCase,
    private readonly deleteAccount: DeleteProviderAccountUseCase,
    private readonly test: TestProviderAccountUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: "The tenant's own provider accounts (never their secrets: the last 4 characters only)" })
  list(@CurrentUser() p: Principal) {
    return this.listAccounts.execute(p);
  }

  // One route per provider, so each body is validated (and documented) by its own DTO.
  @Put('twilio')
  @ApiOperation({ summary: "Set the tenant's Twilio account (SMS, WhatsApp); replaces the previous one" })
  putTwilio(@CurrentUser() p: Principal, @Body() dto: TwilioAccountDto) {
    return this.setAccount.execute(p, 'twilio', dto);
  }

  @Put('meta')
  @ApiOperation({ summary: "Set the tenant's Meta WhatsApp Cloud API account; replaces the previous one" })
  putMeta(@CurrentUser() p: Principal, @Body() dto: MetaAccountDto) {
    return this.setAccount.execute(p, 'meta', dto);
  }

  @Put(':provider')
  @ApiOperation({ summary: 'Any other provider: 404 (supported: twilio, meta)' })
  putUnknown(@Param('provider') provider: string): never {
    throw AppException.notFound(`Provider "${provider.slice(0, 40)}"`);
  }

  @Get(':provider')
  @ApiOperation({ summary: "The tenant's account with one provider (never its secrets)" })
  get(@CurrentUser() p: Principal, @Param('provider') provider: string) {
    return this.getAccount.execute(p, provider);
  }

  @Delete(':provider')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove the tenant's account: its sends use the platform's account again" })
  remove(@CurrentUser() p: Principal, @Param('provider') provider: string) {
    return this.deleteAccount.execute(p, provider);
  }

  @Post(':provider/test')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: "Send one test message with the tenant's account and report the provider's answer" })
  testSend(@CurrentUser() p: Principal, @Param('provider') provider: string, @Body() dto: TestProviderAccountDto) {
    return this.test.execute(p, provider, dto);
  }
}
