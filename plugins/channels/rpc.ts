/** RPC `channels.status` (read) and `pairing.list` / `pairing.approve` / `pairing.reject` (admin). */
import { isMoltbotError } from '../../sdk/core/index.ts';
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod, RpcError } from '../../sdk/gateway/index.ts';
import type { ApprovedSender, ChannelsService } from '../../sdk/channels/index.ts';
import { channelErrors } from './errors.ts';
import { NO_PARAMS, PAIRING_APPROVED, PAIRING_CODE, PAIRING_LIST, PAIRING_REVOKE } from './method-params.ts';
import * as validators from '../../schemas/generated/channels.method-params.validate.ts';

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
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => ({ channels: service.status() }),
  });
  defineMethod<{ channel?: string }>(ctx, {
    name: 'pairing.list',
    scope: 'admin',
    sideEffects: false,
    description: 'Pending pairing requests (codes valid 1 hour), optionally of one channel',
    params: PAIRING_LIST,
    validate: validators.PAIRING_LIST,
    handler: async (params) => {
      await refresh(params.channel);
      return { requests: service.pairing.list(params.channel) };
    },
  });
  defineMethod<{ channel: string; code: string }>(ctx, {
    name: 'pairing.approve',
    scope: 'admin',
    description: 'Approves the sender of a pending code; they are told and may message the bot from now on',
    params: PAIRING_CODE,
    validate: validators.PAIRING_CODE,
    handler: (params) => notFoundAsRpc(() => service.pairing.approve(params.channel, params.code)),
  });
  defineMethod<{ channel: string }>(ctx, {
    name: 'pairing.approved',
    scope: 'admin',
    sideEffects: false,
    description: 'Senders approved through pairing on a channel (besides channels.<id>.allowFrom)',
    params: PAIRING_APPROVED,
    validate: validators.PAIRING_APPROVED,
    handler: async (params) => ({ senders: await approvedSenders(params.channel) }),
  });
  defineMethod<{ channel: string; sender: string }>(ctx, {
    name: 'pairing.revoke',
    scope: 'admin',
    description: 'Withdraws a pairing approval: the sender must pair again',
    params: PAIRING_REVOKE,
    validate: validators.PAIRING_REVOKE,
    handler: async (params) => {
      if (!(await service.pairing.revoke(params.channel, params.sender))) throw new RpcError('NOT_FOUND', `"${params.sender}" is not an approved sender of channel "${params.channel}"`);
      return { revoked: true };
    },
  });
  defineMethod<{ channel: string; code: string }>(ctx, {
    name: 'pairing.reject',
    scope: 'admin',
    description: 'Drops a pending code without approving its sender',
    params: PAIRING_CODE,
    validate: validators.PAIRING_CODE,
    handler: (params) => notFoundAsRpc(async () => {
      await service.pairing.reject(params.channel, params.code);
      return { rejected: true };
    }),
  });
}
