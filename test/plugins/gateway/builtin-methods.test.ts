import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * In a process of its own (ajv, once loaded, stays in the module cache): a gateway started with
 * its own plugins answers `ping`, `health` and `status`; the script reports whether ajv's
 * compiler was loaded by then. Their params are precompiled, so the first request of a health
 * check or a client does not load ajv (tens of ms) nor compile a schema.
 */
// Node's own WebSocket client: the script's folder has no node_modules.
const SCRIPT = `
import { createRequire } from 'node:module';
const [dir] = process.argv.slice(2);
const { createKernel } = await import(new URL('app/index.ts', process.env.ROOT).href);
const { gatewayServiceRef } = await import(new URL('sdk/gateway/index.ts', process.env.ROOT).href);
const require = createRequire(new URL('package.json', process.env.ROOT));
const ajvLoaded = () => Object.keys(require.cache).some((file) => /node_modules[\\\\/]ajv[\\\\/]dist[\\\\/](ajv|core)\\.js$/.test(file));
const password = 'builtin-methods-password-0123';
const kernel = createKernel({
  config: { preset: 'none', gateway: { auth: { mode: 'password', password } }, plugins: ['rate-limit', 'auth-password', 'auth-token', 'gateway'] },
  env: { HOME: dir, MOLTBOT_STATE_DIR: dir }, homeDir: dir, cwd: dir, logLevel: 'warn', logDestination: { write: () => true },
});
await kernel.load();
const gateway = kernel.use(gatewayServiceRef);
gateway.listenOn({ port: 0 });
await kernel.start();
const ws = new WebSocket(gateway.address().url);
await new Promise((resolve, reject) => { ws.addEventListener('open', resolve); ws.addEventListener('error', reject); });
let id = 0;
const request = (method, params) => new Promise((resolve) => {
  const mine = ++id;
  ws.addEventListener('message', (event) => { const frame = JSON.parse(String(event.data)); if (frame.id === mine) resolve(frame); });
  ws.send(JSON.stringify({ type: 'req', id: mine, method, params }));
});
const answers = [(await request('connect', { minProtocol: 1, maxProtocol: 1, client: { id: 'test', version: '1' }, auth: { password } })).ok];
for (const method of ['ping', 'health', 'status']) answers.push((await request(method)).ok);
const refused = await request('ping', { unexpected: 1 });
ws.close();
await kernel.close();
process.stdout.write(JSON.stringify({ answers, refused: refused.error?.code, ajvLoaded: ajvLoaded() }));
`;

describe('the gateway\'s own methods', () => {
  it('are checked by precompiled validators: ping, health and status load no ajv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moltbot-builtin-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'check.mjs'), SCRIPT);
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'check.mjs'), dir], { cwd: new URL('.', ROOT).pathname, env: { ...process.env, ROOT: ROOT.href }, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ answers: [true, true, true, true], refused: 'INVALID_REQUEST', ajvLoaded: false });
  });
});
