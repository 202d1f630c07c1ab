/**
 * The sandbox worker process (started by the pool with `child_process.fork`). It holds the
 * isolates, runs one call at a time, and forwards host-capability calls to the parent, which
 * owns the capabilities. It exits when the parent goes away.
 */
import { checkArguments, compileParameters, SchemaProblem } from './args-check.ts';
import { IsolateRunner } from './isolate-runner.ts';
import type { CallOutcome, ParentMessage, WorkerMessage } from './protocol.ts';
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
  const started = process.hrtime.bigint();
  const refused = (code: string, text: string): CallOutcome => ({
    ok: false, code, message: text, cpuNs: (process.hrtime.bigint() - started).toString(), rss: process.memoryUsage.rss(),
  });
  let call = message;
  if (message.kind === 'run' && message.schema !== undefined) {
    try {
      const checked = checkArguments(message.schema.json, message.argsJson);
      if (!checked.ok) return void send({ type: 'result', id, outcome: refused('MOLT_ERR_SANDBOX_TOOL_ERROR', `invalid arguments for tool "${message.schema.tool}": ${checked.message}`) });
      call = { ...message, argsJson: checked.argsJson };
    } catch (error) {
      return void send({ type: 'result', id, outcome: refused('MOLT_ERR_SANDBOX_INVALID_TOOL', `tool "${message.schema.tool}": ${error instanceof SchemaProblem ? error.message : 'its parameters schema cannot be used'}`) });
    }
  }
  void runner.call(call, capability).then((outcome) => {
    for (const capId of capIds) pendingCaps.delete(capId);
    send({ type: 'result', id, outcome: message.kind === 'describe' ? checkDescribed(outcome) : outcome });
  });
});

/** A described tool whose `parameters` do not compile is refused at load time, with the reason. */
function checkDescribed(outcome: CallOutcome): CallOutcome {
  if (!outcome.ok || outcome.json === undefined) return outcome;
  const envelope = JSON.parse(outcome.json) as { ok: boolean; value?: { parameters?: unknown } };
  if (!envelope.ok) return outcome;
  try {
    compileParameters(JSON.stringify(envelope.value?.parameters ?? { type: 'object' }));
    return outcome;
  } catch (error) {
    const { json: _described, ...rest } = outcome;
    return { ...rest, ok: false, code: 'MOLT_ERR_SANDBOX_INVALID_TOOL', message: error instanceof SchemaProblem ? error.message : 'parameters is not a usable JSON Schema' };
  }
}

process.on('disconnect', () => {
  runner.dispose();
  process.exit(0);
});

send({ type: 'ready', pid: process.pid });
