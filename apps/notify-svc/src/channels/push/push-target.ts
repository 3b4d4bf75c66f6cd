/** One place a push goes: a browser's Web Push subscription or an app's FCM registration token. */
export type PushEndpoint =
  { kind: 'web'; id: string; endpoint: string; p256dh: string; auth: string } | { kind: 'fcm'; id: string | null; token: string }; // id null: a raw token given as the delivery's address

export interface PushEndpointResult {
  kind: PushEndpoint['kind'];
  id: string | null;
  outcome: 'sent' | 'temporary' | 'permanent';
  /** The push service reports the subscription or token gone (404/410, UNREGISTERED): it is removed. */
  gone: boolean;
  code?: string;
  messageId?: string | null;
}

/**
 * Every endpoint one push delivery goes to (resolved by the worker inside the tenant's
 * transaction). The provider fills `results`, one per endpoint, so the worker can record them and
 * remove the gone ones in the transaction that records the attempt.
 */
export class PushTarget {
  results: PushEndpointResult[] = [];
  constructor(readonly endpoints: PushEndpoint[]) {}
}
