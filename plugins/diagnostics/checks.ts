/**
 * Doctor's own checks: Node version, free memory, free disk, gateway port, config, state dir
 * and file permissions (fixable). Other plugins add theirs (cache tiers, Redis, sandbox worker,
 * session store) through the `diagnose` hook.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import satisfies from 'semver/functions/satisfies.js';
import type { Check } from '../../sdk/core/index.ts';
import { fsChecks } from '../../sdk/reports/index.ts';
import type { SystemInfo } from './system-info.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const size = (bytes: number) => (bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / MiB)} MiB`);

/** package.json `engines.node`. */
export const REQUIRED_NODE = '>=24';

export function nodeCheck(version: string, range = REQUIRED_NODE): Check {
  const ok = satisfies(version, range);
  return ok
    ? { id: 'node.version', severity: 'ok', title: 'Node version', description: `Node ${version} satisfies ${range}.` }
    : { id: 'node.version', severity: 'critical', title: 'Node version unsupported', description: `Node ${version} does not satisfy ${range}; moltbot relies on Node 24 features (type stripping).`, recommendation: `Install Node ${range} (e.g. \`nvm install 24\`).` };
}

export function memoryCheck(memory: SystemInfo['system']['memory']): Check {
  const share = memory.freeBytes / memory.totalBytes;
  const severity = share < 0.05 || memory.freeBytes < 128 * MiB ? 'critical' : share < 0.1 || memory.freeBytes < 512 * MiB ? 'warning' : 'ok';
  return { id: 'system.memory_low', severity, title: 'Free memory', description: `${size(memory.freeBytes)} of ${size(memory.totalBytes)} available (${(share * 100).toFixed(1)}%).`, ...(severity === 'ok' ? {} : { recommendation: 'Close other programs, lower agents.maxConcurrentRuns, or add memory.' }) };
}

export function diskCheck(storage: SystemInfo['storage']): Check {
  // df's Use% complement: free ÷ (used + free). Over the raw size, the root reserve (5 % on ext4
  // by default, more on some hosts) counted as neither free nor usable and shrank the share.
  // The text prints the usable size beside the share so the numbers add up (df rounds Use% up).
  const usable = storage.usedBytes + storage.freeBytes;
  const share = usable > 0 ? storage.freeBytes / usable : 0;
  const severity = share < 0.02 || storage.freeBytes < 256 * MiB ? 'critical' : share < 0.1 || storage.freeBytes < GiB ? 'warning' : 'ok';
  return { id: 'storage.disk_low', severity, title: 'Free disk space for the state dir', description: `${size(storage.freeBytes)} free of ${size(usable)} usable (${(share * 100).toFixed(1)}% free, df Use% ${usable > 0 ? Math.ceil((storage.usedBytes / usable) * 100) : 100}%) on the filesystem of ${storage.path}.`, ...(severity === 'ok' ? {} : { recommendation: 'Prune old backups (`moltbot backup prune`) and logs, or move MOLTBOT_STATE_DIR to a larger disk.' }) };
}

/** The gateway port is free, or held by the gateway that owns this state dir (its lock names the pid). */
export async function portCheck(host: string, port: number, stateDir: string): Promise<Check> {
  const busy = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });
  if (!busy) return { id: 'gateway.port', severity: 'ok', title: 'Gateway port', description: `${host}:${port} is free.` };
  const owner = lockOwner(stateDir);
  if (owner !== undefined) return { id: 'gateway.port', severity: 'info', title: 'Gateway is running', description: `${host}:${port} is in use; the gateway of this state dir (pid ${owner}) is running.` };
  return { id: 'gateway.port', severity: 'warning', title: 'Gateway port in use by another process', description: `${host}:${port} is in use and no running gateway holds this state dir's lock.`, recommendation: `Find it with \`lsof -i :${port}\` or \`ss -ltnp 'sport = :${port}'\`, or set gateway.port / --port.` };
}

function lockOwner(stateDir: string): number | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(stateDir, 'gateway.lock'), 'utf8')) as { pid?: unknown };
    if (typeof lock.pid !== 'number') return undefined;
    process.kill(lock.pid, 0);
    return lock.pid;
  } catch {
    return undefined;
  }
}

/** `access` is the OS's answer to "may this user write here" (injectable: root may write anywhere). */
export function stateDirChecks(stateDir: string, configFiles: readonly string[], access: (path: string, mode: number) => void = accessSync): Check[] {
  if (!existsSync(stateDir)) {
    return [{ id: 'fs.state_dir.missing', severity: 'warning', title: 'State dir does not exist', description: `${stateDir} does not exist yet; the gateway creates it on first start.`, recommendation: `mkdir -m 700 ${stateDir}`, fix: async () => void mkdirSync(stateDir, { recursive: true, mode: 0o700 }) }];
  }
  try {
    access(stateDir, constants.W_OK | constants.X_OK);
  } catch {
    return [{ id: 'fs.state_dir.unwritable', severity: 'critical', title: 'State dir is not writable', description: `${stateDir} cannot be written by this user (uid ${process.getuid?.() ?? '?'}): sessions, locks and backups would fail.`, recommendation: `chmod u+rwx ${stateDir}, or chown it to the user running moltbot.` }];
  }
  const problems = fsChecks(stateDir, configFiles);
  return problems.length > 0 ? problems : [{ id: 'fs.permissions', severity: 'ok', title: 'File permissions', description: `${stateDir} and the config files are private to their owner.` }];
}

/** The files the config came from; start()'s checks on it are doctor's (problemChecks). */
export function configCheck(configFiles: readonly string[]): Check {
  return {
    id: 'config.valid', severity: 'ok', title: 'Config',
    description: configFiles.length > 0 ? `${configFiles.join(' + ')} passed every check the gateway makes before it starts.` : 'No config file (neither a moltbot config in the working directory nor clawdbot.json in the state dir): the embedded defaults apply.',
  };
}

export { problemChecks } from '../../sdk/reports/index.ts';
