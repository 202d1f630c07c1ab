/**
 * `tool-policy`: enforces `agents.defaults.sandbox.{mode,allowlist,denylist}` on every tool
 * call through `beforeToolCall`. A denied call becomes a tool error the model sees, and a log
 * line with the tool and session (never the arguments, which may carry secrets). Then
 * `agents.defaults.sandbox.approvals`: a tool in mode `ask` waits for the owner's answer
 * (approvals.ts), `never` is denied, `always-allow` runs.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import schema from '../../schemas/plugins/tool-policy.json' with { type: 'json' };
import validate from '../../schemas/generated/tool-policy.validate.ts';
import { definePlugin, MoltbotError, optionalService } from '../../sdk/core/index.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { createToolPolicy, eventBusRef, toolPolicyRef, toolRegistryRef, type SandboxPolicyConfig, type ToolPolicy } from '../../sdk/agent/index.ts';
import { defineToolMethods } from './rpc.ts';
import { Approvals, type PendingApproval } from './approvals.ts';
import { approvalsSettings } from './approvals-config.ts';
import { createDmApprovals } from './approvals-dm.ts';
import { createApprovalDesk, type ApprovalDesk } from './approvals-cluster.ts';
import { defineApprovalMethods } from './approvals-rpc.ts';
import { registerApprovalCommands } from './approvals-cli.ts';

export interface ToolPolicyOptions {
  /** Tools of the RPC default deny list that `tools.invoke` may run anyway. */
  invokeAllow: string[];
}

export default definePlugin<ToolPolicyOptions>({
  name: 'tool-policy',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Allow/deny tools per sandbox mode (agents.defaults.sandbox); RPC tools.list and tools.invoke',
  sections: ['agents.defaults.sandbox'],
  schema,
  validate,
  // Ordered after the plugins that register tools, so their names are known when the lists are checked.
  optionalDependencies: ['agent', 'sandbox', 'tools-fs', 'tools-exec', 'tools-sessions'],
  provides: [toolPolicyRef],
  consumes: [optionalService(toolRegistryRef), optionalService(gatewayServiceRef), optionalService(channelsServiceRef), optionalService(eventBusRef)],
  // Unknown tool names are a config error for `config validate` and doctor too, not only at
  // start. User tools register in the sandbox's start tap; here they are the workspace's
  // `tools/<name>.mjs` files (the names the sandbox gives them).
  async check({ config, paths, useOptional }) {
    const policyConfig = ((config.agents as { defaults?: { sandbox?: SandboxPolicyConfig } } | undefined)?.defaults?.sandbox) ?? {};
    // No tool registry (agent not loaded): only the guide's names and the user tools count.
    const registered = useOptional(toolRegistryRef)?.list().map((tool) => tool.name) ?? [];
    const userTools = await readdir(join(paths.workspace, 'tools')).then(
      (names) => names.map((name) => /^([a-z][a-z0-9_-]{0,63})\.mjs$/.exec(name)?.[1]).filter((name): name is string => name !== undefined),
      () => [] as string[],
    );
    createToolPolicy(policyConfig, [...registered, ...userTools]);
    approvalsSettings(config.agents as Parameters<typeof approvalsSettings>[0]);
  },
  setup(ctx, options) {
    const config = ((ctx.config.agents as { defaults?: { sandbox?: SandboxPolicyConfig } } | undefined)?.defaults?.sandbox) ?? {};
    const registered = (): string[] => ctx.useOptional(toolRegistryRef)?.list().map((tool) => tool.name) ?? [];
    // Bad exec patterns or conflicting modes fail the setup with their config path.
    const settings = approvalsSettings(ctx.config.agents as Parameters<typeof approvalsSettings>[0]);
    // Built at start: user tools (sandbox plugin) register in their start taps, which run first.
    let policy: ToolPolicy | undefined;
    let approvals: Approvals | undefined;
    const currentApprovals = (): Approvals => {
      if (approvals === undefined) throw new Error('tool-policy: approvals are opened when the kernel starts');
      return approvals;
    };
    // Lists and answers across instances when an event bus (events-redis) is loaded.
    let desk: (ApprovalDesk & { publish(event: string, payload: unknown): void; close(): void }) | undefined;
    const currentDesk = (): ApprovalDesk => {
      if (desk === undefined) throw new Error('tool-policy: approvals are opened when the kernel starts');
      return desk;
    };
    const broadcast = (event: string, payload: unknown) => {
      // Only admin clients see what waits (arguments included, secrets masked): they are the ones who may answer.
      ctx.useOptional(gatewayServiceRef)?.broadcast(event, payload, 'admin');
    };
    const dm = createDmApprovals({
      notify: settings.base.notify ?? [],
      channels: () => ctx.useOptional(channelsServiceRef),
      answer: (id, answer, by) => currentDesk().answer(id, answer, by),
      audit: (entry) => currentApprovals().audit(entry),
      log: ctx.log,
    });
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      policy = createToolPolicy(config, registered());
      const problems = dm.check();
      if (problems.length > 0) {
        throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
          message: `Invalid config: approvals notify\n${problems.join('\n')}`,
          path: 'agents.defaults.sandbox.approvals.notify',
          fix: 'Name a configured channel and one of its owners (channels.<id>.owners): only an owner may answer approvals by DM.',
        });
      }
      // Before opening: what a crashed run left pending is denied there, and the other instances hear it.
      desk = createApprovalDesk({ local: () => approvals, bus: ctx.useOptional(eventBusRef), relay: broadcast, log: ctx.log });
      approvals = await Approvals.open({
        dataDir: ctx.paths.data,
        // The sandbox mode's verdict on the session picks the `sandboxed` overrides.
        settings: (agentId, sessionKey) => settings.forAgent(agentId, policy?.sandboxed(sessionKey) ?? true),
        log: ctx.log,
        emit: (event, payload) => {
          broadcast(event, payload);
          desk?.publish(event, payload);
          // The owner instance notifies; the others only relay to their clients.
          if (event === 'approval.requested') dm.notify(payload as PendingApproval);
        },
      });
    });
    // The owner's `/approve <id>` DMs are answers, not messages for the agent.
    if ((settings.base.notify ?? []).length > 0) ctx.hooks.messageReceived.tapPromise(ctx.name, (message) => dm.onMessage(message));
    // Before the drain: a call waiting for an answer is in-flight work the drain would wait on.
    ctx.hooks.beforeClose.tapPromise(ctx.name, async () => {
      desk?.close();
      await approvals?.close();
    });
    defineApprovalMethods(ctx, currentDesk);
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerApprovalCommands(program, cli, ctx));
    const current = (): ToolPolicy => {
      if (policy === undefined) throw new Error('tool-policy: the policy is built when the kernel starts');
      return policy;
    };
    ctx.provide(toolPolicyRef, { current });
    defineToolMethods(ctx, { registry: () => ctx.use(toolRegistryRef), policy: current, invokeAllow: options.invokeAllow });
    // The model is only offered the tools its session may call (the call check below still holds).
    ctx.hooks.beforeAgentRun.tapPromise(ctx.name, async (run) => {
      if (policy === undefined || run.tools === undefined) return run;
      const allowed = policy;
      return { ...run, tools: run.tools.filter((name) => allowed.check(name, run.sessionKey) === undefined) };
    });
    ctx.hooks.beforeToolCall.tapPromise(ctx.name, async (call) => {
      const reason = policy === undefined ? 'the tool policy is not ready' : policy.check(call.name, call.sessionKey);
      if (reason === undefined) return undefined;
      ctx.log.warn({ tool: call.name, sessionKey: call.sessionKey, callId: call.callId }, `tool call denied: ${reason}`);
      return { deny: reason };
    });
    // A late stage: the hook bails at the first tap that denies or rewrites, so this runs only
    // once every other tap (the sandbox lists above, protected paths, rewriters) let the call
    // through unchanged. The owner is asked once, about the arguments the tool will really get.
    ctx.hooks.beforeToolCall.tapPromise({ name: ctx.name, stage: 100 }, async (call) => {
      const denial = approvals === undefined ? 'approvals are not ready' : await approvals.check(call);
      if (denial === undefined) return undefined;
      ctx.log.warn({ tool: call.name, sessionKey: call.sessionKey, callId: call.callId }, `tool call denied: ${denial}`);
      return { deny: denial };
    });
  },
});
