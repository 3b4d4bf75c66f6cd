import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppException, LIVE_BUS, type LiveBus } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { ContactTargets } from '../../../contacts/contact-targets.js';
import { ContactsRepository, type GroupRow } from '../../../contacts/contacts.repository.js';
import { AcceptPipeline } from '../../../deliveries/accept/accept-pipeline.js';
import type { RecipientDto } from '../../../deliveries/dtos/send-delivery.dto.js';
import { JobQueue, TASK } from '../../../jobs/job-queue.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import { CampaignStatePolicy } from '../../campaign-state.js';
import { CampaignClock } from '../../clock.js';
import { CampaignsRepository, type CampaignRow, type DueRecipientRow } from '../../campaigns.repository.js';
import { nextLocalTime } from '../../local-time.js';
import { campaignTopic } from '../../campaign-live.js';

/** An expansion page is this many send chunks: recipient rows are cheap, and fewer pages mean fewer waits on the campaign lock. */
const EXPAND_PAGE_CHUNKS = 5;

/**
 * The worker side of a campaign: two durable graphile-worker jobs.
 *
 * campaign_expand — one page of the audience per job: contacts in id order after the stored
 * cursor, inserted as recipients with each one's send time (ON CONFLICT DO NOTHING on
 * (campaign, contact)), the cursor advanced in the same transaction, then the next page added as a
 * new job in it too. A process killed mid-page loses only that uncommitted page, and the job
 * (unlocked by the heartbeat sweep) runs again from the cursor: no recipient twice.
 *
 * campaign_send — recipients whose time came, in chunks, each chunk one transaction that hands
 * them to the AcceptPipeline (the pinned template version rendered per contact, suppressions,
 * preferences and quota decided as for any send, deliveries and their jobs inserted) and sets
 * each recipient's delivery_id: a restart never makes a second delivery for one.
 * Throttle: with maxPerMinute, at most that many deliveries per fixed window (CAMPAIGN_RATE_WINDOW,
 * a minute) counted on the campaign row; a full window schedules the next run at its end. The tenant's daily quota is consumed per chunk; when it
 * is spent the job waits a minute and tries again. Pause makes the job stop taking recipients
 * (deliveries already made — at most one window's worth — go out); resume adds it again.
 */
@Injectable()
export class RunCampaignUseCase {
  private readonly log = new Logger('campaigns');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly campaigns: CampaignsRepository,
    private readonly contacts: ContactsRepository,
    private readonly targets: ContactTargets,
    private readonly pipeline: AcceptPipeline,
    private readonly queue: JobQueue,
    private readonly clock: CampaignClock,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  /** The send time of a contact under the campaign's schedule. */
  sendAt(c: Pick<CampaignRow, 'schedule'>, timezone: string | null, now: number): Date {
    const s = c.schedule;
    switch (s.kind) {
      case 'now':
        return new Date(now);
      case 'at':
        return new Date(s.at);
      case 'local_time':
        return new Date(nextLocalTime(s.time, timezone ?? s.defaultTimezone ?? 'UTC', now, s.date));
    }
  }

  /** Expands one page of the audience (campaign_expand). */
  async expand(tenantId: string, campaignId: string): Promise<void> {
    await this.uow.tenant(tenantId, async (tx) => {
      const c = await this.campaigns.find(tx, campaignId, true);
      if (!c || c.expanded || c.status === 'draft' || c.status === 'cancelled' || c.status === 'completed') return;
      const groups: GroupRow[] = [];
      for (const id of c.audience.groupIds ?? []) {
        const g = await this.contacts.findGroup(tx, id);
        if (g) groups.push(g);
      }
      const page = await this.contacts.audiencePage(
        tx,
        { groups, filter: c.audience.filter },
        this.config.CAMPAIGN_CHUNK * EXPAND_PAGE_CHUNKS,
        c.expansion_cursor,
      );
      const now = this.clock.now();
      const inserted = page.length
        ? await this.campaigns.insertRecipients(
            tx,
            c.id,
            page.map((p) => ({ contactId: p.id, sendAt: this.sendAt(c, p.timezone, now) })),
          )
        : 0;
      const done = page.length < this.config.CAMPAIGN_CHUNK * EXPAND_PAGE_CHUNKS;
      await this.campaigns.advanceExpansion(tx, c.id, page[page.length - 1]?.id ?? null, done, inserted);
      if (!done) await this.queue.enqueueCampaign(tx, TASK.campaignExpand, c.id);
      // New recipients may be due now: the send job looks (a throttled one keeps its window).
      if (inserted || done) await this.queue.enqueueCampaign(tx, TASK.campaignSend, c.id, null, c.max_per_minute !== null);
    });
    this.signal(tenantId, campaignId);
  }

  /** After a commit: open stats streams re-read (a lost signal only delays them to their next refresh). */
  private signal(tenantId: string, campaignId: string): void {
    this.bus
      .publish(campaignTopic(tenantId, campaignId), { c: campaignId })
      .catch((err: unknown) => this.log.warn(`stats signal: ${String(err)}`));
  }

  /** Turns one chunk of due recipients into deliveries and schedules the next run (campaign_send). */
  async send(tenantId: string, campaignId: string): Promise<void> {
    await this.uow.tenant(tenantId, async (tx) => {
      const c = await this.campaigns.find(tx, campaignId, true);
      if (!c || !CampaignStatePolicy.sends(c.status)) return;
      const now = this.clock.now();
      // The send-rate cap: at most maxPerMinute per window (real time, CAMPAIGN_RATE_WINDOW), kept on
      // the campaign row so a pause and resume within a window cannot burst past it.
      const windowMs = this.config.CAMPAIGN_RATE_WINDOW * 1000;
      let windowStart = c.window_started_at ? new Date(c.window_started_at).getTime() : 0;
      let windowSent = c.window_sent;
      if (c.max_per_minute !== null && Date.now() - windowStart >= windowMs) {
        windowStart = Date.now();
        windowSent = 0;
      }
      const allowed = c.max_per_minute === null ? Infinity : c.max_per_minute - windowSent;
      if (allowed <= 0) {
        await this.queue.enqueueCampaign(tx, TASK.campaignSend, c.id, new Date(windowStart + windowMs));
        return;
      }
      const limit = Math.min(this.config.CAMPAIGN_CHUNK, allowed);
      const due = await this.campaigns.dueRecipients(tx, c.id, new Date(now), limit);
      if (due.length) {
        try {
          await this.deliver(tx, c, due);
        } catch (err) {
          // The daily quota is spent (nothing was written): the job tries again in a minute.
          if (!(err instanceof AppException) || err.getStatus() !== 429) throw err;
          this.log.warn(`campaign ${c.id}: the daily quota is spent; trying again in a minute`);
          await this.queue.enqueueCampaign(tx, TASK.campaignSend, c.id, new Date(Date.now() + 60_000));
          return;
        }
        if (c.status === 'scheduled') await this.campaigns.setStatus(tx, c.id, 'running');
      }
      if (c.max_per_minute !== null) {
        windowSent += due.length;
        await this.campaigns.saveWindow(tx, c.id, new Date(windowStart), windowSent);
      }
      const windowFull = c.max_per_minute !== null && windowSent >= c.max_per_minute;
      await this.next(tx, c, now, windowFull ? new Date(windowStart + windowMs) : null, due.length === limit);
    });
    this.signal(tenantId, campaignId);
  }

  /**
   * Creates the deliveries of a chunk through the AcceptPipeline (the pinned template version,
   * suppressions, preferences, quota: as any send) and links them to their recipients; a recipient
   * the pipeline refuses (render error, too long, no content) is closed as failed with the reason.
   */
  private async deliver(tx: Tx, c: CampaignRow, due: DueRecipientRow[]): Promise<void> {
    const channel = c.channel;
    const closed: Array<{ id: string; status: 'skipped' | 'failed'; reason: string }> = [];
    const targets: Array<{ contactId: string; to: RecipientDto; data: Record<string, unknown> }> = [];
    for (const r of due) {
      const to = r.found ? this.targets.address(r, channel) : null;
      if (!to) {
        closed.push({ id: r.contact_id, status: 'skipped', reason: r.found ? `no address for ${channel}` : 'the contact was deleted' });
        continue;
      }
      const contact = {
        name: r.name,
        email: r.email,
        phone: r.phone,
        locale: r.locale,
        timezone: r.timezone,
        externalId: r.external_id,
        attributes: r.attributes,
      };
      targets.push({ contactId: r.contact_id, to, data: { contact } });
    }
    const linked: Array<{ id: string; d: string }> = [];
    if (targets.length) {
      const { outcomes } = await this.pipeline.accept(tx, {
        channel,
        source: { template: { id: c.template_id ?? undefined, version: c.template_version } },
        recipients: targets,
        data: c.data ?? {},
        category: c.category,
        priority: 'low',
        // The campaign id is the deliveries' batch id: GET /deliveries shows them together.
        batchId: c.id,
        createdBy: `campaign:${c.id}`,
        planTier: c.plan_tier ?? 'free',
        onInvalid: 'refuse',
      });
      outcomes.forEach((o, i) => {
        const id = targets[i]!.contactId;
        if (o.delivery) linked.push({ id, d: o.delivery.id });
        else closed.push({ id, status: 'failed', reason: o.refused });
      });
    }
    if (closed.length) await this.campaigns.closeRecipients(tx, c.id, closed);
    if (linked.length) await this.campaigns.linkDeliveries(tx, c.id, linked);
  }

  /** Completes the campaign, or adds the send job again for the next window / due recipient. */
  private async next(tx: Tx, c: CampaignRow, now: number, windowEnd: Date | null, full: boolean): Promise<void> {
    // The earliest waiting recipient (the partial index on pending recipients by send_at): none left = done.
    const next = await this.campaigns.nextPendingAt(tx, c.id);
    // Read under this transaction's lock on the campaign: the expansion cannot move it meanwhile.
    const expanded = c.expanded;
    if (!next) {
      if (expanded) await this.campaigns.setStatus(tx, c.id, 'completed', { completed: true });
      // Not expanded yet: the next page of the expansion adds the send job again.
      return;
    }
    const poll = this.config.CAMPAIGN_POLL_INTERVAL * 1000;
    const wait = full ? 0 : Math.max(0, Math.min(poll, new Date(next).getTime() - now));
    const at = Math.max(Date.now() + wait, windowEnd?.getTime() ?? 0);
    await this.queue.enqueueCampaign(tx, TASK.campaignSend, c.id, new Date(at));
  }
}
