import { describe, expect, it } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import sandbox from '../../../plugins/sandbox/index.ts';

describe('doctor: sandbox worker check', () => {
  it('runs a real probe through a worker process and an isolate', async () => {
    const kernel = await createTestKernel({ plugins: [[sandbox, { poolSize: 1 }]] });
    const checks: Check[] = [];
    await kernel.hooks.diagnose.promise({ add: (check) => checks.push(check) });
    const check = checks.find((c) => c.id === 'sandbox.worker');
    expect(check).toMatchObject({ severity: 'ok', title: 'Sandbox worker' });
    expect(check!.description).toMatch(/^A probe tool ran in an isolate in worker pid \d+ in [\d.]+ ms\.$/);
    expect(check!.description).not.toMatch(new RegExp(`pid ${process.pid}\\b`));
  });
});
