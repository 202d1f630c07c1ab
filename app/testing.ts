/**
 * The test kit (`moltbot/testing`): a kernel that boots in memory, in a fresh temp state dir,
 * captures its log lines, and closes itself when the current vitest test finishes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel } from './index.ts';
import type { Kernel, KernelOptions } from '../core/kernel.ts';

export interface TestKernelOptions extends KernelOptions {
  /** Start the kernel before returning (default true). */
  start?: boolean;
  /** Close it when the current test finishes (default true; needs vitest). */
  autoClose?: boolean;
}

export interface LogRecord {
  level: number;
  msg?: string;
  plugin?: string;
  [key: string]: unknown;
}

export interface TestKernel extends Kernel {
  /** Every log line written so far, parsed. */
  readonly logs: LogRecord[];
  /** Fresh temp dir used as home and state dir; removed after close. */
  readonly tempDir: string;
}

export async function createTestKernel(options: TestKernelOptions = {}): Promise<TestKernel> {
  const tempDir = mkdtempSync(join(tmpdir(), 'moltbot-test-'));
  const logs: LogRecord[] = [];
  const { start = true, autoClose = true, ...kernelOptions } = options;
  const kernel = createKernel({
    config: {},
    cwd: tempDir,
    homeDir: tempDir,
    logLevel: 'debug',
    logDestination: { write: (line: string) => logs.push(JSON.parse(line) as LogRecord) },
    ...kernelOptions,
    env: { HOME: tempDir, MOLTBOT_STATE_DIR: join(tempDir, 'state'), ...kernelOptions.env },
  });
  const close = kernel.close.bind(kernel);
  const closeAndClean = async () => {
    try {
      await close();
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
    }
  };
  let closing: Promise<void> | undefined;
  const testKernel = Object.assign(kernel, {
    logs,
    tempDir,
    close: () => (closing ??= closeAndClean()),
  }) as TestKernel;
  // A close error the test did not ask about fails the test; one it awaited itself is its own.
  if (autoClose) await closeAfterCurrentTest(() => (closing ? Promise.resolve() : testKernel.close()));
  if (start) await testKernel.start();
  return testKernel;
}

async function closeAfterCurrentTest(fn: () => Promise<unknown>): Promise<void> {
  try {
    const { onTestFinished } = await import('vitest');
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    // Outside a vitest test: the caller closes the kernel itself.
  }
}
