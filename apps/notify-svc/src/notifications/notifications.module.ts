import { Module } from '@nestjs/common';
import { InboxRepository } from './inbox.repository.js';
import { NotificationsController } from './notifications.controller.js';
import { ManageInboxUseCase } from './usecases/manage-inbox/manage-inbox.usecase.js';

@Module({ controllers: [NotificationsController], providers: [InboxRepository, ManageInboxUseCase], exports: [InboxRepository] })
export class NotificationsModule {}
