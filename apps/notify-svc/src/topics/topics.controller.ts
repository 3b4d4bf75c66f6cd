import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { CreateTopicDto, CreateTopicSubscriptionDto, CreateTopicTokenDto, UpdateTopicDto } from './dtos/topic.dto.js';
import { ManageTopicSubscriptionsUseCase } from './usecases/manage-topic-subscriptions/manage-topic-subscriptions.usecase.js';
import { ManageTopicTokensUseCase } from './usecases/manage-topic-tokens/manage-topic-tokens.usecase.js';
import { ManageTopicsUseCase } from './usecases/manage-topics/manage-topics.usecase.js';

/** Managing a tenant's topics and their access tokens (organizers and admins; API keys with admin). */
@ApiTags('topics')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.Admin)
@Controller('notify/v1/topics')
export class TopicsController {
  constructor(
    private readonly topics: ManageTopicsUseCase,
    private readonly tokens: ManageTopicTokensUseCase,
    private readonly subscriptions: ManageTopicSubscriptionsUseCase,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a topic (public: readable by anyone at its publicPath; publishing always needs a credential)' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateTopicDto) {
    return this.topics.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's topics, newest first" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.topics.list(p, q);
  }

  @Get(':name')
  @ApiOperation({ summary: 'One topic' })
  get(@CurrentUser() p: Principal, @Param('name') name: string) {
    return this.topics.get(p, name);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change visibility or description' })
  update(@CurrentUser() p: Principal, @Param('name') name: string, @Body() dto: UpdateTopicDto) {
    return this.topics.update(p, name, dto);
  }

  @Delete(':name')
  @ApiOperation({ summary: 'Delete a topic with its messages and tokens (its open streams end)' })
  remove(@CurrentUser() p: Principal, @Param('name') name: string) {
    return this.topics.remove(p, name);
  }

  @Post(':name/access-tokens')
  @Idempotent()
  @ApiOperation({ summary: 'A token for this topic only (read, write or read_write); shown once' })
  createToken(@CurrentUser() p: Principal, @Param('name') name: string, @Body() dto: CreateTopicTokenDto) {
    return this.tokens.create(p, name, dto);
  }

  @Get(':name/access-tokens')
  @ApiOperation({ summary: "The topic's tokens with lastUsedAt (never the tokens themselves)" })
  listTokens(@CurrentUser() p: Principal, @Param('name') name: string, @Query() q: PaginationQueryDto) {
    return this.tokens.list(p, name, q);
  }

  @Delete(':name/access-tokens/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a token: refused at once, its open streams end on every instance' })
  revokeToken(@CurrentUser() p: Principal, @Param('name') name: string, @Param('id') id: string) {
    return this.tokens.revoke(p, name, id);
  }

  @Post(':name/subscriptions')
  @Idempotent()
  @ApiOperation({ summary: 'Forward every message of this topic to a recipient by email, SMS, push or a registered webhook endpoint' })
  subscribe(@CurrentUser() p: Principal, @Param('name') name: string, @Body() dto: CreateTopicSubscriptionDto) {
    return this.subscriptions.create(p, name, dto);
  }

  @Get(':name/subscriptions')
  @ApiOperation({ summary: "The topic's forwarding subscriptions" })
  listSubscriptions(@CurrentUser() p: Principal, @Param('name') name: string, @Query() q: PaginationQueryDto) {
    return this.subscriptions.list(p, name, q);
  }

  @Delete(':name/subscriptions/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop forwarding to this recipient' })
  unsubscribe(@CurrentUser() p: Principal, @Param('name') name: string, @Param('id') id: string) {
    return this.subscriptions.remove(p, name, id);
  }
}
