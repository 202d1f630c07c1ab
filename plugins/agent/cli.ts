/**
 * `moltbot sessions list | inspect <key> | trace <runId>`: read straight from the session
 * store, so they work while the gateway is down (and never start it).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { AgentError } from '../../sdk/agent/index.ts';
import { parseSessionKey } from '../../sdk/agent/index.ts';
import type { RunTrace, SessionStore } from '../../sdk/agent/index.ts';

function when(ms: number): string {
  return new Date(ms).toISOString();
}

export function formatTrace(trace: RunTrace): string {
  const lines = [
    `run ${trace.runId}  session ${trace.sessionKey}  status ${trace.status}${trace.model ? `  model ${trace.model}` : ''}`,
    `totalDuration ${trace.totalDuration.toFixed(1)} ms  modelCallTime ${trace.modelCallTime.toFixed(1)} ms  toolExecutionTime ${trace.toolExecutionTime.toFixed(1)} ms  tokens in ${trace.tokenUsage.input} / out ${trace.tokenUsage.output}`,
  ];
  if (trace.error) lines.push(`error: ${trace.error}`);
  for (const event of trace.events) {
    const { t, type, ...rest } = event;
    const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
    lines.push(`  +${t.toFixed(1).padStart(9)} ms  ${type.padEnd(11)} ${fields}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerSessionsCommand(program: Command, cli: CliContext, store: () => SessionStore): void {
  const sessions = program.command('sessions').description('agent sessions: list, inspect, run traces');
  sessions
    .command('list')
    .description('sessions of an agent, most recently used first')
    .option('--agent <id>', 'agent id', 'main')
    .option('--json', 'machine-readable output')
    .action(async (options: { agent: string; json?: boolean }) => {
      const rows = await store().list(options.agent);
      if (options.json) return cli.print(`${JSON.stringify(rows)}\n`);
      if (rows.length === 0) return cli.print(`no sessions for agent "${options.agent}"\n`);
      const body = rows.map((s) => `${s.key.padEnd(40)} ${String(s.messageCount).padStart(8)} ${String(s.tokenCount.input + s.tokenCount.output).padStart(10)}  ${when(s.updatedAt)}`);
      cli.print(`${'KEY'.padEnd(40)} ${'MESSAGES'.padStart(8)} ${'TOKENS'.padStart(10)}  UPDATED\n${body.join('\n')}\n`);
    });
  sessions
    .command('inspect <key>')
    .description('size, lastModified, messageCount, tokenCount and metadata of one session')
    .action(async (key: string) => {
      let parts;
      try {
        parts = parseSessionKey(key);
      } catch (error) {
        // A mistyped key is a wrong argument, said in one line with where to find real ones.
        if (!(error instanceof AgentError)) throw error;
        cli.warn(`error: ${error.code}: ${error.message} (moltbot sessions list shows the keys)\n`);
        return cli.setExitCode(2);
      }
      const info = await store().inspect(parts.agentId, key);
      if (info === undefined) {
        cli.warn(`no session "${key}" (moltbot sessions list shows them)\n`);
        return cli.setExitCode(1);
      }
      cli.print(`${JSON.stringify({ ...info, lastModified: when(info.lastModified) }, null, 2)}\n`);
    });
  sessions
    .command('trace <runId>')
    .description('the timeline of one run: model calls, retries, failovers, tools, tokens')
    .option('--agent <id>', 'agent id', 'main')
    .option('--json', 'machine-readable output')
    .action(async (runId: string, options: { agent: string; json?: boolean }) => {
      const trace = await store().findTrace(options.agent, runId);
      if (trace === undefined) {
        cli.warn(`no trace for run "${runId}" in agent "${options.agent}"\n`);
        return cli.setExitCode(1);
      }
      cli.print(options.json ? `${JSON.stringify(trace)}\n` : formatTrace(trace));
    });
}
