/**
 * RPC `approvals.list` (scope read: what is waiting) and `approvals.answer` (scope admin: only
 * the owner's credential may let a risky call run). The answer is audited with the
 * connection's subject and address.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod, RpcError } from '../../sdk/gateway/index.ts';
import { ApprovalError, type ApprovalAnswer } from './approvals.ts';
import type { ApprovalDesk } from './approvals-cluster.ts';
import * as validators from '../../schemas/generated/tool-policy.method-params.validate.ts';
import { APPROVALS_ANSWER, NO_PARAMS } from './method-params.ts';

export function defineApprovalMethods(ctx: PluginContext, approvals: () => ApprovalDesk): void {
  defineMethod(ctx, {
    name: 'approvals.list',
    scope: 'read',
    description: 'Tool calls waiting for the owner\'s approval: id, tool, arguments (secrets masked), session, agent, createdAt, expiresAt.',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => ({ approvals: approvals().list() }),
  });

  defineMethod(ctx, {
    name: 'approvals.answer',
    scope: 'admin',
    description: 'Answers a pending approval: once (run this call), always (run it and allow the tool from now on), deny (refuse this call), never (refuse it and deny the tool from now on).',
    params: APPROVALS_ANSWER,
    validate: validators.APPROVALS_ANSWER,
    handler: async (params: { id: string; answer: ApprovalAnswer; pattern?: string }, rpc) => {
      try {
        const approval = await approvals().answer(params.id, params.answer, {
          ...(rpc.connection.subject !== undefined ? { subject: rpc.connection.subject } : {}),
          remoteAddress: rpc.connection.remoteAddress,
          via: 'rpc',
        }, params.pattern !== undefined ? { pattern: params.pattern } : {});
        return { id: approval.id, tool: approval.tool, answer: params.answer };
      } catch (error) {
        if (error instanceof ApprovalError) throw new RpcError('INVALID_REQUEST', error.message, { details: { id: params.id } });
        throw error;
      }
    },
  });
}
