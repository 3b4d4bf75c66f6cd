import { Module } from '@nestjs/common';
import { InboxPublisher } from './inbox.publisher.js';
import { InboxRepository } from './inbox.repository.js';
import { NotificationsController } from './notifications.controller.js';
import { ManageInboxUseCase } from './usecases/manage-inbox/manage-inbox.usecase.js';
import { StreamInboxUseCase } from './usecases/stream-inbox/stream-inbox.usecase.js';

@Module({
  controllers: [NotificationsController],
  providers: [InboxRepository, InboxPublisher, ManageInboxUseCase, StreamInboxUseCase],
  exports: [InboxRepository, InboxPublisher],
})
export class NotificationsModule {}
