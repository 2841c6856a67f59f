/**
 * The signals a cancelled CI job or a user's Ctrl-C sends the process, as a
 * subscription: entry points wire it, the flow itself stays testable.
 */
import type { ForwardedSignal } from '../flow/host.js';

/** Listens for SIGINT and SIGTERM (which then no longer end the process); returns the unsubscribe. */
export function onProcessSignals(handler: (sig: ForwardedSignal) => void): () => void {
  const listener = (sig: NodeJS.Signals): void => {
    handler(sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
