/** `moltbot sessions list | inspect | trace`, reading the files a gateway wrote. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileStore } from '../../../plugins/session-store-file/file-store.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import type { RunTrace } from '../../../sdk/agent/types.ts';

const trace: RunTrace = {
  runId: 'run-123', sessionKey: 'agent:main:main', startedAt: 0, status: 'ok', totalDuration: 12.5, modelCallTime: 10, toolExecutionTime: 1.25,
  tokenUsage: { input: 30, output: 7 }, model: 'fake/primary',
  events: [{ t: 0, type: 'run.start' }, { t: 0.5, type: 'model.start', model: 'fake/primary', attempt: 1 }, { t: 10.5, type: 'model.end', model: 'fake/primary', tokens: { input: 30, output: 7 } }, { t: 12.5, type: 'run.end', status: 'ok' }],
};

async function seed(cwd: string): Promise<void> {
  const store = createFileStore({ root: join(cwd, '.state', 'state', 'agents'), indexDelayMs: 0, maxOpenFiles: 4 });
  await store.append('main', 'agent:main:main', [
    { kind: 'message', id: 'u1', at: Date.UTC(2026, 0, 1), runId: 'run-123', role: 'user', content: 'hi' },
    { kind: 'message', id: 'a1', at: Date.UTC(2026, 0, 1), runId: 'run-123', role: 'assistant', content: 'hello', model: 'fake/primary', usage: { input: 30, output: 7 } },
    { kind: 'trace', id: 't1', at: Date.UTC(2026, 0, 1), runId: 'run-123', trace },
  ]);
  await store.close();
}

describe('moltbot sessions', () => {
  it('lists, inspects and traces', async () => {
    const { dir } = useTempDir();
    await seed(dir);
    const list = await runCliCaptured(['sessions', 'list'], { cwd: dir });
    expect(list.stdout).toMatchInlineSnapshot(`
      "KEY                                      MESSAGES     TOKENS  UPDATED
      agent:main:main                                 2         37  2026-01-01T00:00:00.000Z
      "
    `);
    const inspect = await runCliCaptured(['sessions', 'inspect', 'agent:main:main'], { cwd: dir });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ key: 'agent:main:main', messageCount: 2, tokenCount: { input: 30, output: 7 }, metadata: { lastModel: 'fake/primary' } });
    const traced = await runCliCaptured(['sessions', 'trace', 'run-123'], { cwd: dir });
    expect(traced.stdout).toMatchInlineSnapshot(`
      "run run-123  session agent:main:main  status ok  model fake/primary
      totalDuration 12.5 ms  modelCallTime 10.0 ms  toolExecutionTime 1.3 ms  tokens in 30 / out 7
        +      0.0 ms  run.start   
        +      0.5 ms  model.start model=fake/primary attempt=1
        +     10.5 ms  model.end   model=fake/primary tokens={"input":30,"output":7}
        +     12.5 ms  run.end     status=ok
      "
    `);
    const missing = await runCliCaptured(['sessions', 'trace', 'nope'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no trace for run "nope"');
  });
});
