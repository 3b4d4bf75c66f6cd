import { Controller, Get, Header, HttpCode, Param, Post, Query, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppException, Public, RawResponse } from '#common';
import {
  HandleProviderWebhookUseCase,
  WEBHOOK_MAX_BYTES,
  WEBHOOK_PROVIDERS,
} from './usecases/handle-provider-webhook/handle-provider-webhook.usecase.js';

/**
 * Provider webhooks: delivery receipts and inbound replies. Public (providers hold no JWT); each is
 * authenticated by its provider's own signature over the exact body, and limited per client IP as
 * every public route is. No Idempotency-Key: a receipt is deduplicated by what it says (the same
 * status of the same message changes nothing twice), which is what providers' retries need.
 */
@ApiTags('provider webhooks')
@Controller('notify/v1/webhooks')
export class ProviderWebhooksController {
  constructor(private readonly handle: HandleProviderWebhookUseCase) {}

  @Post(':provider')
  @Public()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiParam({ name: 'provider', enum: WEBHOOK_PROVIDERS })
  @ApiHeader({
    name: 'X-Twilio-Signature',
    required: false,
    description: 'twilio: base64 HMAC-SHA1 of NOTIFY_PUBLIC_URL + path + query and the sorted parameters',
  })
  @ApiHeader({
    name: 'X-Hub-Signature-256',
    required: false,
    description: 'meta: sha256=<hex HMAC-SHA256 of the body with the app secret>',
  })
  @ApiHeader({
    name: 'webhook-signature',
    required: false,
    description: 'generic: Standard Webhooks (with webhook-id and webhook-timestamp)',
  })
  @ApiOperation({
    summary: 'Delivery receipts and inbound replies from a provider (public; signed by the provider)',
    description:
      `twilio: status callbacks and inbound messages (form-encoded; STOP / START replies suppress / lift the number). ` +
      `meta: WhatsApp Cloud API webhooks (JSON statuses[] and messages[]). generic: Standard Webhooks-signed JSON ` +
      `{type: delivered | bounced | failed | complained | unsubscribed, providerMessageId | deliveryId, reason?, hard?}. ` +
      `Bad or missing signature: 401, nothing changed. Unknown message: 200, nothing changed. Bodies up to ${WEBHOOK_MAX_BYTES} bytes.`,
  })
  receive(@Param('provider') provider: string, @Req() req: RawBodyRequest<FastifyRequest>) {
    // JSON: Nest's rawBody (configureApp); forms: the app's form parser keeps the body as its raw text.
    const raw = req.rawBody ?? (typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : undefined);
    return this.handle.execute({ provider, url: req.url, headers: req.headers, raw, body: req.body });
  }

  @Get(':provider')
  @Public()
  @RawResponse()
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiParam({ name: 'provider', enum: ['meta'] })
  @ApiQuery({ name: 'hub.mode', required: true, example: 'subscribe' })
  @ApiQuery({ name: 'hub.verify_token', required: true })
  @ApiQuery({ name: 'hub.challenge', required: true })
  @ApiOperation({
    summary: 'Meta webhook subscription handshake: echoes hub.challenge when hub.verify_token is WHATSAPP_CLOUD_VERIFY_TOKEN',
  })
  verify(@Param('provider') provider: string, @Query() q: Record<string, unknown>): string {
    if (provider !== 'meta') throw AppException.notFound('Provider webhook');
    const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return this.handle.verifyMetaSubscription(s(q['hub.mode']), s(q['hub.verify_token']), s(q['hub.challenge']));
  }
}
