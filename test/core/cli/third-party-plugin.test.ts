/**
 * "Done when" of the kernel: a plugin written against the README only, in a temp dir, as a
 * user would (TypeScript files importing from 'moltbot', run by Node's type stripping).
 */
import { readFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, spawnCli, spawnNode } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

// The README's "Writing a plugin" example, plus an option telling where to record closes.
const greeter = (name: string) => `
import { definePlugin } from 'moltbot';
import { appendFileSync } from 'node:fs';

export default definePlugin<{ greeting: string; times: number; closeLog: string }>({
  name: '${name}',
  version: '1.0.0',
  kernel: '^1.0.0',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['greeting'],
    properties: {
      greeting: { type: 'string', minLength: 1, description: 'What to say on start.' },
      times: { type: 'integer', minimum: 1, maximum: 10, description: 'How often to say it.' },
      closeLog: { type: 'string', description: 'File that records the close order.' },
    },
  },
  defaults: { times: 1 },
  setup(ctx, options) {
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      for (let i = 0; i < options.times; i++) ctx.log.info(options.greeting);
    });
    ctx.onClose(() => appendFileSync(options.closeLog, ctx.name + '\\n'));
  },
});
`;

function userProject() {
  const temp = useTempDir('moltbot-user-');
  // What `npm install moltbot` gives the user: the package under node_modules.
  mkdirSync(join(temp.dir, 'node_modules'));
  symlinkSync(REPO, join(temp.dir, 'node_modules', 'moltbot'), 'dir');
  temp.write('first-greeter.ts', greeter('first-greeter'));
  temp.write('second-greeter.ts', greeter('second-greeter'));
  return temp;
}

describe('a third-party plugin written from the README', () => {
  it('loads from moltbot.config.ts with options and closes in reverse order', async () => {
    const temp = userProject();
    const closeLog = join(temp.dir, 'closed.txt');
    temp.write('moltbot.config.ts', `
import { defineConfig } from 'moltbot';

export default defineConfig({
  plugins: [
    ['./first-greeter.ts', { greeting: 'hello', times: 2, closeLog: ${JSON.stringify(closeLog)} }],
    ['./second-greeter.ts', { greeting: 'hi', closeLog: ${JSON.stringify(closeLog)} }],
  ],
});
`);
    const result = await spawnCli(['plugins', 'list', '--json'], { cwd: temp.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = (JSON.parse(result.stdout) as { name: string }[]).filter((p) => p.name.endsWith('-greeter'));
    expect(listed).toMatchObject([
      { name: 'first-greeter', version: '1.0.0', origin: 'path', status: 'set-up' },
      { name: 'second-greeter', version: '1.0.0', origin: 'path', status: 'set-up' },
    ]);
    expect(readFileSync(closeLog, 'utf8')).toBe('second-greeter\nfirst-greeter\n');
  });

  it('is rejected with a precise message when its options are wrong', async () => {
    const temp = userProject();
    temp.write('moltbot.config.ts', `
import { defineConfig } from 'moltbot';
export default defineConfig({
  plugins: [['./first-greeter.ts', { greeting: '', times: 0, closeLog: 'x', colour: 'red' }]],
});
`);
    const result = await spawnCli(['config', 'validate'], { cwd: temp.dir });
    expect(result.code).toBe(78);
    expect(result.stderr.replaceAll(temp.dir, '<dir>')).toMatchInlineSnapshot(`
      "MOLT_ERR_PLUGIN_OPTIONS_INVALID: Invalid options for plugin "first-greeter" (moltbot.config.ts → plugins[0])
       - options.colour is not a known key; allowed keys: "greeting", "times", "closeLog"
       - options.greeting must NOT have fewer than 1 characters (got "") -> What to say on start.
       - options.times must be >= 1 (got 0) -> How often to say it.
        at plugin "first-greeter", file <dir>/moltbot.config.ts, path plugins[0].options
        fix: Correct the listed options of "first-greeter"; \`moltbot plugins info first-greeter\` shows its schema.
      "
    `);
  });

  it('runs embedded: createKernel in the user\'s own program, start, log, close', async () => {
    const temp = userProject();
    const closeLog = join(temp.dir, 'closed.txt');
    temp.write('main.ts', `
import { createKernel } from 'moltbot';
import first from './first-greeter.ts';
import second from './second-greeter.ts';

const kernel = createKernel({ config: {}, logLevel: 'info' });
kernel.register(first, { greeting: 'hello from embed', closeLog: ${JSON.stringify(closeLog)} });
kernel.register(second, { greeting: 'second says hi', times: 3, closeLog: ${JSON.stringify(closeLog)} });
await kernel.start();
console.error('phase=' + kernel.phase);
await kernel.close();
console.error('phase=' + kernel.phase);
`);
    const result = await spawnNode(['main.ts'], { cwd: temp.dir });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; plugin?: string });
    expect(lines.filter((l) => l.plugin).map((l) => `${l.plugin}: ${l.msg}`)).toEqual([
      'first-greeter: hello from embed',
      'second-greeter: second says hi',
      'second-greeter: second says hi',
      'second-greeter: second says hi',
    ]);
    expect(result.stderr).toBe('phase=ready\nphase=closed\n');
    expect(readFileSync(closeLog, 'utf8')).toBe('second-greeter\nfirst-greeter\n');
  });
});
