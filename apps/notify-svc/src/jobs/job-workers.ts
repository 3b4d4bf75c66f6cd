import { EventEmitter } from 'node:events';
import os from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { makeWorkerUtils, parseCronItems, run, type Runner, type Task, type WorkerEvents, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { RunCampaignUseCase } from '../campaigns/usecases/run-campaign/run-campaign.usecase.js';

import { SendToGroupUseCase } from '../deliveries/usecases/send-to-group/send-to-group.usecase.js';
import { RunContactImportUseCase } from '../contacts/usecases/run-contact-import/run-contact-import.usecase.js';
import { RunMaintenanceUseCase } from './usecases/run-maintenance/run-maintenance.usecase.js';
import { TASK, type CampaignJob, type ContactImportJob, type DeliverJob, type GroupSendJob, type TopicDueJob } from './job-queue.js';
import { PublishTopicMessageUseCase } from '../topics/usecases/publish-message/publish-message.usecase.js';
import { graphileLogger } from './graphile-logger.js';
import { PurgeTopicMessagesUseCase } from '../topics/usecases/purge-topic-messages/purge-topic-messages.usecase.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { ProcessDeliveryUseCase } from './usecases/process-delivery/process-delivery.usecase.js';
import { RunWorkflowUseCase } from '../workflows/usecases/run-workflow/run-workflow.usecase.js';
import type { WorkflowStepJob } from './job-queue.js';

/**
 * The job workers of this process, running every task type of TASK (deliveries among them): a
 * graphile-worker pool (LISTEN/NOTIFY for new jobs, SKIP LOCKED between pools, so any number of
 * processes share one queue without sending twice), with the retention and repair jobs on its cron.
 *
 * graphile-worker (open source) leaves a crashed pool's jobs locked for 4 hours; its crash
 * recovery is a commercial add-on. So each pool beats in `worker_heartbeats`, and every pool
 * unlocks the jobs of pools whose beat stopped for WORKER_HEARTBEAT_TIMEOUT (forceUnlockWorkers):
 * a SIGKILLed worker's deliveries go on within that time. This sweep is the only plumbing here.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('worker');
  private pool: pg.Pool | null = null;
  private runner: Runner | null = null;
  private utils: WorkerUtils | null = null;
  private poolIds = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly process: ProcessDeliveryUseCase,
    private readonly maintenance: RunMaintenanceUseCase,
    private readonly topicRetention: PurgeTopicMessagesUseCase,
    private readonly topicPublish: PublishTopicMessageUseCase,
    private readonly contactImport: RunContactImportUseCase,
    private readonly campaigns: RunCampaignUseCase,
    private readonly groupSend: SendToGroupUseCase,
    private readonly workflows: RunWorkflowUseCase,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.WORKERS_ENABLED) await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async start(): Promise<void> {
    const concurrency = this.config.WORKER_CONCURRENCY;
    this.pool = new pg.Pool({
      connectionString: this.config.NOTIFY_DATABASE_URL,
      // graphile-worker's own statements only: its LISTEN, the local queue's batched fetch and the
      // batched completions (the tasks reach the database through the UnitOfWork's pool). Measured:
      // at most 5 in use at WORKER_CONCURRENCY 64, so the pool does not grow with the concurrency.
      max: Math.min(concurrency, 8) + 2,
      application_name: 'notify-svc:worker',
    });
    this.pool.on('error', (err) => this.log.warn(`worker connection: ${String(err)}`));
    this.pool.on('connect', (client) => client.on('error', (err) => this.log.warn(`worker connection: ${String(err)}`)));
    this.utils = await makeWorkerUtils({ pgPool: this.pool, logger: graphileLogger() });
    const deliver: Task = async (payload) => {
      const job = payload as DeliverJob;
      await this.process.execute(job.t, job.d);
    };
    // Listening before run(): the pool is created inside it.
    const events: WorkerEvents = new EventEmitter();
    events.on('pool:create', ({ workerPool }) => {
      this.poolIds.add(workerPool.id);
      void this.beat();
    });
    events.on('pool:release', ({ workerPool }) => this.poolIds.delete(workerPool.id));
    this.runner = await run({
      pgPool: this.pool,
      events,
      concurrency,
      pollInterval: this.config.WORKER_POLL_INTERVAL * 1000,
      noHandleSignals: true,
      logger: graphileLogger(),
      taskList: {
        [TASK.deliver]: deliver,
        [TASK.purge]: async () => void (await this.maintenance.purge()),
        [TASK.repair]: async () => void (await this.maintenance.dispatchScheduled()),
        [TASK.topicPurge]: async () => void (await this.topicRetention.execute()),
        [TASK.topicDue]: async (payload) => this.topicPublish.deliverDue(payload as TopicDueJob),
        [TASK.contactImport]: async (payload) => {
          const job = payload as ContactImportJob;
          await this.contactImport.execute(job.t, job.i);
        },
        [TASK.campaignExpand]: async (payload) => {
          const job = payload as CampaignJob;
          await this.campaigns.expand(job.t, job.c);
        },
        [TASK.campaignSend]: async (payload) => {
          const job = payload as CampaignJob;
          await this.campaigns.send(job.t, job.c);
        },
        [TASK.groupSend]: async (payload) => {
          const job = payload as GroupSendJob;
          await this.groupSend.run(job.t, job.s);
        },
        [TASK.workflowStep]: async (payload) => {
          const job = payload as WorkflowStepJob;
          await this.workflows.step(job.t, job.r, job.i);
        },
      },
      parsedCronItems: parseCronItems([
        { task: TASK.purge, match: '17 * * * *' },
        { task: TASK.repair, match: '* * * * *' },
        { task: TASK.topicPurge, match: '*/5 * * * *' },
      ]),
      preset: { worker: { localQueue: { size: concurrency }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    });
    const every = Math.max(500, (this.config.WORKER_HEARTBEAT_TIMEOUT * 1000) / 3);
    this.timer = setInterval(() => void this.beat().then(() => this.sweep()), every);
    this.timer.unref();
    await this.beat();
    this.log.log(`delivery workers started (concurrency ${concurrency})`);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const ids = [...this.poolIds];
    await this.runner?.stop().catch((err: unknown) => this.log.warn(`worker stop: ${String(err)}`));
    this.runner = null;
    if (ids.length) {
      await this.uow.maintenance((tx) => tx.exec('DELETE FROM worker_heartbeats WHERE pool_id = ANY($1)', [ids])).catch(() => undefined);
    }
    await this.utils?.release();
    this.utils = null;
    await this.pool?.end();
    this.pool = null;
  }

  private async beat(): Promise<void> {
    if (!this.poolIds.size) return;
    await this.uow
      .maintenance((tx) =>
        tx.exec(
          `INSERT INTO worker_heartbeats (pool_id, host) SELECT unnest($1::text[]), $2
           ON CONFLICT (pool_id) DO UPDATE SET beat_at = now()`,
          [[...this.poolIds], `${os.hostname()}:${process.pid}`],
        ),
      )
      .catch((err: unknown) => this.log.warn(`heartbeat failed: ${String(err)}`));
  }

  /** Unlocks the jobs of pools that stopped beating (or held jobs without ever beating). */
  private async sweep(): Promise<void> {
    try {
      const dead = await this.uow.maintenance(async (tx) => {
        const gone = await tx.rows<{ pool_id: string }>(
          `DELETE FROM worker_heartbeats WHERE beat_at < now() - make_interval(secs => $1) RETURNING pool_id`,
          [this.config.WORKER_HEARTBEAT_TIMEOUT],
        );
        const orphans = await tx.rows<{ pool_id: string }>(
          `SELECT DISTINCT locked_by AS pool_id FROM graphile_worker.jobs
           WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)
             AND NOT EXISTS (SELECT 1 FROM worker_heartbeats h WHERE h.pool_id = locked_by)`,
          [this.config.WORKER_HEARTBEAT_TIMEOUT],
        );
        return [...new Set([...gone, ...orphans].map((r) => r.pool_id))].filter((id) => !this.poolIds.has(id));
      });
      if (dead.length && this.utils) {
        await this.utils.forceUnlockWorkers(dead);
        this.log.warn(`unlocked the jobs of ${dead.length} worker pool(s) that stopped beating: ${dead.join(', ')}`);
      }
    } catch (err) {
      this.log.warn(`worker sweep failed: ${String(err)}`);
    }
  }
}
