/**
 * `moltbot approvals list | approve <id> [--always] | deny <id> [--never]`: through the running
 * gateway (RPC approvals.*), where the waiting calls are. Answering needs an admin credential.
 */
import type { Command } from 'commander';
import type { CliContext, PluginContext } from '../../sdk/core/index.ts';
import { callRunningGateway } from '../../sdk/gateway/index.ts';
import type { PendingApproval } from './approvals.ts';

export function formatApprovals(approvals: PendingApproval[]): string {
  if (approvals.length === 0) return 'no pending approvals';
  return approvals.map((a) => `${a.id}  ${a.tool}  ${a.sessionKey ?? '-'}  agent ${a.agent}  expires ${a.expiresAt}\n  why: ${a.reason}\n  args: ${JSON.stringify(a.args)}`).join('\n');
}

export function registerApprovalCommands(program: Command, cli: CliContext, ctx: Pick<PluginContext, 'config' | 'paths'>): void {
  const urlOption = ['--url <url>', 'gateway WebSocket URL (default: from gateway.port and gateway.bind)'] as const;
  const call = <T>(url: string | undefined, method: string, params: unknown) =>
    callRunningGateway<T>(ctx, method, params, url !== undefined ? { url } : {});
  const command = program.command('approvals').description('tool calls waiting for the owner\'s approval in the running gateway: list, approve, deny');

  command.command('list').description('pending approvals with tool, session, masked arguments and expiry')
    .option('--json', 'print them as JSON').option(...urlOption)
    .action(async (options: { json?: boolean; url?: string }) => {
      const { approvals } = await call<{ approvals: PendingApproval[] }>(options.url, 'approvals.list', {});
      cli.print(options.json ? JSON.stringify(approvals, null, 2) : formatApprovals(approvals));
    });

  command.command('approve <id>').description('let the waiting call run')
    .option('--always', 'and allow this tool (an exec approval: this command) from now on without asking (persisted rule)')
    .option('--pattern <pattern>', 'with --always on an exec approval: allow this exec pattern instead, e.g. "git status **"').option(...urlOption)
    .action(async (id: string, options: { always?: boolean; pattern?: string; url?: string }) => {
      const answer = options.always ? 'always' : 'once';
      const result = await call<{ tool: string }>(options.url, 'approvals.answer', { id, answer, ...(options.pattern !== undefined ? { pattern: options.pattern } : {}) });
      cli.print(`approved ${id} (${result.tool})${options.always ? `; "${result.tool}" is allowed from now on` : ''}`);
    });

  command.command('deny <id>').description('refuse the waiting call (the model gets a tool error)')
    .option('--never', 'and deny this tool (an exec approval: this command) from now on (persisted rule)')
    .option('--pattern <pattern>', 'with --never on an exec approval: deny this exec pattern instead, e.g. "git push **"').option(...urlOption)
    .action(async (id: string, options: { never?: boolean; pattern?: string; url?: string }) => {
      const answer = options.never ? 'never' : 'deny';
      const result = await call<{ tool: string }>(options.url, 'approvals.answer', { id, answer, ...(options.pattern !== undefined ? { pattern: options.pattern } : {}) });
      cli.print(`denied ${id} (${result.tool})${options.never ? `; "${result.tool}" is denied from now on` : ''}`);
    });
}
