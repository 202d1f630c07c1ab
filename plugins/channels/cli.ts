/**
 * `moltbot channels status` and
 * `moltbot pairing list [channel] | approve <channel> <code> | reject <channel> <code> |
 * approved <channel> | revoke <channel> <sender>`.
 * Against the running gateway over RPC (moltbot/plugin-sdk/gateway). When none answers, the
 * command takes the gateway's state-dir lock and edits the pairing file itself: the lock makes
 * it the only writer (a gateway starting meanwhile waits for nothing and fails to lock, so no
 * update is lost), and the file is written atomically. The sender is told they were approved
 * when the channel next runs.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { callGateway, cliCredential, gatewayUrl, acquireStateLock } from '../../sdk/gateway/index.ts';
import type { ApprovedSender, ChannelStatus, PairingRequest } from '../../sdk/channels/index.ts';
import { PairingStore } from './pairing-store.ts';

type Config = Readonly<Record<string, any>>;

interface Options { url?: string; json?: boolean }

export function formatRequests(requests: readonly PairingRequest[], now = Date.now()): string {
  if (requests.length === 0) return 'no pending pairing requests';
  const rows = requests.map((r) => `${r.channel.padEnd(12)} ${r.code.padEnd(10)} ${(r.senderName ? `${r.sender} (${r.senderName})` : r.sender).padEnd(32)} ${Math.max(0, Math.round((r.expiresAt - now) / 60_000))} min`);
  return [`${'CHANNEL'.padEnd(12)} ${'CODE'.padEnd(10)} ${'SENDER'.padEnd(32)} EXPIRES IN`, ...rows].join('\n');
}

/** Gateway unreachable (nothing listening), as opposed to a refusal or an error answer. */
function unreachable(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === undefined && error.message.startsWith('cannot reach the gateway');
}

export function registerPairingCommand(program: Command, cli: CliContext, config: Config, stateDir: string): void {
  const offline = async <T>(work: (store: PairingStore) => Promise<T>): Promise<T> => {
    const lock = await acquireStateLock(stateDir);
    try {
      return await work(new PairingStore(stateDir));
    } finally {
      await lock.release();
    }
  };
  const call = async <T>(method: string, params: Record<string, unknown>, options: Options, local: (store: PairingStore) => Promise<T>): Promise<{ result: T | unknown; via: 'gateway' | 'file' }> => {
    try {
      return { result: await callGateway(options.url ?? gatewayUrl(config), await cliCredential(config, stateDir), method, params), via: 'gateway' };
    } catch (error) {
      if (options.url !== undefined || !unreachable(error)) throw error;
      return { result: await offline(local), via: 'file' };
    }
  };
  const fail = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    cli.warn(message);
    cli.setExitCode(1);
  };
  const pairing = program.command('pairing').description('DM pairing: list pending codes, approve or reject senders');
  const withOptions = (command: Command) => command
    .option('--url <url>', 'gateway WebSocket URL (default: from gateway.port and gateway.bind)')
    .option('--json', 'machine-readable output');

  withOptions(pairing.command('list [channel]').description('pending pairing requests (codes are valid 1 hour)'))
    .action(async (channel: string | undefined, options: Options) => {
      try {
        const { result } = await call('pairing.list', channel ? { channel } : {}, options, async (store) => {
          if (channel) await store.load(channel);
          else await store.loadAll();
          return { requests: store.list(channel) };
        });
        const requests = (result as { requests: PairingRequest[] }).requests;
        cli.print(options.json ? JSON.stringify(requests) : formatRequests(requests));
      } catch (error) {
        fail(error);
      }
    });
  withOptions(pairing.command('approved <channel>').description('senders approved through pairing on a channel'))
    .action(async (channel: string, options: Options) => {
      try {
        const { result } = await call('pairing.approved', { channel }, options, async (store) => {
          await store.load(channel);
          return { senders: store.approvedSenders(channel).map(({ sender, senderName, approvedAt }) => ({ sender, ...(senderName ? { senderName } : {}), approvedAt })) };
        });
        const senders = (result as { senders: ApprovedSender[] }).senders;
        cli.print(options.json ? JSON.stringify(senders) : senders.length === 0 ? `no approved senders on ${channel}`
          : senders.map((s) => `${(s.senderName ? `${s.sender} (${s.senderName})` : s.sender).padEnd(40)} approved ${new Date(s.approvedAt).toISOString()}`).join('\n'));
      } catch (error) {
        fail(error);
      }
    });
  withOptions(pairing.command('revoke <channel> <sender>').description('withdraw an approval: the sender must pair again'))
    .action(async (channel: string, sender: string, options: Options) => {
      try {
        const { result } = await call('pairing.revoke', { channel, sender }, options, async (store) => {
          await store.load(channel);
          if (!(await store.revoke(channel, sender))) throw new Error(`"${sender}" is not an approved sender of channel "${channel}"`);
          return { revoked: true };
        });
        cli.print(options.json ? JSON.stringify(result) : `revoked ${sender} on ${channel}`);
      } catch (error) {
        fail(error);
      }
    });
  for (const verb of ['approve', 'reject'] as const) {
    withOptions(pairing.command(`${verb} <channel> <code>`).description(verb === 'approve' ? 'approve the sender of a pending code' : 'drop a pending code'))
      .action(async (channel: string, code: string, options: Options) => {
        try {
          const { result, via } = await call(`pairing.${verb}`, { channel, code }, options, async (store) => {
            await store.load(channel);
            const request = verb === 'approve' ? await store.approve(channel, code, { notifyLater: true }) : await store.reject(channel, code);
            return verb === 'approve' ? { sender: request.sender } : { rejected: true };
          });
          if (options.json) return cli.print(JSON.stringify(result));
          const sender = (result as { sender?: string }).sender;
          cli.print(verb === 'approve'
            ? `approved ${sender} on ${channel}${via === 'file' ? ' (no gateway running: they are told when the channel next starts)' : ''}`
            : `rejected code ${code.toUpperCase()} on ${channel}`);
        } catch (error) {
          fail(error);
        }
      });
  }
}

export function formatStatus(channels: readonly ChannelStatus[]): string {
  if (channels.length === 0) return 'no channels';
  const rows = channels.map((c) => `${c.id.padEnd(12)} ${c.state.padEnd(10)} ${`${c.queue.pending}/${c.queue.max}`.padEnd(9)} ${`${c.inbound.accepted}/${c.inbound.dropped}/${c.inbound.pairing}`.padEnd(16)} ${c.outbound.sent}/${c.outbound.failed}/${c.outbound.retried}${c.lastError ? `  last error: ${c.lastError.message}` : ''}`);
  return [`${'CHANNEL'.padEnd(12)} ${'STATE'.padEnd(10)} ${'QUEUE'.padEnd(9)} ${'IN acc/drop/pair'.padEnd(16)} OUT sent/failed/retried`, ...rows].join('\n');
}

export function registerChannelsCommand(program: Command, cli: CliContext, config: Config, stateDir: string): void {
  program.command('channels').description('messaging channels of the running gateway')
    .command('status')
    .description('state, queue and counters of every channel (RPC channels.status)')
    .option('--url <url>', 'gateway WebSocket URL (default: from gateway.port and gateway.bind)')
    .option('--json', 'machine-readable output')
    .action(async (options: Options) => {
      const { channels } = (await callGateway(options.url ?? gatewayUrl(config), await cliCredential(config, stateDir), 'channels.status', {})) as { channels: ChannelStatus[] };
      cli.print(options.json ? JSON.stringify(channels) : formatStatus(channels));
    });
}
