/**
 * `moltbot doctor`'s session store check: every session of every agent is loaded, which also
 * repairs what a crash left (torn last line, orphan tool call) and reports it.
 */
import { readdir } from 'node:fs/promises';
import type { CheckReport } from '../../core/hook-types.ts';
import type { SessionStore } from '../agent/types.ts';

/** Bounded so a doctor run stays quick on a large store; the rest is named in the description. */
const MAX_SESSIONS = 2_000;

export async function checkSessionStore(root: string, store: SessionStore, report: CheckReport): Promise<void> {
  const agents = await readdir(root).catch(() => [] as string[]);
  let checked = 0;
  let skipped = 0;
  const repaired: string[] = [];
  const broken: string[] = [];
  for (const agentId of agents) {
    let sessions;
    try {
      sessions = await store.list(agentId);
    } catch (error) {
      broken.push(`${agentId}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const session of sessions) {
      if (checked >= MAX_SESSIONS) {
        skipped++;
        continue;
      }
      checked++;
      try {
        const loaded = await store.load(agentId, session.key);
        for (const repair of loaded.repaired) repaired.push(`${session.key}: ${repair}`);
      } catch (error) {
        broken.push(`${session.key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  const extra = skipped > 0 ? ` (${skipped} more not checked: limit ${MAX_SESSIONS})` : '';
  if (broken.length > 0) {
    report.add({ id: 'sessions.integrity', severity: 'critical', title: 'Session store integrity', description: `${broken.length} session(s) cannot be loaded: ${broken.slice(0, 5).join('; ')}${extra}.`, recommendation: `Restore them from a backup (\`moltbot backup restore\`) or move the files aside from ${root}.` });
  } else if (repaired.length > 0) {
    report.add({ id: 'sessions.integrity', severity: 'warning', title: 'Session store integrity', description: `${checked} session(s) loaded; repaired on disk: ${repaired.slice(0, 5).join('; ')}${extra}.`, recommendation: 'A crash interrupted a write; the repair is done. Check what stopped the gateway (daemon status, logs).' });
  } else {
    report.add({ id: 'sessions.integrity', severity: 'ok', title: 'Session store integrity', description: `${checked} session(s) in ${agents.length} agent(s) load cleanly${extra}.` });
  }
}
