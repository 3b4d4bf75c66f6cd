import { Injectable } from '@nestjs/common';

/**
 * The time campaigns schedule by (local-time sends, due recipients). A provider of its own so a
 * test can move it (three timezones' 09:00 are hours apart) without waiting.
 */
@Injectable()
export class CampaignClock {
  now(): number {
    return Date.now();
  }
}
