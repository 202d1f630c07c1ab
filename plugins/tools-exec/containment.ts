/**
 * How exec keeps the promise "no process started by an exec call outlives it". A process group
 * is not enough: `setsid`, a double fork or `nohup … &` leave it. On Linux each command runs as
 * PID 1 of its own PID namespace (`unshare --pid --fork --kill-child`): when that process ends,
 * or is killed, the kernel kills every process in the namespace, whatever session or group it
 * moved to. `setpriv --pdeathsig KILL` ties the chain to the gateway: if the gateway dies
 * (even SIGKILL), unshare gets SIGKILL, its `--kill-child` kills the namespace's PID 1, and the
 * kernel the rest. As root the namespace needs no user namespace; otherwise an unprivileged
 * user namespace maps the current user to itself (`--map-current-user`).
 *
 * Availability is probed once (a real command in a real namespace). Where it fails (not Linux,
 * util-linux missing, user namespaces disabled), the `containment` option decides: `required`
 * (default) refuses every exec call with the reason; `process-group` runs with the old,
 * escapable group kill — doctor and the security audit say so.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

export type ContainmentMode = 'required' | 'process-group';

export type Containment =
  | { kind: 'pid-namespace'; prefix: string[] }
  | { kind: 'none'; reason: string };

/** System folders the wrapper programs come from (never the workspace, never PATH). */
const SYSTEM_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

async function findSystemBinary(name: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The wrapper argv for this host, checked by running `true` inside it. */
export async function detectContainment(dirs: readonly string[] = SYSTEM_DIRS): Promise<Containment> {
  if (process.platform !== 'linux') return { kind: 'none', reason: `PID namespaces are Linux-only (this is ${process.platform})` };
  const [setpriv, unshare, truth] = await Promise.all(['setpriv', 'unshare', 'true'].map((name) => findSystemBinary(name, dirs)));
  if (setpriv === undefined || unshare === undefined || truth === undefined) {
    return { kind: 'none', reason: `util-linux setpriv and unshare were not found in ${dirs.join(', ')} (Debian: apt-get install util-linux)` };
  }
  const user = process.getuid?.() === 0 ? [] : ['--user', '--map-current-user'];
  const prefix = [setpriv, '--pdeathsig', 'KILL', unshare, ...user, '--pid', '--fork', '--kill-child', '--'];
  const failure = await probe(prefix, truth);
  if (failure !== undefined) return { kind: 'none', reason: `${user.length > 0 ? 'an unprivileged user + PID namespace' : 'a PID namespace'} could not be created: ${failure}` };
  return { kind: 'pid-namespace', prefix };
}

function probe(prefix: string[], truth: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(prefix[0] as string, [...prefix.slice(1), truth], { stdio: ['ignore', 'ignore', 'pipe'], env: {} });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error) => resolve(error.message));
    child.once('close', (code, signal) => resolve(code === 0 ? undefined : `${stderr.trim().slice(0, 200) || `exit ${code ?? signal}`}`));
  });
}
