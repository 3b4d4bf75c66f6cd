import { randomBytes } from 'node:crypto';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';

/** An endpoint as its owners see it (never its secrets; the previous one's end only while it still signs). */
export const webhookEndpointView = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  previousSecretValidUntil: e.previous_secret_until && e.previous_secret_until > new Date() ? e.previous_secret_until : null,
  createdBy: e.created_by,
  createdAt: e.created_at,
  updatedAt: e.updated_at,
});

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. Shown once, stored encrypted. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
