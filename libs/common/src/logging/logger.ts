import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { fileURLToPath } from 'node:url';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { QUIET_ACCESS_LOG, routeFlag } from '../http/route-config.js';
import type { PrettyTransportOptions } from './pretty-transport.js';

/** Anything that could carry a credential, wherever it sits in a log object. */
export const REDACT_PATHS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'refresh_token',
  'access_token',
  'key',
  'secret',
  'clientSecret',
  'authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.key',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-internal-api-key"]',
  'req.headers["x-topic-token"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'headers["x-internal-api-key"]',
  'res.headers["set-cookie"]',
];

const SECRET_QUERY = /([?&](?:token|api_key|apikey|access_token|refresh_token|code|state|key)=)[^&#]*/gi;

/** A URL fit for a log line: credentials passed in the query string are masked. */
export function sanitizeUrl(url: string): string {
  // Most request URLs have no query string at all: no regex pass for them.
  return url.includes('?') ? url.replace(SECRET_QUERY, '$1[REDACTED]') : url;
}

export interface LogFormatChoice {
  nodeEnv?: string;
  isTTY?: boolean;
}

/** Pretty for a person at a terminal; JSON in production and whenever the output is piped or collected. */
export function logFormat(c: LogFormatChoice): 'json' | 'pretty' {
  return c.isTTY && c.nodeEnv !== 'production' ? 'pretty' : 'json';
}

/**
 * JSON lines go through an asynchronous sonic-boom: lines logged while a write is in flight leave in
 * one write(2), instead of one synchronous write per line (pino's default for stdout), which was the
 * largest cost of a trivial route (docs/benchmarks.md). Nothing waits for a size threshold, so an idle
 * service's last line is not held back. Pino flushes at exit; fatal paths call logger.flush() first.
 */
function destination(format: 'json' | 'pretty', service: string): DestinationStream {
  if (format === 'pretty') {
    // Formatted in a worker thread (pretty-transport.ts), off the request path; pino flushes it at exit.
    return pino.transport<PrettyTransportOptions>({
      target: fileURLToPath(new URL('./pretty-transport.js', import.meta.url)),
      options: { service },
    });
  }
  return jsonLines(1);
}

/**
 * The asynchronous sonic-boom for JSON lines, in its buffer mode, each line handed over as bytes. In
 * its string mode every write measures the whole pending chunk again (`Buffer.byteLength` of a string
 * built by `+=`, up to 16 KB, flattened at each call), which was 4% of a cheap route's busy time under
 * load; in buffer mode a write converts its own line and adds a length. Same bytes out, same
 * batching into one write(2), and pino still finds `flushSync` for its exit handler. 200,000 access-sized
 * lines to a pipe: 3.5 -> 1.45 µs of CPU a line (docs/benchmarks.md, issue 20).
 */
export function jsonLines(fd: number): ReturnType<typeof pino.destination> {
  const stream = pino.destination({ dest: fd, sync: false, contentMode: 'buffer' });
  // Typed for strings; in buffer mode it takes a Buffer (sonic-boom's writeBuffer).
  const writeBuffer = stream.write.bind(stream) as unknown as (bytes: Buffer) => boolean;
  stream.write = (line: string) => writeBuffer(Buffer.from(line));
  return stream;
}

let stampMs = -1;
let stamp = '';
/**
 * pino's `isoTime`, formatted once per millisecond instead of once per line. Under load a service
 * writes several lines a millisecond, and `Date#toISOString` was pino's largest item in the profiles
 * of the cheap routes (`isoTime`, 1-2% of busy time; docs/benchmarks.md, issue 20). Same output.
 */
export function isoTimeOncePerMs(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

/** Per service logger, its redaction-free twin for access lines (same destination and level). */
const ACCESS_LOGGERS = new WeakMap<Logger, Logger>();

/** `into` replaces the destination (tests pass one to read the lines). */
export function createLogger(
  service: string,
  level: LevelWithSilent = 'info',
  format: 'auto' | 'json' | 'pretty' = 'json',
  into?: DestinationStream,
): Logger {
  const chosen = format === 'auto' ? logFormat({ nodeEnv: process.env.NODE_ENV, isTTY: process.stdout.isTTY }) : format;
  const dest = into ?? (level === 'silent' ? undefined : destination(chosen, service));
  const base = {
    level,
    base: { service },
    timestamp: isoTimeOncePerMs,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const logger = pino({ ...base, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } }, dest);
  // Access lines hold five known fields (the URL already sanitised): walking 30 redaction paths
  // over each of them is cost without use on the hottest logging path.
  ACCESS_LOGGERS.set(logger, pino(base, dest));
  return logger;
}

/** The level of one access line: 5xx error; a route marked @QuietAccessLog() (internal polling) debug below 400; else info. */
export function accessLogLevel(status: number, quiet: boolean): 'error' | 'info' | 'debug' {
  if (status >= 500) return 'error';
  return quiet && status < 400 ? 'debug' : 'info';
}

/**
 * One line per request, after the answer: method, sanitised URL, status, duration. Fastify's own
 * request logging is off (two lines per request, with the raw URL).
 */
export function registerAccessLog(fastify: FastifyInstance, serviceLogger: Logger): void {
  const logger = ACCESS_LOGGERS.get(serviceLogger) ?? serviceLogger;
  fastify.addHook('onResponse', (req, reply, done) => {
    const level = accessLogLevel(reply.statusCode, routeFlag(req.routeOptions.config, QUIET_ACCESS_LOG));
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          reqId: req.id,
          method: req.method,
          url: sanitizeUrl(req.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request completed',
      );
    }
    done();
  });
}

/** Nest's start-up chatter (modules loaded, each route mapped): debug, not info. */
const NEST_STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Routes Nest's own log calls (bootstrap, route mapping, exceptions) into the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && NEST_STARTUP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context }, String(message));
  }
}
