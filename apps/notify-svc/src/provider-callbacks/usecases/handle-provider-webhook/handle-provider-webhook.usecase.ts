import { Inject, Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { AppException, createValidationPipe, ErrorCode, isUuid } from '#common';
import { NOTIFY_CONFIG, notifyPublicUrl, type NotifyConfig } from '../../../config/notify-config.js';
import { DeliveriesRepository } from '../../../deliveries/deliveries.repository.js';
import type { DeliveryStatus } from '../../../deliveries/entities/delivery.entity.js';
import { NotifyMetrics } from '../../../metrics/notify-metrics.js';
import { SuppressionsRepository } from '../../../suppressions/suppressions.repository.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { GenericReceiptDto } from '../../dtos/generic-receipt.dto.js';
import { genericEvent } from '../../providers/generic.js';
import { metaEvents } from '../../providers/meta.js';
import { twilioEvent } from '../../providers/twilio.js';
import type { EventOutcome, InboundMessage, ProviderEvent, StatusReceipt } from '../../receipt.js';
import { RECEIPT_ACCOUNTS, type ReceiptAccounts, type ReceiptSecret } from '../../receipt-accounts.js';
import { ReceiptsRepository, type ReceiptTarget } from '../../receipts.repository.js';
import { parseForm, safeEqual, verifyMeta, verifyTwilio } from '../../signatures.js';

export const WEBHOOK_PROVIDERS = ['twilio', 'meta', 'generic'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** Largest provider webhook body (Twilio and Meta send a few KB); larger is 413 before any work. */
export const WEBHOOK_MAX_BYTES = 64 * 1024;

/** Who added a suppression from a provider's receipt or a recipient's STOP (an opt-in lifts only these). */
export const RECEIPTS_ACTOR = 'provider-receipt';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const FINAL: ReadonlySet<DeliveryStatus> = new Set(['delivered', 'bounced', 'failed']);

export interface ProviderWebhookRequest {
  provider: string;
  /** Path and query exactly as received (Twilio signs them under NOTIFY_PUBLIC_URL). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes the signature covers. */
  raw: Buffer | undefined;
  /** The parsed JSON body (JSON requests). */
  body: unknown;
}

export interface WebhookSummary {
  provider: WebhookProvider;
  events: number;
  accepted: number;
  duplicate: number;
  ignored: number;
  unknownMessage: number;
}

interface Resolved {
  event: ProviderEvent;
  tenantId?: string;
  target?: ReceiptTarget;
}

const header = (h: ProviderWebhookRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const mediaType = (h: ProviderWebhookRequest['headers']) => (header(h, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * A provider's webhook: its signature checked with the provider's own scheme over the exact bytes
 * (401 and nothing changed when it fails, counted), then each event applied in its tenant's
 * transaction. Status receipts move the delivery to delivered / bounced / failed with the provider's
 * reason, once (the same receipt again is a `duplicate`: no second event); a hard bounce, a complaint
 * or an unsubscribe suppresses the address; a STOP reply suppresses the sender's number for the
 * tenant that last sent to it, START lifts it. An unknown message is answered 200 (so the provider
 * does not retry forever) and changes nothing.
 *
 * Which secret may vouch for what: the signature is checked with the platform's secret and the
 * secrets of the tenants owning the deliveries the webhook names (ReceiptAccounts); a tenant's
 * secret only vouches for that tenant's deliveries.
 */
@Injectable()
export class HandleProviderWebhookUseCase {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly receipts: ReceiptsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly suppressions: SuppressionsRepository,
    private readonly uow: UnitOfWork,
    private readonly metrics: NotifyMetrics,
    @Inject(RECEIPT_ACCOUNTS) private readonly accounts: ReceiptAccounts,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async execute(r: ProviderWebhookRequest): Promise<WebhookSummary> {
    if (!(WEBHOOK_PROVIDERS as readonly string[]).includes(r.provider)) throw AppException.notFound('Provider webhook');
    const provider = r.provider as WebhookProvider;
    const raw = r.raw ?? Buffer.alloc(0);
    if (raw.length > WEBHOOK_MAX_BYTES) {
      throw new AppException(ErrorCode.PAYLOAD_TOO_LARGE, `Webhook bodies are at most ${WEBHOOK_MAX_BYTES} bytes`, 413);
    }
    if (provider === 'twilio') return this.twilio(r, raw);
    if (provider === 'meta') return this.meta(r, raw);
    return this.generic(r, raw);
  }

  /** The Meta subscription handshake: the challenge echoed when the verify token matches. */
  verifyMetaSubscription(mode: string | undefined, token: string | undefined, challenge: string | undefined): string {
    const expected = this.config.WHATSAPP_CLOUD_VERIFY_TOKEN;
    if (mode !== 'subscribe' || !expected || !token || !challenge || !safeEqual(token, expected)) {
      throw AppException.forbidden('Webhook verification refused');
    }
    return challenge;
  }

  private async twilio(r: ProviderWebhookRequest, raw: Buffer): Promise<WebhookSummary> {
    if (mediaType(r.headers) !== FORM) throw unsupported(FORM);
    const signature = header(r.headers, 'x-twilio-signature');
    // Unsigned: refused before any lookup.
    if (!signature) throw this.refuse('twilio');
    const params = parseForm(raw.toString('utf8'));
    const event = twilioEvent(params);
    const resolved = await this.resolve(event ? [event] : []);
    const url = notifyPublicUrl(this.config) + r.url;
    const secrets = await this.accounts.twilioAuthTokens(tenantsOf(resolved));
    const signer = firstValid(secrets, (s) => verifyTwilio(s, signature, url, params));
    if (!signer) throw this.refuse('twilio');
    if (!event)
      throw AppException.badRequest('Not a Twilio Messaging status callback or inbound message (MessageSid, MessageStatus / Body, From)');
    return this.apply('twilio', resolved, signer);
  }

  private async meta(r: ProviderWebhookRequest, raw: Buffer): Promise<WebhookSummary> {
    if (mediaType(r.headers) !== JSON_TYPE) throw unsupported(JSON_TYPE);
    const signature = header(r.headers, 'x-hub-signature-256');
    if (!signature) throw this.refuse('meta');
    const events = metaEvents(r.body);
    const resolved = await this.resolve(events ?? []);
    const secrets = await this.accounts.metaAppSecrets(tenantsOf(resolved));
    const signer = firstValid(secrets, (s) => verifyMeta(s, signature, raw));
    if (!signer) throw this.refuse('meta');
    if (!events) throw AppException.badRequest('Not a WhatsApp Cloud API webhook (entry[].changes[].value)');
    return this.apply('meta', resolved, signer);
  }

  /** Standard Webhooks: webhook-id, webhook-timestamp (within 5 minutes: older is a replay) and webhook-signature. */
  private async generic(r: ProviderWebhookRequest, raw: Buffer): Promise<WebhookSummary> {
    if (mediaType(r.headers) !== JSON_TYPE) throw unsupported(JSON_TYPE);
    const secret = this.config.RECEIPTS_WEBHOOK_SECRET;
    const signed = {
      'webhook-id': header(r.headers, 'webhook-id') ?? '',
      'webhook-timestamp': header(r.headers, 'webhook-timestamp') ?? '',
      'webhook-signature': header(r.headers, 'webhook-signature') ?? '',
    };
    try {
      if (!secret) throw new Error('no secret');
      new Webhook(secret).verify(raw.toString('utf8'), signed);
    } catch {
      throw this.refuse('generic');
    }
    const dto = (await this.validation.transform(r.body, { type: 'body', metatype: GenericReceiptDto })) as GenericReceiptDto;
    if (!dto.providerMessageId && !dto.deliveryId) {
      throw AppException.validation('Name the message: providerMessageId or deliveryId', [
        { field: 'providerMessageId', messages: ['providerMessageId or deliveryId is required'] },
      ]);
    }
    return this.apply('generic', await this.resolve([genericEvent(dto)]), { secret, tenantId: null });
  }

  private refuse(provider: WebhookProvider): AppException {
    this.metrics.receipts.inc({ provider, outcome: 'bad_signature' });
    return AppException.unauthorized('Missing or invalid webhook signature');
  }

  /** Finds each event's delivery (status) or tenant (inbound), across tenants. */
  private resolve(events: ProviderEvent[]): Promise<Resolved[]> {
    return Promise.all(
      events.map(async (event): Promise<Resolved> => {
        if (event.kind === 'inbound') return { event, tenantId: await this.receipts.latestSenderTo(event.channel, event.from) };
        const target = event.deliveryId
          ? isUuid(event.deliveryId)
            ? await this.receipts.byDeliveryId(event.deliveryId)
            : undefined
          : await this.receipts.byProviderMessageId(event.providerMessageId!, event.channels);
        return { event, target, tenantId: target?.tenant_id };
      }),
    );
  }

  private async apply(provider: WebhookProvider, resolved: Resolved[], signer: ReceiptSecret): Promise<WebhookSummary> {
    const summary: WebhookSummary = { provider, events: resolved.length, accepted: 0, duplicate: 0, ignored: 0, unknownMessage: 0 };
    // One at a time: a webhook carries a handful of events, and each commits on its own.
    for (const { event, tenantId, target } of resolved) {
      let outcome: EventOutcome;
      if (!tenantId || (signer.tenantId !== null && signer.tenantId !== tenantId)) outcome = 'unknown_message';
      else if (event.kind === 'inbound') outcome = await this.applyInbound(provider, tenantId, event);
      else outcome = await this.applyStatus(provider, target!, event);
      this.metrics.receipts.inc({ provider, outcome });
      if (outcome === 'unknown_message') summary.unknownMessage++;
      else summary[outcome]++;
    }
    return summary;
  }

  private applyStatus(provider: WebhookProvider, target: ReceiptTarget, e: StatusReceipt): Promise<EventOutcome> {
    if (e.effect === 'none') return Promise.resolve('ignored');
    return this.uow.tenant(target.tenant_id, async (tx) => {
      const row = await this.deliveries.lock(tx, target.id);
      if (!row) return 'unknown_message';
      const detail: Record<string, unknown> = { provider, providerStatus: e.providerStatus, ...(e.reason ? { reason: e.reason } : {}) };
      const now = new Date();
      let changed = false;
      switch (e.effect) {
        case 'delivered':
          if (row.status !== 'sent') return FINAL.has(row.status) ? 'duplicate' : 'ignored';
          await this.deliveries.transition(tx, row.id, 'delivered', { delivered_at: now }, { detail });
          return 'accepted';
        case 'bounced':
        case 'failed':
          // A bounce may come after a delivery receipt (email); a failure only for a message still in flight.
          if (row.status === 'sent' || (e.effect === 'bounced' && row.status === 'delivered')) {
            const at = e.effect === 'bounced' ? { bounced_at: now } : { failed_at: now };
            await this.deliveries.transition(tx, row.id, e.effect, { status_reason: e.reason, ...at }, { detail });
            changed = true;
          } else if (!FINAL.has(row.status)) return 'ignored';
          break;
        case 'complained':
        case 'unsubscribed': {
          if (!(await this.deliveries.hasEvent(tx, row.id, e.effect))) {
            await this.deliveries.event(tx, row.id, e.effect, detail);
            changed = true;
          }
          break;
        }
      }
      if (e.suppress && row.address) {
        const reason = `${e.effect}: ${e.reason ?? e.providerStatus} (${provider})`;
        changed =
          (await this.suppressions.ensure(tx.tenantId, { channel: row.channel, address: row.address, reason }, RECEIPTS_ACTOR)) || changed;
      }
      return changed ? 'accepted' : 'duplicate';
    });
  }

  private async applyInbound(provider: WebhookProvider, tenantId: string, e: InboundMessage): Promise<EventOutcome> {
    if (!e.intent) return 'ignored';
    const changed =
      e.intent === 'stop'
        ? await this.suppressions.ensure(
            tenantId,
            { channel: e.channel, address: e.from, reason: `unsubscribed: the recipient replied ${e.keyword} (${provider} ${e.channel})` },
            RECEIPTS_ACTOR,
          )
        : await this.suppressions.liftAddedBy(tenantId, e.channel, e.from, RECEIPTS_ACTOR);
    return changed ? 'accepted' : 'duplicate';
  }
}

function tenantsOf(resolved: Resolved[]): string[] {
  return [...new Set(resolved.map((r) => r.tenantId).filter((t): t is string => Boolean(t)))];
}

/** The first secret the signature verifies with; every candidate is tried (no early exit). */
function firstValid(secrets: ReceiptSecret[], verify: (secret: string) => boolean): ReceiptSecret | undefined {
  let found: ReceiptSecret | undefined;
  for (const s of secrets) if (verify(s.secret) && !found) found = s;
  return found;
}

function unsupported(type: string): AppException {
  return new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `This provider's webhooks are ${type}`, 415);
}
