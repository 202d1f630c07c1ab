/**
 * A one-shot RPC client for CLI commands that act on the running gateway (`moltbot status`,
 * `moltbot pairing approve`, `moltbot cron add`, ...). Address and credential come from the
 * config as any client would use them, the generated token file as the local fallback; `--url`
 * points elsewhere. The credential never appears in an error message.
 */
import { WebSocket } from 'ws';
import { readTokenFile, tokenFilePath } from '../auth-token/token-file.ts';
import { KERNEL_VERSION } from '../../core/version.ts';

type Config = Readonly<Record<string, any>>;

const TIMEOUT_MS = 5000;

export function gatewayUrl(config: Config): string {
  const gateway = config.gateway ?? {};
  const host = gateway.bind === 'custom' && gateway.customBindHost ? gateway.customBindHost : '127.0.0.1';
  const scheme = gateway.ssl?.enabled ? 'wss' : 'ws';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${gateway.port ?? 18789}/`;
}

/** The configured secret, else the token the gateway generated in the state dir (same user, mode 0600). */
export async function cliCredential(config: Config, stateDir: string): Promise<Record<string, string>> {
  const auth = config.gateway?.auth ?? {};
  if (auth.mode === 'token' && auth.token) return { token: auth.token };
  if (auth.mode !== 'token' && auth.password) return { password: auth.password };
  const token = await readTokenFile(tokenFilePath(stateDir));
  return token === undefined ? {} : { token };
}

/** Connects, authenticates, calls `method` with `params`, closes; rejects with the gateway's error code. */
export function callGateway(url: string, auth: Record<string, string>, method: string, params?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: TIMEOUT_MS });
    const timer = setTimeout(() => finish(new Error(`no answer from the gateway at ${url} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const finish = (error?: Error, value?: unknown) => {
      clearTimeout(timer);
      ws.removeAllListeners('message');
      ws.on('error', () => undefined);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      if (error) reject(error);
      else resolve(value);
    };
    ws.on('error', (error) => finish(new Error(`cannot reach the gateway at ${url}: ${error.message} (is \`moltbot gateway\` running?)`)));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'req', id: 'connect', method: 'connect', params: { minProtocol: 1, maxProtocol: 1, client: { id: 'moltbot-cli', version: KERNEL_VERSION }, auth } })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string; ok?: boolean; payload?: unknown; error?: { code: string; message: string } };
      if (frame.type !== 'res') return;
      if (!frame.ok) return finish(Object.assign(new Error(`gateway refused ${frame.id === 'connect' ? 'the connection' : method}: ${frame.error?.code} ${frame.error?.message}`), { code: frame.error?.code }));
      if (frame.id === 'connect') ws.send(JSON.stringify({ type: 'req', id: 'call', method, ...(params === undefined ? {} : { params }) }));
      else if (frame.id === 'call') finish(undefined, frame.payload);
    });
  });
}
