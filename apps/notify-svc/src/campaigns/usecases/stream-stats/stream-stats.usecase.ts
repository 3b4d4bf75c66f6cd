import { Inject, Injectable, Logger } from '@nestjs/common';
import { StreamRevocations } from '#auth-kit';
import { AppException, isUuid, LIVE_BUS, type LiveBus, type Principal, type SseOptions, type SseStream } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { CampaignsRepository } from '../../campaigns.repository.js';
import { campaignTopic } from '../../campaign-live.js';
import { toStatsView } from '../../dtos/campaign.view.js';

/** Delivery outcomes (sent, delivered, failed) change in the delivery workers, which do not signal campaigns: re-read this often too. */
const REFRESH_MS = 2_000;
/** Signals closer together than this cost one read. */
const COALESCE_MS = 250;

/**
 * A campaign's stats, live (Server-Sent Events): a `stats` event at once, then whenever they
 * change — on the signal its expansion and send jobs publish after each commit, and every two
 * seconds for the deliveries' own progress. The database is the truth; signals only say "re-read".
 */
@Injectable()
export class StreamCampaignStatsUseCase {
  private readonly log = new Logger('campaign-stats-stream');

  constructor(
    private readonly campaigns: CampaignsRepository,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
    private readonly revocations: StreamRevocations,
  ) {}

  async execute(p: Principal, id: string, open: (opts: SseOptions) => SseStream): Promise<void> {
    const tenantId = p.tenantId!;
    const read = () =>
      this.campaigns.uow.tenant(
        tenantId,
        async (tx) => {
          const c = isUuid(id) ? await this.campaigns.find(tx, id.toLowerCase()) : undefined;
          return c ? toStatsView(c, await this.campaigns.counts(tx, c.id)) : undefined;
        },
        { readOnly: true },
      );
    const first = await read();
    if (!first) throw AppException.notFound('Campaign');
    const stream = open({ keepaliveMs: this.config.SSE_KEEPALIVE * 1000, maxBufferedBytes: this.config.SSE_MAX_BUFFER_BYTES });
    let last = JSON.stringify(first);
    stream.send({ event: 'stats', data: first });
    let timer: NodeJS.Timeout | null = null;
    let reading = false;
    const refresh = () => {
      if (timer || !stream.isOpen) return;
      timer = setTimeout(() => {
        timer = null;
        if (reading) return refresh();
        reading = true;
        read()
          .then((s) => {
            if (!s) return stream.close();
            const json = JSON.stringify(s);
            if (json !== last) {
              last = json;
              stream.send({ event: 'stats', data: s });
            }
          })
          .catch((err: unknown) => {
            this.log.warn(`campaign stats stream ended: ${String(err)}`);
            stream.close();
          })
          .finally(() => (reading = false));
      }, COALESCE_MS);
    };
    const off = this.bus.subscribe(campaignTopic(tenantId, first.campaignId), refresh, { onResync: refresh });
    const every = setInterval(refresh, REFRESH_MS);
    const expiry = p.expiresAt ? setTimeout(() => stream.close(), Math.min(2 ** 31 - 1, p.expiresAt * 1000 - Date.now())) : null;
    expiry?.unref();
    // A revoked credential (session ended, user deactivated) ends the stream within one revocation-feed poll.
    const unwatch = this.revocations.watch(p, (reason) => stream.closeWith({ event: 'revoked', data: { reason } }));
    stream.onClose(() => {
      off();
      unwatch();
      clearInterval(every);
      if (timer) clearTimeout(timer);
      if (expiry) clearTimeout(expiry);
    });
  }
}
