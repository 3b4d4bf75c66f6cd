import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { TopicCredentialGuard } from './guards/topic-credential.guard.js';
import { TopicReads } from './streams/topic-reads.js';
import { TopicStreamLimits } from './streams/topic-stream-limits.js';
import { TopicsHttpSetup } from './streams/websocket-upgrade.js';
import { TopicStreamController } from './topic-stream.controller.js';
import { TopicsController } from './topics.controller.js';
import { TopicsRepository } from './topics.repository.js';
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
    TopicReads,
    TopicsHttpSetup,
    CreateTopicUseCase,
    ListTopicsUseCase,
    GetTopicUseCase,
    UpdateTopicUseCase,
    DeleteTopicUseCase,
    CreateTopicTokenUseCase,
    ListTopicTokensUseCase,
    RevokeTopicTokenUseCase,
    CreateTopicSubscriptionUseCase,
    ListTopicSubscriptionsUseCase,
    DeleteTopicSubscriptionUseCase,
    PublishTopicMessageUseCase,
    SubscribeTopicUseCase,
    PurgeTopicMessagesUseCase,
  ],
  exports: [TopicsRepository, PurgeTopicMessagesUseCase, PublishTopicMessageUseCase],
})
export class TopicsModule {}
