import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, QueryTokenAllowed, Role, Scope, SECURITY, SseStreams, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { RawBodyField } from '../contacts/contacts-query.js';
import { CreateCampaignDto, TestSendDto, UpdateCampaignDto } from './dtos/campaign.dto.js';
import { CampaignAction, ReadsCampaigns } from './campaign-routes.js';
import { CancelCampaignUseCase } from './usecases/cancel-campaign/cancel-campaign.usecase.js';
import { CreateCampaignUseCase } from './usecases/create-campaign/create-campaign.usecase.js';
import { DeleteCampaignUseCase } from './usecases/delete-campaign/delete-campaign.usecase.js';
import { GetCampaignUseCase } from './usecases/get-campaign/get-campaign.usecase.js';
import { GetCampaignStatsUseCase } from './usecases/get-campaign-stats/get-campaign-stats.usecase.js';
import { LaunchCampaignUseCase } from './usecases/launch-campaign/launch-campaign.usecase.js';
import { ListCampaignsUseCase } from './usecases/list-campaigns/list-campaigns.usecase.js';
import { PauseCampaignUseCase } from './usecases/pause-campaign/pause-campaign.usecase.js';
import { ResumeCampaignUseCase } from './usecases/resume-campaign/resume-campaign.usecase.js';
import { TestCampaignUseCase } from './usecases/test-campaign/test-campaign.usecase.js';
import { UpdateCampaignUseCase } from './usecases/update-campaign/update-campaign.usecase.js';
import { StreamCampaignStatsUseCase } from './usecases/stream-stats/stream-stats.usecase.js';

@ApiTags('campaigns')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.CampaignsWrite)
@Controller('notify/v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly createCampaign: CreateCampaignUseCase,
    private readonly listCampaigns: ListCampaignsUseCase,
    private readonly getCampaign: GetCampaignUseCase,
    private readonly getStats: GetCampaignStatsUseCase,
    private readonly streamStats: StreamCampaignStatsUseCase,
    private readonly updateCampaign: UpdateCampaignUseCase,
    private readonly deleteCampaign: DeleteCampaignUseCase,
    private readonly launchCampaign: LaunchCampaignUseCase,
    private readonly pauseCampaign: PauseCampaignUseCase,
    private readonly resumeCampaign: ResumeCampaignUseCase,
    private readonly cancelCampaign: CancelCampaignUseCase,
    private readonly testCampaign: TestCampaignUseCase,
    private readonly sse: SseStreams,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a campaign (a draft): template, channel, audience {groupIds?, filter?}, schedule, maxPerMinute' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateCampaignDto, @RawBodyField('audience') audience: unknown) {
    return this.createCampaign.execute(p, dto, audience);
  }

  @Get()
  @ReadsCampaigns()
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.listCampaigns.execute(p, q.limit, q.cursor);
  }

  @Get(':id')
  @ReadsCampaigns()
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.getCampaign.execute(p, id);
  }

  @Get(':id/stats')
  @ReadsCampaigns()
  @ApiOperation({ summary: 'Progress: targeted, pending, queued, sent, delivered, failed, suppressed, skipped' })
  stats(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.getStats.execute(p, id);
  }

  @Get(':id/stats/stream')
  @ReadsCampaigns()
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
    return this.updateCampaign.execute(p, id, dto, audience);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a draft, completed or cancelled campaign (409 while scheduled, running or paused)' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.deleteCampaign.execute(p, id);
  }

  @Post(':id/launch')
  @CampaignAction({ sends: true, summary: 'Pin the template version, check the audience, and start the durable expansion and sending' })
  launch(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.launchCampaign.execute(p, id);
  }

  @Post(':id/pause')
  @CampaignAction()
  pause(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.pauseCampaign.execute(p, id);
  }

  @Post(':id/resume')
  @CampaignAction({ sends: true })
  resume(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.resumeCampaign.execute(p, id);
  }

  @Post(':id/cancel')
  @CampaignAction({ summary: 'Stop: recipients still waiting are cancelled (counted as skipped); deliveries already made go on' })
  cancel(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.cancelCampaign.execute(p, id);
  }

  @Post(':id/test')
  @CampaignAction({
    sends: true,
    status: 202,
    summary: 'Send the campaign message once to one address (before launch), through the normal accept path',
  })
  test(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: TestSendDto) {
    return this.testCampaign.execute(p, id, dto);
  }
}
