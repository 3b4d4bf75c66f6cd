import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Role, SECURITY, type Principal, Idempotent } from '#common';
import { CurrentUser, Roles } from '#auth-kit';
import { ListInboxQueryDto, MarkNotificationDto } from './dtos/inbox.dto.js';
import { ManageInboxUseCase } from './usecases/manage-inbox/manage-inbox.usecase.js';

/** The caller's own in-app inbox (user credentials only). */
@ApiTags('notifications')
@ApiBearerAuth(SECURITY.bearer)
@Roles(Role.User, Role.Organizer, Role.Admin)
@Controller('notify/v1/notifications')
export class NotificationsController {
  constructor(private readonly inbox: ManageInboxUseCase) {}

  @Get()
  @ApiOperation({ summary: 'Your inbox, newest first; the unread count is in the x-unread-count header' })
  async list(@CurrentUser() p: Principal, @Query() q: ListInboxQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.inbox.list(p, q);
    reply.header('x-unread-count', String(r.unread));
    return r.page;
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of your notifications are unread' })
  unread(@CurrentUser() p: Principal) {
    return this.inbox.unreadCount(p);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Mark one notification read or unread' })
  mark(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: MarkNotificationDto) {
    return this.inbox.mark(p, id, dto.read);
  }

  @Post('read-all')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark every notification read' })
  readAll(@CurrentUser() p: Principal) {
    return this.inbox.readAll(p);
  }
}
