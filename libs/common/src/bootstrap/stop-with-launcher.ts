import { noteShutdownSignals, stopSelf } from './processes.js';

/**
 * For a process started by a launcher over an IPC channel (`npm start`'s scripts/dev.ts, or the
 * primary of a service on several processes): when the launcher is gone without having stopped it
 * (killed outright, SIGKILL), stop as on SIGTERM, through the process's own shutdown path, instead
 * of running on orphaned with its ports held; not a second time when a shutdown signal came first.
 * Without a channel (a container, a test, `npm run start:*` on one process) it does nothing. The
 * channel is unref'd: it never keeps a stopping process alive.
 */
export function stopWithLauncher(): void {
  const channel = process.channel;
  if (!channel) return;
  channel.unref();
  noteShutdownSignals();
  process.once('disconnect', stopSelf);
}
