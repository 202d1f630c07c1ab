/**
 * A one-shot RPC client for CLI commands (of any plugin) that act on the running gateway (`moltbot status`,
 * `moltbot pairing approve`, `moltbot cron add`, ...). Address and credential come from the
 * config as any client would use them, the generated token file as the local fallback; `--url`
 * points elsewhere. The credential never appears in an error message.
 */
import { WebSocket } from 'ws';
import { readTokenFile, tokenFilePath } from './auth/token-file.ts';
import { KERNEL_VERSION, type PluginContext } from '../core/index.ts';
import { PROTOCOL_VERSION, type ConnectParams, type RequestFrame } from '../protocol/index.ts';

type Config = Readonly<Record<string, any>>;

const TIMEOUT_MS = 5000;
/** Reconnects after a pre-auth eviction (1013) before giving up. */
const EVICTION_RETRIES = 3;
const EVICTION_BACKOFF_MS = 100;

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

/**
 * What a CLI command of any plugin calls: `method` on the gateway this config runs (or at
 * `options.url`), with the config's credential or the generated token. Rejects with a
 * GatewayRefusal carrying the gateway's `code` (a plugin's own codes included).
 */
export async function callRunningGateway<Result = unknown>(
  ctx: Pick<PluginContext, 'config' | 'paths'>,
  method: string,
  params?: unknown,
  options: { url?: string } = {},
): Promise<Result> {
  const credential = await cliCredential(ctx.config, ctx.paths.stateDir);
  return (await callGateway(options.url ?? gatewayUrl(ctx.config), credential, method, params)) as Result;
}

/** The error callGateway rejects with when the gateway answers with an error frame. */
export type GatewayRefusal = Error & { code?: string; retryAfterMs?: number; details?: Record<string, unknown> };

/**
 * Connects, authenticates, calls `method` with `params`, closes; rejects with the gateway's
 * error code. Evicted before authenticating (close 1013: a flood of idle unauthenticated
 * sockets from the same source pushed this one out), it reconnects up to EVICTION_RETRIES
 * times after a short jittered pause: nothing was sent but the credential, so a retry cannot
 * run the command twice. Every other failure is final.
 */
export async function callGateway(url: string, auth: Record<string, string>, method: string, params?: unknown): Promise<unknown> {
  let pipelined = true;
  for (let attempt = 0; ; attempt++) {
    try {
      return await callOnce(url, auth, method, params, pipelined);
    } catch (error) {
      // A gateway older than pipelining refuses a request sent before hello-ok (without running
      // it): once more, waiting for hello-ok first.
      if (pipelined && (error as { pipelineRefused?: boolean }).pipelineRefused === true) {
        pipelined = false;
        continue;
      }
      if (!(error instanceof Error) || !(error as { evictedBeforeAuth?: boolean }).evictedBeforeAuth || attempt >= EVICTION_RETRIES) throw error;
      // 50-150 ms, then 100-300, 200-600: spread out so the retry does not land in the same burst.
      await new Promise((resolve) => setTimeout(resolve, EVICTION_BACKOFF_MS * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

/** What a gateway older than pipelining answered a request sent before hello-ok (it then closed). */
const PIPELINE_REFUSAL = 'wait for the connect response before sending requests';

function callOnce(url: string, auth: Record<string, string>, method: string, params: unknown, pipelined: boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let authenticated = false;
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
    // Closed before an answer (e.g. 1013: an idle unauthenticated socket evicted under a flood): say so now, not at the timeout.
    ws.on('close', (code, reason) => finish(Object.assign(new Error(`the gateway closed the connection before answering (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})${code === 1013 ? '; try again' : ''}`), {
      code: `CLOSED_${code}`,
      evictedBeforeAuth: code === 1013 && !authenticated,
    })));
    const call = () => ws.send(JSON.stringify({ type: 'req', id: 'call', method, ...(params === undefined ? {} : { params }) } satisfies RequestFrame));
    ws.on('open', () => {
      const connect: ConnectParams = { minProtocol: PROTOCOL_VERSION, maxProtocol: PROTOCOL_VERSION, client: { id: 'moltbot-cli', version: KERNEL_VERSION }, auth };
      ws.send(JSON.stringify({ type: 'req', id: 'connect', method: 'connect', params: connect } satisfies RequestFrame));
      // Sent at once, not after hello-ok: the gateway holds it until hello-ok is out (one round
      // trip less) and drops it if `connect` is refused, so it never runs unauthenticated and a
      // 1013 before hello-ok still means it did not run.
      if (pipelined) call();
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string; ok?: boolean; payload?: unknown; error?: { code: string; message: string; retryAfterMs?: number; details?: Record<string, unknown> } };
      if (frame.type !== 'res') return;
      if (!frame.ok && frame.id === 'call' && !authenticated && frame.error?.message === PIPELINE_REFUSAL) {
        return finish(Object.assign(refusal(method, frame.error), { pipelineRefused: true }));
      }
      if (!frame.ok) return finish(refusal(frame.id === 'connect' ? 'the connection' : method, frame.error));
      if (frame.id === 'connect') {
        authenticated = true;
        if (!pipelined) call();
      } else if (frame.id === 'call') finish(undefined, frame.payload);
    });
  });
}

/** The gateway's error as an Error: its code, and when to retry (`retryAfterMs`, also in the message the CLI prints). */
function refusal(what: string, error: { code: string; message: string; retryAfterMs?: number; details?: Record<string, unknown> } | undefined): GatewayRefusal {
  const retryAfterMs = typeof error?.retryAfterMs === 'number' && error.retryAfterMs > 0 ? error.retryAfterMs : undefined;
  const retry = retryAfterMs === undefined ? '' : ` (${retryHint(retryAfterMs)})`;
  return Object.assign(new Error(`gateway refused ${what}: ${error?.code} ${error?.message}${retry}`), {
    code: error?.code,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(error?.details !== undefined ? { details: error.details } : {}),
  });
}

/** "retry in 4 min 59 s, at 21:58:03 UTC": the wait rounded up to whole seconds. */
export function retryHint(retryAfterMs: number, now = Date.now()): string {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const wait = seconds >= 60 ? `${Math.floor(seconds / 60)} min${seconds % 60 === 0 ? '' : ` ${seconds % 60} s`}` : `${seconds} s`;
  const at = new Date(now + seconds * 1000).toISOString().slice(11, 19);
  return `retry in ${wait}, at ${at} UTC`;
}
