/**
 * The sandbox worker process (started by the pool with `child_process.fork`). It holds the
 * isolates, runs one call at a time, and forwards host-capability calls to the parent, which
 * owns the capabilities. It exits when the parent goes away.
 */
import { IsolateRunner } from './isolate-runner.ts';
import type { ParentMessage, WorkerMessage } from './protocol.ts';
import { assertSnapshotDisabled } from './snapshot-guard.ts';

assertSnapshotDisabled(process.execArgv);

const send = (message: WorkerMessage) => process.send?.(message);
const recycleAfter = Number(process.env.MOLTBOT_SANDBOX_RECYCLE_AFTER) || 500;
const runner = new IsolateRunner(recycleAfter);
const pendingCaps = new Map<number, { resolve(json: string): void; reject(error: Error): void }>();
let capSeq = 0;

process.on('message', (raw) => {
  const message = raw as ParentMessage;
  if (message.type === 'capResult') {
    const pending = pendingCaps.get(message.capId);
    if (pending === undefined) return;
    pendingCaps.delete(message.capId);
    if (message.ok) pending.resolve(message.valueJson ?? 'null');
    else pending.reject(new Error(message.error ?? 'capability failed'));
    return;
  }
  if (message.type !== 'call') return;
  const { id, limits } = message;
  let hostCalls = 0;
  const capIds: number[] = [];
  const capability = (name: string, argsJson: string): Promise<string> => {
    if (typeof name !== 'string' || typeof argsJson !== 'string') return Promise.reject(new TypeError('invalid capability call'));
    if (++hostCalls > limits.maxHostCalls) return Promise.reject(new Error(`more than ${limits.maxHostCalls} host calls in one run`));
    return new Promise((resolve, reject) => {
      const capId = ++capSeq;
      capIds.push(capId);
      pendingCaps.set(capId, { resolve, reject });
      send({ type: 'cap', id, capId, name, argsJson });
    });
  };
  void runner.call(message, capability).then((outcome) => {
    for (const capId of capIds) pendingCaps.delete(capId);
    send({ type: 'result', id, outcome });
  });
});

process.on('disconnect', () => {
  runner.dispose();
  process.exit(0);
});

send({ type: 'ready', pid: process.pid });
