import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'graphile-worker';

/** graphile-worker's log lines through the service's logger: errors and warnings stay, its chatter goes to debug. */
export function graphileLogger(): Logger {
  const log = new NestLogger('queue');
  return new Logger(() => (level, message) => {
    if (level === 'error') log.error(message);
    else if (level === 'warning') log.warn(message);
    else log.debug(message);
  });
}
