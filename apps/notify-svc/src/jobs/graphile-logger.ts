import { Logger as NestLogger, type LoggerService } from '@nestjs/common';
import { Logger } from 'graphile-worker';

/**
 * graphile-worker warns at start when its pool is smaller than the concurrency, assuming the tasks
 * borrow its connections. Ours reach PostgreSQL through the UnitOfWork's pool; the worker's pool is
 * sized for graphile-worker's own statements on purpose (job-workers.ts), so that warning would only
 * mislead an operator: it goes to debug.
 */
function isPoolSizeAdvice(meta: Record<string, unknown> | undefined): boolean {
  return meta !== undefined && 'max' in meta && 'concurrency' in meta;
}

/** graphile-worker's log lines through the service's logger: errors and warnings stay, its chatter goes to debug. */
export function graphileLogger(log: Pick<LoggerService, 'error' | 'warn' | 'debug'> = new NestLogger('queue')): Logger {
  return new Logger(() => (level, message, meta) => {
    if (level === 'error') log.error(message);
    else if (level === 'warning' && !isPoolSizeAdvice(meta)) log.warn(message);
    else log.debug?.(message);
  });
}
