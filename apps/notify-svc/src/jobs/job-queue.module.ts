import { Global, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { JobQueue, installQueueSchema } from './job-queue.js';

/** Installs graphile-worker's schema at start, after the service's own migrations and before the first request. */
@Injectable()
class QueueSchema implements OnModuleInit {
  constructor(@Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig) {}

  onModuleInit(): Promise<void> {
    return installQueueSchema(this.config.NOTIFY_DATABASE_URL);
  }
}

@Global()
@Module({ providers: [QueueSchema, JobQueue], exports: [JobQueue] })
export class JobQueueModule {}
