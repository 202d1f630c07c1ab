/**
 * Where Moltbot keeps its state. The seed's deployment guide documents `~/.clawdbot/` and users
 * have data there, so that stays the default; `MOLTBOT_STATE_DIR` is the new name and wins over
 * the seed's `CLAWDBOT_STATE_DIR`.
 */
import path from 'node:path';

export const DEFAULT_STATE_DIR_NAME = '.clawdbot';

/** `~` and `~/…` become paths under `homeDir`; every other path (including `~user/…`) is returned as written. */
export function expandHome(p: string, homeDir: string): string {
  if (p === '~') return homeDir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(homeDir, p.slice(2));
  return p;
}

/**
 * An empty variable counts as unset: `MOLTBOT_STATE_DIR=` in an env file must not move the state
 * to the current directory. A relative value is resolved against the process's working directory,
 * as a shell would.
 */
export function resolveStateDir(env: Record<string, string | undefined>, homeDir: string): string {
  const configured = nonEmpty(env.MOLTBOT_STATE_DIR) ?? nonEmpty(env.CLAWDBOT_STATE_DIR);
  if (configured === undefined) return path.join(homeDir, DEFAULT_STATE_DIR_NAME);
  return path.resolve(expandHome(configured, homeDir));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
