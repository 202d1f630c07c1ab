/**
 * `moltbot config validate` and the gateway's start give one verdict on every config: what start
 * refuses (exit 78 and the config path), validate refuses with the same code and path, and what
 * validate accepts, start runs. Each row is a config an operator can write (the deployment
 * guide's WhatsApp block without its credentials, Tailscale funnel with token auth, ...).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMoltbotError } from '../../../core/errors.ts';
import { createKernel } from '../../../core/kernel.ts';
import { CONFIG_SECTIONS, EMBEDDED_PRESET, FIRST_PARTY, IMPLIED_PLUGINS } from '../../../app/catalogue.ts';
import { suggestConfig } from '../../../plugins/audit/suggest.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { gatewayServiceRef } from '../../../sdk/gateway/index.ts';

interface Verdict { code: number; path: string | null }

const TOKEN = { mode: 'token' };
const PASSWORD_ENV = { CLAWDBOT_GATEWAY_PASSWORD: 'a-long-random-password-for-the-preset' };
const CASES: { name: string; config: Record<string, unknown>; env?: Record<string, string>; expected: Verdict }[] = [
  // Every preset `moltbot config suggest` prints validates and starts as printed.
  { name: '`config suggest` (development preset)', config: suggestConfig(false), env: PASSWORD_ENV, expected: { code: 0, path: null } },
  { name: '`config suggest --production`', config: suggestConfig(true), env: PASSWORD_ENV, expected: { code: 0, path: null } },
  { name: 'a plain token-auth gateway', config: { gateway: { auth: TOKEN } }, expected: { code: 0, path: null } },
  {
    name: 'the guide\'s WhatsApp block without its credentials',
    config: { gateway: { auth: TOKEN }, channels: { whatsapp: { enabled: true, dmPolicy: 'pairing', allowFrom: ['+1234567890'] } } },
    expected: { code: 78, path: 'channels.whatsapp.phoneNumberId' },
  },
  { name: 'Tailscale funnel with token auth', config: { gateway: { auth: TOKEN, tailscale: { mode: 'funnel' } } }, expected: { code: 78, path: 'gateway.tailscale.mode' } },
  { name: 'lan bind without auth', config: { gateway: { bind: 'lan', auth: { mode: 'none' } } }, expected: { code: 78, path: 'gateway.auth.mode' } },
  { name: 'custom bind without a host', config: { gateway: { bind: 'custom', auth: TOKEN } }, expected: { code: 78, path: 'gateway.customBindHost' } },
  {
    name: 'TLS on with a certificate file that does not exist',
    config: { gateway: { auth: TOKEN, ssl: { enabled: true, certPath: 'missing-cert.pem', keyPath: 'missing-key.pem' } } },
    expected: { code: 78, path: 'gateway.ssl.certPath' },
  },
  { name: 'a schema error', config: { gateway: { port: 'x' } }, expected: { code: 78, path: 'gateway.port' } },
  {
    name: 'an unset ${VAR}',
    config: { gateway: { auth: TOKEN }, providers: { anthropic: { apiKey: '${MOLTBOT_TEST_UNSET_KEY}' } } },
    expected: { code: 78, path: 'providers.anthropic.apiKey' },
  },
  {
    name: 'a sandbox allowlist naming a tool that does not exist',
    config: { gateway: { auth: TOKEN }, agents: { defaults: { sandbox: { mode: 'non-main', allowlist: ['read', 'no_such_tool'] } } } },
    expected: { code: 78, path: 'agents.defaults.sandbox' },
  },
  {
    name: 'control UI assets that are not there',
    config: { gateway: { auth: TOKEN }, plugins: [['control-ui', { assetsDir: 'no-such-dir' }]] },
    expected: { code: 1, path: 'options.assetsDir' },
  },
];

async function validateVerdict(dir: string, env: Record<string, string>): Promise<Verdict & { output: string }> {
  const result = await runCliCaptured(['config', 'validate', '--json'], { cwd: dir, env });
  const body = JSON.parse(result.stdout) as { ok: boolean; error?: { path: string | null } };
  return { code: result.code, path: body.ok ? null : body.error?.path ?? null, output: result.stdout + result.stderr };
}

/** What `moltbot gateway --port 0` does, in process: the CLI's kernel, a free port, start. */
async function startVerdict(dir: string, env: Record<string, string>): Promise<Verdict & { output: string }> {
  let output = '';
  const kernel = createKernel({
    cwd: dir, homeDir: dir, env: { HOME: dir, MOLTBOT_STATE_DIR: join(dir, '.state'), ...env },
    catalogue: FIRST_PARTY, preset: EMBEDDED_PRESET, impliedPlugins: IMPLIED_PLUGINS, sections: CONFIG_SECTIONS,
    logDestination: { write: (line: string) => { output += line; } },
  });
  try {
    await kernel.load();
    kernel.use(gatewayServiceRef).listenOn({ port: 0 });
    await kernel.start();
    expect(kernel.use(gatewayServiceRef).address()).toBeDefined();
    return { code: 0, path: null, output };
  } catch (error) {
    if (!isMoltbotError(error)) throw error;
    return { code: error.exitCode, path: error.path ?? null, output: `${output}${error.describe()}` };
  } finally {
    await kernel.close();
  }
}

describe('config validate and the gateway start agree', () => {
  it.each(CASES)('$name', async ({ config, env = {}, expected }) => {
    const temp = useTempDir('moltbot-verdict-');
    temp.write('moltbot.config.json', JSON.stringify(config));
    const validated = await validateVerdict(temp.dir, env);
    const started = await startVerdict(temp.dir, env);
    expect({ code: validated.code, path: validated.path }, validated.output).toEqual(expected);
    expect({ code: started.code, path: started.path }, started.output).toEqual(expected);
  });
});
