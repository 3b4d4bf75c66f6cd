import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { CreateTopicDto, CreateTopicSubscriptionDto, CreateTopicTokenDto, UpdateTopicDto } from './dtos/topic.dto.js';
import { CreateTopicSubscriptionUseCase } from './usecases/create-topic-subscription/create-topic-subscription.usecase.js';
import { CreateTopicTokenUseCase } from './usecases/create-topic-token/create-topic-token.usecase.js';
import { CreateTopicUseCase } from './usecases/create-topic/create-topic.usecase.js';
import { DeleteTopicSubscriptionUseCase } from './usecases/delete-topic-subscription/delete-topic-subscription.usecase.js';
import { DeleteTopicUseCase } from './usecases/delete-topic/delete-topic.usecase.js';
import { GetTopicUseCase } from './usecases/get-topic/get-topic.usecase.js';
import { ListTopicSubscriptionsUseCase } from './usecases/list-topic-subscriptions/list-topic-subscriptions.usecase.js';
import { ListTopicTokensUseCase } from './usecases/list-topic-tokens/list-topic-tokens.usecase.js';
import { ListTopicsUseCase } from './usecases/list-topics/list-topics.usecase.js';
import { RevokeTopicTokenUseCase } from './usecases/revoke-topic-token/revoke-topic-token.usecase.js';
import { UpdateTopicUseCase } from './usecases/update-topic/update-topic.usecase.js';

/** A POST that creates something: replayable with an Idempotency-Key. */
const CreateRoute = (summary: string, path?: string) => applyDecorators(Post(path), Idempotent(), ApiOperation({ summary }));

/** A DELETE that answers 200 with what it did ({deleted} or {revoked}). */
const DeleteRoute = (path: string, summary: string) => applyDecorators(Delete(path), HttpCode(200), ApiOperation({ summary }));

/** Managing a tenant's topics and their access tokens (organizers and admins; API keys with admin). */
@ApiTags('topics')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.Admin)
@Controller('notify/v1/topics')
export class TopicsController {
  constructor(
    private readonly createTopic: CreateTopicUseCase,
    private readonly listTopics: ListTopicsUseCase,
    private readonly getTopic: GetTopicUseCase,
    private readonly updateTopic: UpdateTopicUseCase,
    private readonly deleteTopic: DeleteTopicUseCase,
    private readonly createTopicToken: CreateTopicTokenUseCase,
    private readonly listTopicTokens: ListTopicTokensUseCase,
    private readonly revokeTopicToken: RevokeTopicTokenUseCase,
    private readonly createSubscription: CreateTopicSubscriptionUseCase,
    private readonly listTopicSubscriptions: ListTopicSubscriptionsUseCase,
    private readonly deleteSubscription: DeleteTopicSubscriptionUseCase,
  ) {}

  @CreateRoute('Create a topic (public: readable by anyone at its publicPath; publishing always needs a credential)')
  create(@CurrentUser() p: Principal, @Body() dto: CreateTopicDto) {
    return this.createTopic.execute(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's topics, newest first" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.listTopics.execute(p, q);
  }

  @Get(':name')
  @ApiOperation({ summary: 'One topic' })
  get(@CurrentUser() p: Principal, @Param('name') name: string) {
    return this.getTopic.execute(p, name);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change visibility or description' })
  update(@CurrentUser() p: Principal, @Param('name') name: string, @Body() dto: UpdateTopicDto) {
    return this.updateTopic.execute(p, name, dto);
  }

  @Delete(':name')
  @ApiOperation({ summary: 'Delete a topic with its messages and tokens (its open streams end)' })
  remove(@CurrentUser() p: Principal, @Param('name') name: string) {
    return this.deleteTopic.execute(p, name);
  }

  @CreateRoute('A token for this topic only (read, write or read_write); shown once', ':name/access-tokens')
  createToken(@CurrentUser() p: Principal, @Param('name') name: string, @Body() dto: CreateTopicTokenDto) {
    return this.createTopicToken.execute(p, name, dto);
  }

  @Get(':name/access-tokens')
  @ApiOperation({ summary: "The topic's tokens with lastUsedAt (never the tokens themselves)" })
  listTokens(@CurrentUser() p: Principal, @Param('name') name: string, @Query() q: PaginationQueryDto) {
    return this.listTopicTokens.execute(p, name, q);
  }

  @DeleteRoute(':name/access-tokens/:id', 'Revoke a token: refused at once, its open streams end on every instance')
  revokeToken(@CurrentUser() p: Principal, @Param('name') name: string, @Param('id') id: string) {
    return this.revokeTopicToken.execute(p, name, id);
  }

  @CreateRoute(
    'Forward every message of this topic to a recipient by email, SMS, push or a registered webhook endpoint',
    ':name/subscriptions',
  )
  subscribe(@CurrentUser() p: Principal, @Param('name') name: string, @Body() dto: CreateTopicSubscriptionDto) {
    return this.createSubscription.execute(p, name, dto);
  }

  @Get(':name/subscriptions')
  @ApiOperation({ summary: "The topic's forwarding subscriptions" })
  listSubscriptions(@CurrentUser() p: Principal, @Param('name') name: string, @Query() q: PaginationQueryDto) {
    return this.listTopicSubscriptions.execute(p, name, q);
  }

  @DeleteRoute(':name/subscriptions/:id', 'Stop forwarding to this recipient')
  unsubscribe(@CurrentUser() p: Principal, @Param('name') name: string, @Param('id') id: string) {
    return this.deleteSubscription.execute(p, name, id);
  }
}
