/**
 * The signals a service, a worker, the gateway and `npm start`'s launcher stop on, gracefully (the
 * Nest apps through `enableShutdownHooks`): a platform's SIGTERM, a terminal's SIGINT, a closed
 * terminal's SIGHUP, and SIGQUIT. Named rather than Nest's default, which is every signal it knows,
 * SIGUSR2 among them: Node's diagnostics use SIGUSR2 (`--report-on-signal`,
 * `--heapsnapshot-signal=SIGUSR2`), so a heap snapshot or a report asked of a running service
 * stopped it instead (found taking a heap snapshot of notify-svc under load).
 */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const;
