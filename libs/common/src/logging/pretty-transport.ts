import PinoPretty from 'pino-pretty';

export interface PrettyTransportOptions {
  service: string;
}

/**
 * The pretty (terminal) log format, run by pino in a worker thread (`pino.transport`), so that
 * formatting and colouring each line never takes time from requests on the main thread. A module of
 * its own because a transport's options cross a thread boundary and cannot carry the
 * `messageFormat` function: the function lives here, in the worker.
 */
export default function prettyTransport({ service }: PrettyTransportOptions) {
  return PinoPretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,context,reqId,method,url,status,ms',
    // An access line reads `GET /auth/v1/me 200 3.1ms`; others `[Context] message`.
    messageFormat: (log) => {
      if (typeof log.method === 'string') return `${service} ${log.method} ${String(log.url)} ${String(log.status)} ${String(log.ms)}ms`;
      return `${service} ${typeof log.context === 'string' && log.context !== 'nest' ? `[${log.context}] ` : ''}${String(log.msg)}`;
    },
    singleLine: true,
  });
}
