/**
 * RPC `tools.list` and `tools.invoke` for operators. Invoking over RPC has its own default
 * deny list (GHSA-943q-mwmv-hhvh: `/tools/invoke` reached sessions_send and exec): those
 * tools, and every tool declaring write access to workspace paths (`access.paths`, whatever
 * its name: a third-party `write`), are refused even with a valid admin credential unless
 * `invokeAllow` names them. The
 * session's sandbox policy (`beforeToolCall`) applies on top, and a call without a session key
 * counts as sandboxed. A tool's `context.progress` reaches the calling connection (only it) as
 * `tool.progress` events `{ callId, tool, progress, total?, message? }`, throttled like in agent
 * runs and all sent before the response, which carries the same `callId`.
 */
import { randomUUID } from 'node:crypto';
import type { PluginContext } from '../../sdk/core/index.ts';
import { createProgressReporter, decideToolCall, type ToolDefinition, type ToolRegistry } from '../../sdk/agent/index.ts';
import { defineMethod, gatewayServiceRef, RpcError } from '../../sdk/gateway/index.ts';
import type { ToolPolicy } from '../../sdk/agent/index.ts';
import * as validators from '../../schemas/generated/tool-policy.method-params.validate.ts';
import { TOOLS_INVOKE, TOOLS_LIST } from './method-params.ts';

export const RPC_INVOKE_DENY = Object.freeze(['exec', 'write', 'edit', 'apply_patch', 'sessions_spawn', 'sessions_send', 'gateway', 'cron', 'nodes', 'plugins', 'browser', 'canvas']);

export function defineToolMethods(ctx: PluginContext, deps: { registry: () => ToolRegistry; policy: () => ToolPolicy; invokeAllow: readonly string[] }): void {
  /** Why RPC may not invoke the tool, or undefined. */
  const rpcDenied = (name: string, tool: ToolDefinition | undefined): string | undefined => {
    if (deps.invokeAllow.includes(name)) return undefined;
    if (RPC_INVOKE_DENY.includes(name)) return 'cannot be invoked over RPC';
    return writesFiles(tool) ? 'writes workspace files and cannot be invoked over RPC' : undefined;
  };

  defineMethod(ctx, {
    name: 'tools.list',
    scope: 'read',
    description: 'Tools the agent can call, with whether the given session may call them and whether RPC may invoke them.',
    params: TOOLS_LIST,
    validate: validators.TOOLS_LIST,
    handler: (params: { sessionKey?: string }) => ({
      tools: deps.registry().list().map((tool) => ({
        ...tool,
        allowed: deps.policy().check(tool.name, params.sessionKey) === undefined,
        invokable: rpcDenied(tool.name, deps.registry().get(tool.name)) === undefined,
      })),
    }),
  });

  defineMethod(ctx, {
    name: 'tools.invoke',
    scope: 'admin',
    description: 'Runs one tool now, as the agent would (policy hooks included); the result says ok or the tool\'s error. Progress the tool reports arrives before it as tool.progress events to this connection.',
    params: TOOLS_INVOKE,
    validate: validators.TOOLS_INVOKE,
    handler: async (params: { name: string; args?: Record<string, unknown>; sessionKey?: string }, rpc) => {
      const tool = deps.registry().get(params.name);
      if (tool === undefined) throw new RpcError('INVALID_REQUEST', `unknown tool ${JSON.stringify(params.name)}`);
      const denied = rpcDenied(params.name, tool);
      if (denied !== undefined) {
        throw new RpcError('FORBIDDEN', `tool "${params.name}" ${denied} (add it to the tool-policy option invokeAllow to allow it)`, { details: { tool: params.name } });
      }
      const args = params.args ?? {};
      const call = { callId: `rpc-${randomUUID()}`, name: params.name, args, ...(params.sessionKey !== undefined ? { sessionKey: params.sessionKey } : {}) };
      const verdict = await decideToolCall(ctx.hooks, call);
      if ('deny' in verdict) throw new RpcError('FORBIDDEN', `tool call denied: ${verdict.deny}`, { details: { tool: params.name } });
      const finalArgs = verdict.args;
      const started = performance.now();
      let ok = false;
      let output: unknown;
      // Without a gateway (an embedded kernel calling the hook) there is no one to tell.
      const events = ctx.useOptional(gatewayServiceRef);
      const reporter = events === undefined ? undefined : createProgressReporter((update) => {
        events.sendTo(rpc.connection.id, 'tool.progress', { callId: call.callId, tool: params.name, ...update });
      });
      try {
        output = await tool.handler(finalArgs, {
          runId: call.callId, sessionKey: params.sessionKey ?? `rpc:${rpc.connection.subject ?? rpc.connection.id}`, signal: rpc.signal,
          ...(reporter ? { progress: reporter.report } : {}),
        });
        ok = true;
      } catch (error) {
        const { code, message } = error as { code?: unknown; message?: unknown };
        output = { code: typeof code === 'string' ? code : 'TOOL_ERROR', message: typeof message === 'string' ? message : 'the tool failed' };
      } finally {
        reporter?.finish();
      }
      const result = await ctx.hooks.afterToolCall.promise({ callId: call.callId, name: params.name, ok, output, durationMs: performance.now() - started }, call);
      return result.ok ? { ok: true, callId: call.callId, output: result.output, durationMs: result.durationMs } : { ok: false, callId: call.callId, error: result.output, durationMs: result.durationMs };
    },
  });
}

/** Whether the tool declares write access to a workspace path argument. */
function writesFiles(tool: ToolDefinition | undefined): boolean {
  const paths = tool?.access?.paths;
  return paths === 'write' || (typeof paths === 'object' && paths !== null && Object.values(paths).includes('write'));
}
