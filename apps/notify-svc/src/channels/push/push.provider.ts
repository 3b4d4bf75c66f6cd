import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider.js';
import type { FcmSender } from './fcm.sender.js';
import { PushTarget, type PushEndpoint } from './push-target.js';
import type { EndpointOutcome, WebPushSender } from './web-push.sender.js';

export interface PushProviderOptions {
  webPush: WebPushSender | null;
  fcm: FcmSender | null;
  production: boolean;
}

/**
 * The push channel: Web Push for browser subscriptions, FCM HTTP v1 for device tokens.
 *
 * Fan-out: one delivery addressed to a user is ONE attempt that sends to every subscription and
 * device of that user at once, each endpoint's result recorded (`target.results`, written by the
 * worker as a `push_results` event). The attempt counts as sent when at least one endpoint took
 * the message; endpoints that failed beside it are not retried (a retry of the whole delivery
 * would repeat the message on the endpoints that have it). Only when no endpoint took it is the
 * attempt temporary (any endpoint failed temporarily: the delivery retries all) or permanent.
 *
 * An endpoint kind without a configured service is logged and counted as sent outside production
 * (the dev provider's behaviour, so `npm start` works without accounts) and NO_PROVIDER in it.
 */
export class PushProvider implements ChannelProvider {
  readonly channel = 'push' as const;
  readonly name: string;
  private readonly log = new Logger('push');

  constructor(private readonly opts: PushProviderOptions) {
    this.name = [opts.webPush ? 'web-push' : null, opts.fcm ? 'fcm' : null].filter(Boolean).join('+') || 'dev';
  }

  async send(msg: OutboundMessage, target?: unknown): Promise<SendOutcome> {
    if (!(target instanceof PushTarget) || target.endpoints.length === 0) {
      return { kind: 'permanent', code: 'NO_PUSH_TARGETS', error: 'the user has no push subscriptions or devices' };
    }
    const outcomes = await Promise.all(target.endpoints.map((e) => this.sendOne(msg, e)));
    target.results = outcomes.map((o, i) => ({
      kind: target.endpoints[i]!.kind,
      id: target.endpoints[i]!.id,
      outcome: o.outcome,
      gone: o.gone,
      ...(o.code ? { code: o.code } : {}),
      ...(o.messageId !== undefined ? { messageId: o.messageId } : {}),
    }));
    const sent = outcomes.filter((o) => o.outcome === 'sent');
    const detail = { endpoints: outcomes.length, sent: sent.length };
    if (sent.length > 0) {
      return { kind: 'sent', providerMessageId: sent.length === 1 ? (sent[0]!.messageId ?? null) : null, detail };
    }
    const summary = `${outcomes.length} endpoint(s), none took it: ${outcomes.map((o) => o.code).join(', ')}`.slice(0, 900);
    const temporary = outcomes.filter((o) => o.outcome === 'temporary');
    if (temporary.length > 0) {
      const waits = temporary.map((o) => o.retryAfterMs).filter((n): n is number => n !== undefined);
      return {
        kind: 'temporary',
        code: temporary[0]!.code ?? 'PUSH_TEMPORARY',
        error: summary,
        ...(waits.length ? { retryAfterMs: Math.max(...waits) } : {}),
      };
    }
    const allGone = outcomes.every((o) => o.gone);
    return { kind: 'permanent', code: allGone ? 'PUSH_TARGETS_GONE' : (outcomes[0]!.code ?? 'PUSH_FAILED'), error: summary };
  }

  private async sendOne(msg: OutboundMessage, e: PushEndpoint): Promise<EndpointOutcome> {
    try {
      if (e.kind === 'web' && this.opts.webPush) return await this.opts.webPush.send(msg, e);
      if (e.kind === 'fcm' && this.opts.fcm) return await this.opts.fcm.send(msg, e);
    } catch (err) {
      return { outcome: 'temporary', gone: false, code: 'PROVIDER_ERROR', error: err instanceof Error ? err.message : String(err) };
    }
    if (this.opts.production)
      return { outcome: 'permanent', gone: false, code: 'NO_PROVIDER', error: `no ${e.kind} push service is configured` };
    this.log.log(
      `dev ${e.kind} push (delivery ${msg.deliveryId}): ${(msg.content['title'] ?? '').slice(0, 80)} — ${(msg.content['body'] ?? '').slice(0, 160)}`,
    );
    return { outcome: 'sent', gone: false, messageId: `dev-${randomUUID()}` };
  }
}
