/**
 * The same loader run by Node itself in a child process. Inside vitest, `import()` of a config
 * goes through Vite's transformer, which accepts TypeScript that Node's type stripping rejects and
 * caches modules its own way; the user's gateway runs on plain Node 24, so the behaviours that
 * depend on Node (type stripping, ES module cache, syntax error positions) are checked here.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from './temp-project.ts';

const CANARY = 'sk-canary-31be07aa';
const CONFIG_INDEX = fileURLToPath(new URL('../../../core/config/index.ts', import.meta.url));

interface Step {
  name: string;
  cwd: string;
  /** Files written (relative to cwd) just before this step's load. */
  write?: Record<string, string>;
  env?: Record<string, string>;
}

interface StepResult {
  config?: Record<string, unknown>;
  file?: string;
  error?: { code: string; message: string; file?: string; data?: Record<string, unknown>; fix: string; describe: string };
}

// Runs every step in order in ONE Node process, so later steps see the module cache of earlier ones.
const RUNNER = `
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
const { loadConfig } = await import(process.argv[2]);
const { steps, home } = JSON.parse(process.argv[3]);
const results = {};
for (const step of steps) {
  for (const [name, content] of Object.entries(step.write ?? {})) {
    await mkdir(path.dirname(path.join(step.cwd, name)), { recursive: true });
    await writeFile(path.join(step.cwd, name), content);
  }
  try {
    const loaded = await loadConfig({ cwd: step.cwd, env: step.env ?? {}, homeDir: home });
    results[step.name] = { config: loaded.config, file: loaded.file };
  } catch (error) {
    const { code, message, file, data, fix } = error;
    results[step.name] = { error: { code, message, file, data, fix, describe: error.describe?.() ?? String(error) } };
  }
}
process.stdout.write(JSON.stringify(results));
`;

let project: TempProject;
let results: Record<string, StepResult>;
const dirOf = (name: string) => path.join(project.dir, name);

beforeAll(async () => {
  project = await tempProject();
  const steps: Step[] = [
    {
      name: 'typescript as users write it',
      cwd: dirOf('ts'),
      env: { ANTHROPIC_API_KEY: 'sk-ant-test' },
      write: {
        'types.ts': 'export interface GatewayOptions { port: number; bind: "loopback" | "lan" }\n',
        'defaults.ts': 'import type { GatewayOptions } from "./types.ts";\nexport const gateway: GatewayOptions = { port: 18789, bind: "loopback" };\n',
        'moltbot.config.ts': [
          "import type { ConfigEnv, UserConfig } from 'moltbot';",
          "import type { GatewayOptions } from './types.ts';",
          "import { gateway } from './defaults.ts';",
          '',
          'const models = ["anthropic/claude-3-5-sonnet-20241022", "openai/gpt-4o"] as const;',
          'function pick<T>(list: readonly T[], index: number): T { return list[index] as T; }',
          '',
          'export default ({ env, mode }: ConfigEnv): UserConfig => ({',
          '  agent: { model: pick(models, 0), fallbacks: [pick(models, 1)] },',
          '  gateway: { ...gateway, port: mode === "production" ? gateway.port : 0 } satisfies GatewayOptions,',
          '  providers: { anthropic: { apiKey: "${ANTHROPIC_API_KEY}" } },',
          '  seen: { hasKey: env.ANTHROPIC_API_KEY !== undefined },',
          '});',
          '',
        ].join('\n'),
      },
    },
    { name: 'reload 1', cwd: dirOf('reload'), write: { 'moltbot.config.ts': 'export default { gateway: { port: 1111 } };\n' } },
    { name: 'reload 2', cwd: dirOf('reload'), write: { 'moltbot.config.ts': 'export default { gateway: { port: 2222 } };\n' } },
    { name: 'reload 3', cwd: dirOf('reload'), write: { 'moltbot.config.ts': 'export default () => ({ gateway: { port: 3333 } });\n' } },
    { name: 'reload unchanged', cwd: dirOf('reload') },
    { name: 'enum', cwd: dirOf('enum'), write: { 'moltbot.config.ts': 'enum Bind { Loopback = "loopback" }\nexport default { gateway: { bind: Bind.Loopback } };\n' } },
    {
      name: 'ts syntax error',
      cwd: dirOf('ts-syntax'),
      write: { 'moltbot.config.ts': `const apiKey: string = "${CANARY}";\nexport default { providers: { anthropic: { apiKey } } gateway: {} };\n` },
    },
    { name: 'import without extension', cwd: dirOf('no-ext'), write: { 'shared.ts': 'export const port = 1;\n', 'moltbot.config.ts': 'import { port } from "./shared";\nexport default { gateway: { port } };\n' } },
    { name: 'type imported as a value', cwd: dirOf('value-type'), write: { 'types.ts': 'export interface Options { port: number }\n', 'moltbot.config.ts': 'import { Options } from "./types.ts";\nconst o: Options = { port: 1 };\nexport default { gateway: o };\n' } },
    { name: 'syntax error in an imported file', cwd: dirOf('helper-syntax'), write: { 'helper.ts': `export const key = "${CANARY}" +;\n`, 'moltbot.config.ts': 'import { key } from "./helper.ts";\nexport default { key };\n' } },
    { name: 'js syntax error', cwd: dirOf('js-syntax'), write: { 'moltbot.config.mjs': `export default { apiKey: "${CANARY}" port: 1 };\n` } },
  ];
  const runner = await project.write('runner.mjs', RUNNER);
  const { stdout } = await promisify(execFile)(process.execPath, [runner, CONFIG_INDEX, JSON.stringify({ steps, home: project.home })], {
    env: { PATH: process.env.PATH ?? '' },
    timeout: 15_000,
  });
  results = JSON.parse(stdout) as Record<string, StepResult>;
});

function scrubbed(text: string | undefined): string {
  return project.scrub(text ?? '<missing>');
}

describe('loadConfig under plain Node (type stripping, ES module cache)', () => {
  it('runs on Node 24, the version the gateway requires', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('loads a .ts config with type imports (even from an uninstalled package) and a relative .ts import', () => {
    expect(results['typescript as users write it']).toEqual({
      file: path.join(dirOf('ts'), 'moltbot.config.ts'),
      config: {
        agent: { model: 'anthropic/claude-3-5-sonnet-20241022', fallbacks: ['openai/gpt-4o'] },
        gateway: { port: 18789, bind: 'loopback' },
        providers: { anthropic: { apiKey: 'sk-ant-test' } },
        seen: { hasKey: true },
      },
    });
  });

  it('re-reads a .ts config after every edit in the same process', () => {
    expect(['reload 1', 'reload 2', 'reload 3', 'reload unchanged'].map((name) => results[name]?.config)).toEqual([
      { gateway: { port: 1111 } },
      { gateway: { port: 2222 } },
      { gateway: { port: 3333 } },
      { gateway: { port: 3333 } },
    ]);
  });

  it('explains an enum (not strippable) with file and position', () => {
    expect(scrubbed(results.enum?.error?.describe)).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: TypeScript syntax Node cannot strip in <tmp>/project/enum/moltbot.config.ts at line 1, column 1: TypeScript enum is not supported in strip-only mode
        at file <tmp>/project/enum/moltbot.config.ts
        fix: Node loads this config with type stripping: use \`import type\` for types, write relative imports with their extension (\`./shared.ts\`), and avoid enums, namespaces and parameter properties."
    `);
  });

  it('names file, line and column of a TypeScript syntax error without echoing the source', () => {
    const error = results['ts syntax error']?.error;
    expect(error?.data).toEqual({ line: 2, column: 55 });
    expect(JSON.stringify(error)).not.toContain(CANARY);
    expect(scrubbed(error?.describe)).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: Syntax error in <tmp>/project/ts-syntax/moltbot.config.ts at line 2, column 55: Expected ',', got 'ident'
        at file <tmp>/project/ts-syntax/moltbot.config.ts
        fix: Fix the syntax error at the given position, or remove the file."
    `);
  });

  it('points at the missing .ts extension of a relative import', () => {
    const error = results['import without extension']?.error;
    expect(error?.code).toBe('MOLT_ERR_CONFIG_LOAD');
    expect(scrubbed(error?.describe)).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: <tmp>/project/no-ext/moltbot.config.ts: an import cannot be resolved: Cannot find module '<tmp>/project/no-ext/shared' imported from <tmp>/project/no-ext/moltbot.config.ts
        at file <tmp>/project/no-ext/moltbot.config.ts
        fix: Write relative imports with their file extension (\`./shared.ts\`): Node resolves them without a bundler.
        cause: Error: Cannot find module '<tmp>/project/no-ext/shared' imported from <tmp>/project/no-ext/moltbot.config.ts"
    `);
  });

  it('explains a type imported without `import type`', () => {
    const error = results['type imported as a value']?.error;
    expect(error?.code).toBe('MOLT_ERR_CONFIG_LOAD');
    expect(scrubbed(error?.describe)).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: Import error in <tmp>/project/value-type/moltbot.config.ts at line 1, column 10: The requested module './types.ts' does not provide an export named 'Options'
        at file <tmp>/project/value-type/moltbot.config.ts
        fix: Import types with \`import type { … }\`: Node strips those, but keeps plain imports and then finds no such export."
    `);
  });

  it('names the imported file that has the syntax error', () => {
    const error = results['syntax error in an imported file']?.error;
    expect(JSON.stringify(error)).not.toContain(CANARY);
    expect(scrubbed(error?.describe)).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: Syntax error in <tmp>/project/helper-syntax/helper.ts at line 1, column 42: Expression expected (imported by <tmp>/project/helper-syntax/moltbot.config.ts)
        at file <tmp>/project/helper-syntax/moltbot.config.ts
        fix: Fix the syntax error at the given position, or remove the file."
    `);
  });

  it('names the file of a JavaScript syntax error without echoing the source', () => {
    const error = results['js syntax error']?.error;
    expect(JSON.stringify(error)).not.toContain(CANARY);
    expect(scrubbed(error?.describe)).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: Syntax error in <tmp>/project/js-syntax/moltbot.config.mjs: Unexpected identifier 'port'
        at file <tmp>/project/js-syntax/moltbot.config.mjs
        fix: Run \`node --check "<tmp>/project/js-syntax/moltbot.config.mjs"\` to see the line and column."
    `);
  });
});
