import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppException, ErrorCode, Idempotent, parseLastEventId, Public, QueryTokenAllowed, SECURITY, SseStreams } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { Inject } from '@nestjs/common';
import { TopicCredentialGuard, type TopicRequest } from './guards/topic-credential.guard.js';
import { NdjsonTopicSink, SseTopicSink, WebSocketTopicSink, type TopicSink } from './streams/topic-sink.js';
import { TopicsHttpSetup } from './streams/websocket-upgrade.js';
import { TopicsRepository } from './topics.repository.js';
import { PublishTopicMessageUseCase } from './usecases/publish-message/publish-message.usecase.js';
import { SubscribeTopicUseCase } from './usecases/subscribe-topic/subscribe-topic.usecase.js';

type Transport = 'sse' | 'json' | 'ws';

const PUBLISH_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];
const SUBSCRIBE_DOC =
  '`since=` all | latest | a duration (10m) | a Unix time | a message id; `poll=1` sends the retained messages and ends. ' +
  'Credentials as for the REST API, a topic token (X-Topic-Token or Bearer tk_…), or `?token=` (this route family only). A public topic needs none.';

/**
 * Publishing and subscribing: `/notify/v1/topics/:name…` (the tenant from the credential) and the
 * same under a public topic's path `/notify/v1/t/:slug/:name…` (the tenant from its slug). Public
 * routes for the global guards: TopicCredentialGuard authenticates, the use cases decide.
 */
@ApiTags('topics')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Public()
@UseGuards(TopicCredentialGuard)
@Controller('notify/v1')
export class TopicStreamController {
  constructor(
    private readonly publishing: PublishTopicMessageUseCase,
    private readonly subscribing: SubscribeTopicUseCase,
    private readonly topics: TopicsRepository,
    private readonly sse: SseStreams,
    private readonly http: TopicsHttpSetup,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  @Post('topics/:name')
  @Idempotent()
  @HttpCode(200)
  @ApiConsumes(...PUBLISH_TYPES)
  @ApiOperation({
    summary: 'Publish a message (plain body, or JSON {message, title, priority, tags, click, actions})',
    description: 'Headers Title, Priority (1-5 or min/low/default/high/max), Tags (comma-separated), Click apply to a plain body.',
  })
  publish(@Req() req: TopicRequest, @Param('name') name: string, @Body() body: unknown, @Headers() headers: Record<string, string>) {
    return this.publishing.execute({ principal: req.principal ?? null, tenantId: this.ownTenant(req), name, body, headers });
  }

  @Put('topics/:name')
  @HttpCode(200)
  @ApiConsumes(...PUBLISH_TYPES)
  @ApiOperation({ summary: 'Publish a message (as POST)' })
  publishPut(@Req() req: TopicRequest, @Param('name') name: string, @Body() body: unknown, @Headers() headers: Record<string, string>) {
    return this.publish(req, name, body, headers);
  }

  @Post('t/:slug/:name')
  @Idempotent()
  @HttpCode(200)
  @ApiConsumes(...PUBLISH_TYPES)
  @ApiOperation({ summary: "Publish to a topic by its public path (a credential of the topic's tenant is still required)" })
  async publishPublic(
    @Req() req: TopicRequest,
    @Param('slug') slug: string,
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string>,
  ) {
    return this.publishing.execute({ principal: req.principal ?? null, tenantId: this.slugTenant(req), name, body, headers });
  }

  @Put('t/:slug/:name')
  @HttpCode(200)
  @ApiConsumes(...PUBLISH_TYPES)
  @ApiOperation({ summary: 'Publish by public path (as POST)' })
  publishPublicPut(
    @Req() req: TopicRequest,
    @Param('slug') slug: string,
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string>,
  ) {
    return this.publishPublic(req, slug, name, body, headers);
  }

  @Get('topics/:name/sse')
  @QueryTokenAllowed()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Subscribe (Server-Sent Events: open, message, keepalive; SSE id = message id)', description: SUBSCRIBE_DOC })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiQuery({ name: 'since', required: false })
  @ApiQuery({ name: 'poll', required: false })
  sseOwn(
    @Req() req: TopicRequest,
    @Res() reply: FastifyReply,
    @Param('name') name: string,
    @Query('since') since?: string,
    @Query('poll') poll?: string,
  ) {
    return this.subscribe('sse', req, reply, this.ownTenant(req), name, since, poll);
  }

  @Get('topics/:name/json')
  @QueryTokenAllowed()
  @ApiProduces('application/x-ndjson')
  @ApiOperation({ summary: 'Subscribe (one JSON object per line)', description: SUBSCRIBE_DOC })
  jsonOwn(
    @Req() req: TopicRequest,
    @Res() reply: FastifyReply,
    @Param('name') name: string,
    @Query('since') since?: string,
    @Query('poll') poll?: string,
  ) {
    return this.subscribe('json', req, reply, this.ownTenant(req), name, since, poll);
  }

  @Get('topics/:name/ws')
  @QueryTokenAllowed()
  @ApiOperation({ summary: 'Subscribe (WebSocket: each event a JSON text frame)', description: SUBSCRIBE_DOC })
  wsOwn(
    @Req() req: TopicRequest,
    @Res() reply: FastifyReply,
    @Param('name') name: string,
    @Query('since') since?: string,
    @Query('poll') poll?: string,
  ) {
    return this.subscribe('ws', req, reply, this.ownTenant(req), name, since, poll);
  }

  @Get('t/:slug/:name/sse')
  @QueryTokenAllowed()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Subscribe by public path (Server-Sent Events)', description: SUBSCRIBE_DOC })
  async ssePublic(
    @Req() req: TopicRequest,
    @Res() reply: FastifyReply,
    @Param('slug') slug: string,
    @Param('name') name: string,
    @Query('since') since?: string,
    @Query('poll') poll?: string,
  ) {
    return this.subscribe('sse', req, reply, this.slugTenant(req), name, since, poll);
  }

  @Get('t/:slug/:name/json')
  @QueryTokenAllowed()
  @ApiProduces('application/x-ndjson')
  @ApiOperation({ summary: 'Subscribe by public path (JSON stream)', description: SUBSCRIBE_DOC })
  async jsonPublic(
    @Req() req: TopicRequest,
    @Res() reply: FastifyReply,
    @Param('slug') slug: string,
    @Param('name') name: string,
    @Query('since') since?: string,
    @Query('poll') poll?: string,
  ) {
    return this.subscribe('json', req, reply, this.slugTenant(req), name, since, poll);
  }

  @Get('t/:slug/:name/ws')
  @QueryTokenAllowed()
  @ApiOperation({ summary: 'Subscribe by public path (WebSocket)', description: SUBSCRIBE_DOC })
  async wsPublic(
    @Req() req: TopicRequest,
    @Res() reply: FastifyReply,
    @Param('slug') slug: string,
    @Param('name') name: string,
    @Query('since') since?: string,
    @Query('poll') poll?: string,
  ) {
    return this.subscribe('ws', req, reply, this.slugTenant(req), name, since, poll);
  }

  private async subscribe(
    transport: Transport,
    req: TopicRequest,
    reply: FastifyReply,
    tenantId: string,
    name: string,
    since: string | undefined,
    poll: string | undefined,
  ): Promise<void> {
    if (transport === 'ws' && !this.http.isUpgrade(req)) {
      throw new AppException(ErrorCode.UPGRADE_REQUIRED, 'This route speaks WebSocket: send an Upgrade request', 426);
    }
    if (poll !== undefined && !['1', 'true', '0', 'false'].includes(poll)) {
      throw AppException.validation('poll must be 1 or 0', [{ field: 'poll', messages: ['must be 1 or 0'] }]);
    }
    await this.subscribing.execute({
      principal: req.principal ?? null,
      tenantId,
      name,
      since,
      poll: poll === '1' || poll === 'true',
      lastEventId: transport === 'sse' ? parseLastEventId(req.headers) : undefined,
      ip: req.ip,
      open: () => this.openSink(transport, req, reply),
    });
  }

  private async openSink(transport: Transport, req: TopicRequest, reply: FastifyReply): Promise<TopicSink> {
    const max = this.config.TOPIC_SUBSCRIBER_MAX_BACKLOG;
    if (transport === 'sse') return new SseTopicSink(this.sse.start(req, reply, { keepaliveMs: 0, maxBufferedBytes: max }));
    if (transport === 'json') return new NdjsonTopicSink(req, reply, max);
    reply.hijack();
    return new WebSocketTopicSink(await this.http.accept(req), max);
  }

  /** `/topics/:name`: the caller's own tenant (a credential is needed to name a topic without its public path). */
  private ownTenant(req: TopicRequest): string {
    const tenantId = req.principal?.tenantId;
    if (!tenantId) throw AppException.unauthorized('A credential is required here; public topics are also readable at their publicPath');
    return tenantId;
  }

  /** Resolved by TopicCredentialGuard (404 for an unknown slug). */
  private slugTenant(req: TopicRequest): string {
    return req.topicTenant!;
  }
}
