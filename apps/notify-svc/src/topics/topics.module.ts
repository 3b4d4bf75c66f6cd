import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { TopicCredentialGuard } from './guards/topic-credential.guard.js';
import { TopicStreamLimits } from './streams/topic-stream-limits.js';
import { TopicsHttpSetup } from './streams/websocket-upgrade.js';
import { TopicStreamController } from './topic-stream.controller.js';
import { TopicsController } from './topics.controller.js';
import { TopicsRepository } from './topics.repository.js';
import { ManageTopicTokensUseCase } from './usecases/manage-topic-tokens/manage-topic-tokens.usecase.js';
import { ManageTopicSubscriptionsUseCase } from './usecases/manage-topic-subscriptions/manage-topic-subscriptions.usecase.js';
import { ManageTopicsUseCase } from './usecases/manage-topics/manage-topics.usecase.js';
import { PurgeTopicMessagesUseCase } from './usecases/purge-topic-messages/purge-topic-messages.usecase.js';
import { PublishTopicMessageUseCase } from './usecases/publish-message/publish-message.usecase.js';
import { SubscribeTopicUseCase } from './usecases/subscribe-topic/subscribe-topic.usecase.js';

/** Topics (seed 000): publish with one curl, subscribe live over SSE, a JSON stream or WebSocket, per-topic tokens. */
@Module({
  imports: [DeliveriesModule],
  controllers: [TopicsController, TopicStreamController],
  providers: [
    TopicsRepository,
    TopicCredentialGuard,
    TopicStreamLimits,
    TopicsHttpSetup,
    ManageTopicsUseCase,
    ManageTopicTokensUseCase,
    ManageTopicSubscriptionsUseCase,
    PublishTopicMessageUseCase,
    SubscribeTopicUseCase,
    PurgeTopicMessagesUseCase,
  ],
  exports: [TopicsRepository, PurgeTopicMessagesUseCase, PublishTopicMessageUseCase],
})
export class TopicsModule {}
