/**
 * isolated-vm requires `--no-node-snapshot` on Node >= 20 (V8's shared-heap snapshot crashes
 * when isolates in one process use different snapshots, isolated-vm #420). It cannot be set at
 * runtime, and a missing flag does not always crash at once, so the worker refuses to start.
 */

export const SNAPSHOT_FLAG = '--no-node-snapshot';

/** Exit code of a worker started without the flag (EX_SOFTWARE): the pool reports it as unavailable. */
export const EXIT_NO_SNAPSHOT_FLAG = 70;

export function assertSnapshotDisabled(execArgv: readonly string[], exit: (code: number) => never = process.exit): void {
  if (execArgv.includes(SNAPSHOT_FLAG)) return;
  process.stderr.write(`moltbot sandbox worker: refusing to start without ${SNAPSHOT_FLAG}\n`);
  exit(EXIT_NO_SNAPSHOT_FLAG);
}
