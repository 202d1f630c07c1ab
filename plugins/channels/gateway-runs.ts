/**
 * `send_file` in runs a gateway client started (the control UI's chat, RPC `chat.send`): such a
 * run carries `metadata.connection` and no channel slot, so its files go to webchat, to that
 * connection (or every client when it is gone), once the run ends. Without the webchat channel
 * the tool keeps saying there is no chat to send to.
 */
import type { KernelHooks, Logger } from '../../sdk/core/index.ts';
import type { AgentService } from '../../sdk/agent/index.ts';
import type { RunMedia } from './run-media.ts';
import type { ChannelRuntime } from './runtime.ts';

const WEBCHAT = 'webchat';

export interface GatewayRunDeps {
  hooks: KernelHooks;
  media: RunMedia;
  runtime(id: string): ChannelRuntime | undefined;
  log: Logger;
}

export function trackGatewayRuns(deps: GatewayRunDeps, pluginName: string): { watch(agent: AgentService): () => void } {
  const runs = new Map<string, { chatId: string; sessionKey: string }>();
  deps.hooks.beforeAgentRun.tap(pluginName, (run) => {
    const connection = run.metadata['connection'];
    const webchat = deps.runtime(WEBCHAT);
    if (typeof connection === 'string' && deps.media.get(run.runId) === undefined && webchat?.settings.enabled) {
      deps.media.open(run.runId, WEBCHAT, webchat.maxMediaBytes);
      runs.set(run.runId, { chatId: connection, sessionKey: run.sessionKey });
    }
    return run;
  });
  return {
    watch(agent) {
      return agent.subscribe((event) => {
        if (event.type !== 'final') return;
        const run = runs.get(event.runId);
        if (run === undefined) return;
        runs.delete(event.runId);
        const attachments = deps.media.take(event.runId);
        const webchat = deps.runtime(WEBCHAT);
        if (attachments.length === 0 || webchat === undefined || event.status === 'aborted') return;
        webchat.send({ chatType: 'dm', chatId: run.chatId }, '', run.sessionKey, attachments)
          .catch((error: unknown) => deps.log.warn({ err: error, sessionKey: run.sessionKey }, 'files of a webchat run not delivered'));
      });
    },
  };
}
