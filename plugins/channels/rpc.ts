/** RPC `channels.status` (read) and `pairing.list` / `pairing.approve` / `pairing.reject` (admin). */
import { isMoltbotError } from '../../sdk/core/index.ts';
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod, RpcError } from '../../sdk/gateway/index.ts';
import type { ApprovedSender, ChannelsService } from '../../sdk/channels/index.ts';
import { channelErrors } from './errors.ts';

const CHANNEL = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'Channel id (telegram, irc, ...)' };
const CODE = { type: 'string', minLength: 4, maxLength: 32, description: 'The pairing code the sender received' };
const CODE_PARAMS = { type: 'object', additionalProperties: false, required: ['channel', 'code'], properties: { channel: CHANNEL, code: CODE } };

async function notFoundAsRpc<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isMoltbotError(error, channelErrors.MOLT_ERR_PAIRING_NOT_FOUND)) throw new RpcError('NOT_FOUND', error.message);
    throw error;
  }
}

export function defineChannelMethods(
  ctx: Pick<PluginContext, 'name' | 'hooks'>,
  service: ChannelsService,
  approvedSenders: (channel: string) => Promise<ApprovedSender[]>,
  /** Reads the pairing state again (a shared store may have changed on another instance). */
  refresh: (channel?: string) => Promise<void> = async () => undefined,
): void {
  defineMethod(ctx, {
    name: 'channels.status',
    scope: 'read',
    description: 'State, queue and counters of every channel',
    params: { type: 'object', additionalProperties: false, properties: {} },
    handler: () => ({ channels: service.status() }),
  });
  defineMethod<{ channel?: string }>(ctx, {
    name: 'pairing.list',
    scope: 'admin',
    sideEffects: false,
    description: 'Pending pairing requests (codes valid 1 hour), optionally of one channel',
    params: { type: 'object', additionalProperties: false, properties: { channel: CHANNEL } },
    handler: async (params) => {
      await refresh(params.channel);
      return { requests: service.pairing.list(params.channel) };
    },
  });
  defineMethod<{ channel: string; code: string }>(ctx, {
    name: 'pairing.approve',
    scope: 'admin',
    description: 'Approves the sender of a pending code; they are told and may message the bot from now on',
    params: CODE_PARAMS,
    handler: (params) => notFoundAsRpc(() => service.pairing.approve(params.channel, params.code)),
  });
  defineMethod<{ channel: string }>(ctx, {
    name: 'pairing.approved',
    scope: 'admin',
    sideEffects: false,
    description: 'Senders approved through pairing on a channel (besides channels.<id>.allowFrom)',
    params: { type: 'object', additionalProperties: false, required: ['channel'], properties: { channel: CHANNEL } },
    handler: async (params) => ({ senders: await approvedSenders(params.channel) }),
  });
  defineMethod<{ channel: string; sender: string }>(ctx, {
    name: 'pairing.revoke',
    scope: 'admin',
    description: 'Withdraws a pairing approval: the sender must pair again',
    params: { type: 'object', additionalProperties: false, required: ['channel', 'sender'], properties: { channel: CHANNEL, sender: { type: 'string', minLength: 1, maxLength: 200, description: 'The approved sender id' } } },
    handler: async (params) => {
      if (!(await service.pairing.revoke(params.channel, params.sender))) throw new RpcError('NOT_FOUND', `"${params.sender}" is not an approved sender of channel "${params.channel}"`);
      return { revoked: true };
    },
  });
  defineMethod<{ channel: string; code: string }>(ctx, {
    name: 'pairing.reject',
    scope: 'admin',
    description: 'Drops a pending code without approving its sender',
    params: CODE_PARAMS,
    handler: (params) => notFoundAsRpc(async () => {
      await service.pairing.reject(params.channel, params.code);
      return { rejected: true };
    }),
  });
}
