/** What an inbound message asks of its sender's subscription. */
export type OptIntent = 'stop' | 'start';

/**
 * The carrier opt-out keywords (CTIA, as Twilio's Advanced Opt-Out applies them): a message that is
 * exactly one of these words, case-insensitive and trimmed, opts its sender out, or back in. Twilio
 * also tells it outright with `OptOutType` (STOP, START, HELP) when Advanced Opt-Out is on; that
 * wins over the text, since the account may define its own keywords.
 */
export class OptOutPolicy {
  static readonly STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
  static readonly START = new Set(['START', 'UNSTOP', 'YES']);

  static intent(body: string | undefined, optOutType?: string): OptIntent | null {
    const told = optOutType?.trim().toUpperCase();
    if (told === 'STOP') return 'stop';
    if (told === 'START') return 'start';
    const word = (body ?? '').trim().toUpperCase();
    if (OptOutPolicy.STOP.has(word)) return 'stop';
    if (OptOutPolicy.START.has(word)) return 'start';
    return null;
  }
}
