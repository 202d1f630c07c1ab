/**
 * npm as a user runs it, but offline: every registry package a test installs must come from
 * npm's cache (filled by this checkout's `npm ci`), so a test never depends on the network and
 * a missing lock entry fails loudly (ENOTCACHED) instead of downloading.
 */
import { execFileSync, spawn } from 'node:child_process';

/** npm's cache folder, asked once with the real environment (tests give children a temp HOME). */
export const NPM_CACHE = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();

export interface NpmResult { code: number; stdout: string; stderr: string }

export function npm(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<NpmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd: options.cwd,
      // Nothing of this test process (VITEST_* variables) leaks into a nested vitest run.
      env: {
        PATH: process.env.PATH,
        HOME: options.cwd,
        npm_config_cache: NPM_CACHE,
        npm_config_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
        npm_config_loglevel: 'error',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: npm ${args.join(' ')}\n${stderr}`)); }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}
