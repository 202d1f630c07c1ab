/**
 * SIGTERM/SIGINT handled once per process, whatever the number of kernels: the first signal
 * closes every registered kernel, a second one forces the exit.
 */
type Listener = (signal: NodeJS.Signals) => void;

const listeners = new Set<Listener>();
let received = 0;

function onSignal(signal: NodeJS.Signals): void {
  received += 1;
  if (received > 1) {
    process.stderr.write(`moltbot: second ${signal}, exiting without waiting for close\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
  for (const listener of [...listeners]) listener(signal);
}

export function onShutdownSignal(listener: Listener): () => void {
  if (listeners.size === 0) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  };
}
