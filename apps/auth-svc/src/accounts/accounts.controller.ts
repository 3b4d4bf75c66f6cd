import { Acting, type Actor } from '../actors/acting.decorator.js';
import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '#common';
import { CurrentTenant } from '#auth-kit';
import { CurrentUserId } from '../users/current-user-id.decorator.js';
import { ClientMeta, type RequestMeta } from '../audit/request-meta.decorator.js';
import { CurrentSessionId } from '../sessions/current-session.decorator.js';
import { IpRateLimit } from '../throttling/ip-rate-limit.guard.js';
import { UserDto } from '../users/dtos/user.dto.js';
import { ChangePasswordDto, ChangePasswordResponseDto } from './dtos/change-password.dto.js';
import { LogInDto, LogInResponseDto } from './dtos/log-in.dto.js';
import { SignUpDto, SignUpResponseDto } from './dtos/sign-up.dto.js';
import { UpdateProfileDto } from './dtos/update-profile.dto.js';
import { GetProfileUseCase } from './usecases/get-profile/get-profile.usecase.js';
import { ChangePasswordUseCase } from './usecases/change-password/change-password.usecase.js';
import { LogInUseCase } from './usecases/log-in/log-in.usecase.js';
import { SignUpUseCase } from './usecases/sign-up/sign-up.usecase.js';
import { UpdateProfileUseCase } from './usecases/update-profile/update-profile.usecase.js';

@ApiTags('accounts')
@Controller('auth/v1')
export class AccountsController {
  constructor(
    private readonly signUp: SignUpUseCase,
    private readonly logIn: LogInUseCase,
    private readonly updateProfile: UpdateProfileUseCase,
    private readonly changePassword: ChangePasswordUseCase,
    private readonly getProfile: GetProfileUseCase,
  ) {}

  @Post('signup')
  @Public()
  @IpRateLimit('signup')
  @ApiOperation({ summary: 'Create a tenant and its first user (user, organizer, admin); returns a token pair' })
  @ApiCreatedResponse({ type: SignUpResponseDto })
  @ApiConflictResponse({ description: 'CONFLICT: the email is taken' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED' })
  signup(@Body() dto: SignUpDto, @ClientMeta() meta: RequestMeta): Promise<SignUpResponseDto> {
    return this.signUp.execute(dto, meta);
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @IpRateLimit('login')
  @ApiOperation({ summary: 'Log in with email and password' })
  @ApiOkResponse({ type: LogInResponseDto })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS (unknown email and wrong password alike)' })
  @ApiTooManyRequestsResponse({ description: 'ACCOUNT_LOCKED after LOGIN_MAX_FAILURES failures (Retry-After), or RATE_LIMITED' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED' })
  login(@Body() dto: LogInDto, @ClientMeta() meta: RequestMeta): Promise<LogInResponseDto> {
    return this.logIn.execute(dto, meta);
  }

  @Get('me')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'The calling user' })
  @ApiOkResponse({ type: UserDto })
  @ApiUnauthorizedResponse({ description: 'No or invalid credential' })
  @ApiForbiddenResponse({ description: 'The credential does not act for a user (API key)' })
  me(@CurrentUserId() userId: string, @CurrentTenant() tenantId: string): Promise<UserDto> {
    return this.getProfile.execute(tenantId, userId);
  }

  @Patch('me')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Update the calling user’s name fields' })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED' })
  @ApiUnauthorizedResponse({ description: 'No or invalid credential' })
  patchMe(
    @CurrentUserId() userId: string,
    @CurrentTenant() tenantId: string,
    @Body() dto: UpdateProfileDto,
    @ClientMeta() meta: RequestMeta,
    @Acting() actor: Actor,
  ): Promise<UserDto> {
    return this.updateProfile.execute(tenantId, userId, dto, meta, actor);
  }

  @Post('me/password')
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Change the password; ends every other session of the user' })
  @ApiOkResponse({ type: ChangePasswordResponseDto })
  @ApiForbiddenResponse({ description: 'INVALID_CREDENTIALS: the current password is wrong' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED (e.g. new password too short or over 72 bytes)' })
  @ApiTooManyRequestsResponse({ description: 'ACCOUNT_LOCKED: too many wrong current passwords' })
  password(
    @CurrentUserId() userId: string,
    @CurrentTenant() tenantId: string,
    @CurrentSessionId() sessionId: string | null,
    @Body() dto: ChangePasswordDto,
    @ClientMeta() meta: RequestMeta,
    @Acting() actor: Actor,
  ): Promise<ChangePasswordResponseDto> {
    return this.changePassword.execute(tenantId, userId, sessionId, dto, meta, actor);
  }
}
