import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, QueryTokenAllowed, Role, Scope, SECURITY, SseStreams, type Principal } from '#common';
import { CurrentUser, Roles, Scopes, SendsNotifications } from '#auth-kit';
import { RawBodyField } from '../contacts/contacts-query.js';
import { CreateCampaignDto, TestSendDto, UpdateCampaignDto } from './dtos/campaign.dto.js';
import { ManageCampaignsUseCase } from './usecases/manage-campaigns/manage-campaigns.usecase.js';
import { StreamCampaignStatsUseCase } from './usecases/stream-stats/stream-stats.usecase.js';

/**
 * Who may do what (seed 001), as for contacts: every user of the tenant reads campaigns and their
 * stats; organizers and admins create, change and launch them. API keys read with
 * notifications:read (or campaigns:write) and write with campaigns:write; what sends (launch,
 * resume, test) also needs notifications:send.
 */
const READ_SCOPES = [Scope.NotificationsRead, Scope.CampaignsWrite];

@ApiTags('campaigns')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.CampaignsWrite)
@Controller('notify/v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly manage: ManageCampaignsUseCase,
    private readonly streamStats: StreamCampaignStatsUseCase,
    private readonly sse: SseStreams,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a campaign (a draft): template, channel, audience {groupIds?, filter?}, schedule, maxPerMinute' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateCampaignDto, @RawBodyField('audience') audience: unknown) {
    return this.manage.create(p, dto, audience);
  }

  @Get()
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.manage.list(p, q.limit, q.cursor);
  }

  @Get(':id')
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.get(p, id);
  }

  @Get(':id/stats')
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  @ApiOperation({ summary: 'Progress: targeted, pending, queued, sent, delivered, failed, suppressed, skipped' })
  stats(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.stats(p, id);
  }

  @Get(':id/stats/stream')
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  @QueryTokenAllowed()
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'token', required: false, description: 'Access token, for clients that cannot set Authorization' })
  @ApiOperation({ summary: 'The stats live (Server-Sent Events): a `stats` event now and whenever they change' })
  async statsStream(@CurrentUser() p: Principal, @Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await this.streamStats.execute(p, id, (opts) => this.sse.start(req, reply, opts));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a draft campaign (409 once launched)' })
  update(
    @CurrentUser() p: Principal,
    @Param('id') id: string,
    @Body() dto: UpdateCampaignDto,
    @RawBodyField('audience') audience: unknown,
  ) {
    return this.manage.update(p, id, dto, audience);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a draft, completed or cancelled campaign (409 while scheduled, running or paused)' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.remove(p, id);
  }

  @Post(':id/launch')
  @SendsNotifications()
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Pin the template version, check the audience, and start the durable expansion and sending' })
  launch(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.launch(p, id);
  }

  @Post(':id/pause')
  @Idempotent()
  @HttpCode(200)
  pause(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.pause(p, id);
  }

  @Post(':id/resume')
  @SendsNotifications()
  @Idempotent()
  @HttpCode(200)
  resume(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.resume(p, id);
  }

  @Post(':id/cancel')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop: recipients still waiting are cancelled (counted as skipped); deliveries already made go on' })
  cancel(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.cancel(p, id);
  }

  @Post(':id/test')
  @SendsNotifications()
  @Idempotent()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the campaign message once to one address (before launch), through the normal accept path' })
  test(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: TestSendDto) {
    return this.manage.test(p, id, dto);
  }
}
