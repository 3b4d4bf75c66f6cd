/**
 * The signals a service or worker stops on, gracefully (Nest's `enableShutdownHooks`): a platform's
 * SIGTERM, a terminal's SIGINT, a closed terminal's SIGHUP, and SIGQUIT. Named rather than Nest's
 * default, which is every signal it knows, SIGUSR2 among them: Node's diagnostics use SIGUSR2
 * (`--report-on-signal`, `--heapsnapshot-signal=SIGUSR2`), so a heap snapshot or a report asked of a
 * running service stopped it instead (found taking a heap snapshot of notify-svc under load).
 */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const;
