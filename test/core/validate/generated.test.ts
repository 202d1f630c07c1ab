import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import rootSchema from '../../../schemas/moltbot.config.json' with { type: 'json' };
import { compileSchema } from '../../../core/validate/compile.ts';
import { validateRootConfig } from '../../../core/validate/precompiled.ts';
import { generateAll } from '../../../scripts/build-validators.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('schemas/generated', () => {
  it('is up to date with the schemas (run `npm run build:schemas` when this fails)', async () => {
    const expected = await generateAll();
    const stale = [...expected].filter(([path, content]) => {
      const file = join(ROOT, path);
      return !existsSync(file) || readFileSync(file, 'utf8') !== content;
    }).map(([path]) => path);
    const orphans = readdirSync(join(ROOT, 'schemas/generated'))
      .filter((name) => name.endsWith('.validate.ts'))
      .map((name) => `schemas/generated/${name}`)
      .filter((path) => !expected.has(path));
    expect({ stale, orphans }).toEqual({ stale: [], orphans: [] });
    expect(expected.has('schemas/generated/moltbot.config.validate.ts')).toBe(true);
    expect(expected.get('schemas/generated/config-types.ts')).toContain('export interface MoltbotConfig {');
  });

  it('the generated module loads under plain Node ESM (runtime requires resolve)', () => {
    const url = pathToFileURL(join(ROOT, 'schemas/generated/moltbot.config.validate.ts')).href;
    const script = `import v from ${JSON.stringify(url)};
      const config = { providers: { o: { baseURL: 'not a uri' } }, gateway: {} };
      console.log(JSON.stringify([v(config), v.errors.map((e) => e.keyword), config.gateway.port]));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([false, ['format'], 18789]);
  });
});

describe('precompiled and runtime-compiled root validators agree', () => {
  const runtime = compileSchema(rootSchema);
  const outcome = (validate: typeof runtime, config: unknown) => {
    const data = structuredClone(config);
    const valid = validate(data);
    const errors = (validate.errors ?? []).map(({ instancePath, schemaPath, keyword, params, message }) => ({ instancePath, schemaPath, keyword, params, message }));
    return { valid, errors, data };
  };

  it('on a valid config, including the defaults they insert', () => {
    const config = {
      agent: { model: 'anthropic/claude-3-5-sonnet-20241022', fallbacks: ['openai/gpt-4o'], workspace: '~/clawd' },
      providers: { ollama: { api: 'openai', baseURL: 'http://127.0.0.1:11434/v1' } },
      gateway: { port: 18789, auth: { mode: 'password', password: '${CLAWDBOT_GATEWAY_PASSWORD}' }, rateLimiting: {} },
      channels: { telegram: { botToken: '${TELEGRAM_BOT_TOKEN}', allowFrom: [] } },
      logging: { transports: ['file', { type: 'http', config: { url: 'https://logs.example' } }] },
      plugins: ['cache-memory', ['cache-redis', { url: 'redis://127.0.0.1:6379' }]],
    };
    const precompiled = outcome(validateRootConfig, config);
    expect(precompiled.valid).toBe(true);
    expect(precompiled.data).toMatchObject({ gateway: { bind: 'loopback', rateLimiting: { enabled: true, burstSize: 100 } }, channels: { telegram: { dmPolicy: 'pairing' } } });
    expect(outcome(runtime, config)).toEqual(precompiled);
  });

  it('on an invalid config, error for error', () => {
    const config = {
      gateway: { port: 'abc', bnd: 'lan', auth: { mode: 'pasword' } },
      channels: { irc: { dmPolicy: 'open', allowFrom: ['alice'] } },
      plugins: [42, { nam: 'x' }],
      alerts: { thresholds: { cpuCritical: 1.5 } },
    };
    const precompiled = outcome(validateRootConfig, config);
    expect(precompiled.valid).toBe(false);
    expect(precompiled.errors.length).toBeGreaterThan(5);
    expect(outcome(runtime, config)).toEqual(precompiled);
  });
});
