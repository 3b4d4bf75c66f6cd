import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, Res, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Role, SECURITY, type Principal, Idempotent, parseLastEventId, QueryTokenAllowed, SseStreams } from '#common';
import { CurrentUser, Roles } from '#auth-kit';
import { ListInboxQueryDto, MarkNotificationDto } from './dtos/inbox.dto.js';
import { CountUnreadUseCase } from './usecases/count-unread/count-unread.usecase.js';
import { ListInboxUseCase } from './usecases/list-inbox/list-inbox.usecase.js';
import { MarkAllReadUseCase } from './usecases/mark-all-read/mark-all-read.usecase.js';
import { MarkAllSeenUseCase } from './usecases/mark-all-seen/mark-all-seen.usecase.js';
import { MarkNotificationUseCase } from './usecases/mark-notification/mark-notification.usecase.js';
import { StreamInboxUseCase } from './usecases/stream-inbox/stream-inbox.usecase.js';

/** A POST that marks every notification of the caller: 200 with how many changed, replayable with an Idempotency-Key. */
const BulkMarkRoute = (path: string, summary: string) =>
  applyDecorators(Post(path), Idempotent(), HttpCode(200), ApiOperation({ summary }));

/** The caller's own in-app inbox (user credentials only). */
@ApiTags('notifications')
@ApiBearerAuth(SECURITY.bearer)
@Roles(Role.User, Role.Organizer, Role.Admin)
@Controller('notify/v1/notifications')
export class NotificationsController {
  constructor(
    private readonly listInbox: ListInboxUseCase,
    private readonly countUnread: CountUnreadUseCase,
    private readonly markNotification: MarkNotificationUseCase,
    private readonly markAllSeen: MarkAllSeenUseCase,
    private readonly markAllRead: MarkAllReadUseCase,
    private readonly streamInbox: StreamInboxUseCase,
    private readonly sse: SseStreams,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your inbox, newest first; the unread count is in the x-unread-count header' })
  async list(@CurrentUser() p: Principal, @Query() q: ListInboxQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.listInbox.execute(p, q);
    reply.header('x-unread-count', String(r.unread));
    return r.page;
  }

  @Get('stream')
  @QueryTokenAllowed()
  @ApiOperation({
    summary: 'Your inbox live (Server-Sent Events)',
    description:
      '`notification` events (the item; SSE id = its sequence number) and `unread_count` ({count}) whenever it changes. ' +
      'Last-Event-ID resumes: every item after it is sent first. Browsers (EventSource cannot set headers) may pass the access token as `?token=`, on this route only.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The last event id received' })
  @ApiQuery({ name: 'token', required: false, description: 'Access token, for clients that cannot set Authorization' })
  stream(@CurrentUser() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    this.streamInbox.execute({
      principal: p,
      lastEventId: parseLastEventId(req.headers),
      open: (opts) => this.sse.start(req, reply, opts),
    });
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of your notifications are unread' })
  unread(@CurrentUser() p: Principal) {
    return this.countUnread.execute(p);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Mark one notification read/unread, seen/unseen, archived/restored' })
  mark(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: MarkNotificationDto) {
    return this.markNotification.execute(p, id, dto);
  }

  @BulkMarkRoute('seen-all', 'Mark every notification seen (a workflow step on `unseen` then finds them seen)')
  seenAll(@CurrentUser() p: Principal) {
    return this.markAllSeen.execute(p);
  }

  @BulkMarkRoute('read-all', 'Mark every notification read')
  readAll(@CurrentUser() p: Principal) {
    return this.markAllRead.execute(p);
  }
}
