/**
 * Matrix test kit: the fake model provider, the fake homeserver (test/helpers/fake-matrix.ts)
 * and a gateway kernel with the agent and the real `channels` service; `channels.matrix` in the
 * config loads `channel-matrix` the way a user's config does. Everything closes after the test.
 */
import { onTestFinished } from 'vitest';
import { startChannelGateway, type ChannelGateway, type ChannelGatewayOptions } from '../../helpers/channel-gateway.ts';
import { startFakeMatrix, type FakeMatrix } from '../../helpers/fake-matrix.ts';
import type { ChannelStatus } from '../../../sdk/channels/contract.ts';

export { until } from '../../helpers/channel-gateway.ts';

export interface MatrixHarness extends ChannelGateway {
  mx: FakeMatrix;
  status(): ChannelStatus;
  /** Resolves once the matrix channel reports `state` (polls; bounded). */
  waitForState(state: ChannelStatus['state'], timeoutMs?: number): Promise<ChannelStatus>;
}

export interface MatrixHarnessOptions {
  /** Extra `channels.matrix` keys (policy and platform keys). */
  settings?: Record<string, unknown>;
  /** Reuse a fake homeserver (e.g. across a restart). */
  mx?: FakeMatrix;
  env?: Record<string, string>;
  /** Wait for `connected` before returning (default true). */
  waitConnected?: boolean;
  /** Provider format, image support and `channels` options (media). */
  gateway?: Omit<ChannelGatewayOptions, 'env'>;
}

export async function startMatrix(options: MatrixHarnessOptions = {}): Promise<MatrixHarness> {
  const mx = options.mx ?? (await startFakeMatrix());
  if (!options.mx) onTestFinished(() => mx.close());
  const harness = await startChannelGateway({ matrix: { homeserverUrl: mx.url, accessToken: mx.token, pollTimeoutMs: 5000, reconnectBaseMs: 20, reconnectMaxMs: 200, ...options.settings } }, { ...options.gateway, ...(options.env ? { env: options.env } : {}) });
  const status = () => harness.statusOf('matrix');
  const waitForState = (state: ChannelStatus['state'], timeoutMs?: number) => harness.waitForChannelState('matrix', state, timeoutMs);
  if (options.waitConnected !== false) await waitForState('connected');
  return { ...harness, mx, status, waitForState };
}

export const ALICE = '@alice:fake.local';
export const BOB = '@bob:fake.local';
export const CAROL = '@carol:fake.local';
