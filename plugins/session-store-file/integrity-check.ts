/**
 * `moltbot doctor`'s session store check: every session of every agent is read — only read: the
 * doctor may run beside a live gateway, and a repair written while a run appends could cut that
 * run's line. What a crash left (torn last line, unreadable lines, orphan tool calls) is
 * reported; the session's next run repairs it, and `moltbot doctor --fix` repairs it now.
 */
import { readdir } from 'node:fs/promises';
import type { CheckReport } from '../../sdk/core/index.ts';
import type { SessionStore } from '../../sdk/agent/index.ts';

/** Bounded so a doctor run stays quick on a large store; the rest is named in the description. */
const MAX_SESSIONS = 2_000;

export async function checkSessionStore(root: string, store: SessionStore, report: CheckReport): Promise<void> {
  const agents = await readdir(root).catch(() => [] as string[]);
  let checked = 0;
  let skipped = 0;
  const needsRepair: { agentId: string; key: string; what: string[] }[] = [];
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
        const loaded = await store.load(agentId, session.key, { repair: false });
        if (loaded.needsRepair) needsRepair.push({ agentId, key: session.key, what: loaded.needsRepair });
      } catch (error) {
        broken.push(`${session.key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  const extra = skipped > 0 ? ` (${skipped} more not checked: limit ${MAX_SESSIONS})` : '';
  if (broken.length > 0) {
    report.add({ id: 'sessions.integrity', severity: 'critical', title: 'Session store integrity', description: `${broken.length} session(s) cannot be loaded: ${broken.slice(0, 5).join('; ')}${extra}.`, recommendation: `Restore them from a backup (\`moltbot backup restore\`) or move the files aside from ${root}.` });
  } else if (needsRepair.length > 0) {
    const found = needsRepair.flatMap(({ key, what }) => what.map((item) => `${key}: ${item}`));
    report.add({
      id: 'sessions.integrity', severity: 'warning', title: 'Session store integrity',
      description: `${checked} session(s) read; a crash left ${found.slice(0, 5).join('; ')}${extra}. Each session's next run repairs it.`,
      recommendation: 'Run `moltbot doctor --fix` to repair now (best with the gateway stopped), and check what stopped the gateway (daemon status, logs).',
      fix: async () => {
        for (const { agentId, key } of needsRepair) await store.load(agentId, key);
      },
    });
  } else {
    report.add({ id: 'sessions.integrity', severity: 'ok', title: 'Session store integrity', description: `${checked} session(s) in ${agents.length} agent(s) load cleanly${extra}.` });
  }
}
