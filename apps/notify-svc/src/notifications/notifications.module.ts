import { Module } from '@nestjs/common';
import { InboxPublisher } from './inbox.publisher.js';
import { InboxRepository } from './inbox.repository.js';
import { NotificationsController } from './notifications.controller.js';
import { CountUnreadUseCase } from './usecases/count-unread/count-unread.usecase.js';
import { ListInboxUseCase } from './usecases/list-inbox/list-inbox.usecase.js';
import { MarkAllReadUseCase } from './usecases/mark-all-read/mark-all-read.usecase.js';
import { MarkAllSeenUseCase } from './usecases/mark-all-seen/mark-all-seen.usecase.js';
import { MarkNotificationUseCase } from './usecases/mark-notification/mark-notification.usecase.js';
import { StreamInboxUseCase } from './usecases/stream-inbox/stream-inbox.usecase.js';

@Module({
  controllers: [NotificationsController],
  providers: [
    InboxRepository,
    InboxPublisher,
    ListInboxUseCase,
    CountUnreadUseCase,
    MarkNotificationUseCase,
    MarkAllSeenUseCase,
    MarkAllReadUseCase,
    StreamInboxUseCase,
  ],
  exports: [InboxRepository, InboxPublisher],
})
export class NotificationsModule {}
