import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { parseAst } from 'rolldown/parseAst';
import { compiledWithModule, generateAll, main } from '../../../scripts/build-validators.ts';
import { createAjv } from '../../../core/validate/ajv.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PLUGIN_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: { url: { type: 'string', format: 'uri', description: 'Where alerts are posted.' } },
};

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project folder holding the real root schema and the given plugin schemas. */
function project(plugins: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-schemas-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'schemas/plugins'), { recursive: true });
  copyFileSync(join(ROOT, 'schemas/moltbot.config.json'), join(dir, 'schemas/moltbot.config.json'));
  writeFileSync(join(dir, 'schemas/plugins/.gitkeep'), '');
  for (const [name, schema] of Object.entries(plugins)) writeFileSync(join(dir, `schemas/plugins/${name}.json`), JSON.stringify(schema));
  return dir;
}

function captureStderr(): string[] {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return written;
}

describe('scripts/build-validators.ts', () => {
  it('handles a plugins folder without schemas', async () => {
    expect([...(await generateAll(project({}))).keys()]).toEqual([
      'schemas/generated/moltbot.config.validate.ts',
      'schemas/generated/config-types.ts',
    ]);
  });

  it('writes, then --check passes; a changed schema or a leftover file fails --check without writing', async () => {
    const dir = project({ 'alert-webhook': PLUGIN_SCHEMA });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main([], dir)).toBe(0);
    expect(readdirSync(join(dir, 'schemas/generated')).sort()).toEqual([
      'alert-webhook.validate.ts', 'config-types.ts', 'moltbot.config.validate.ts',
    ]);
    expect(await main(['--check'], dir)).toBe(0);

    const before = readFileSync(join(dir, 'schemas/generated/alert-webhook.validate.ts'), 'utf8');
    writeFileSync(join(dir, 'schemas/plugins/alert-webhook.json'), JSON.stringify({ ...PLUGIN_SCHEMA, description: 'changed' }));
    writeFileSync(join(dir, 'schemas/generated/removed-plugin.validate.ts'), '// left over\n');
    const stderr = captureStderr();
    expect(await main(['--check'], dir)).toBe(1);
    expect(stderr.join('')).toBe([
      'Stale generated files (run `npm run build:schemas`):',
      ' - schemas/generated/alert-webhook.validate.ts',
      ' - schemas/generated/removed-plugin.validate.ts',
      '',
    ].join('\n'));
    expect(readFileSync(join(dir, 'schemas/generated/alert-webhook.validate.ts'), 'utf8')).toBe(before);

    expect(await main([], dir)).toBe(0);
    expect(readdirSync(join(dir, 'schemas/generated'))).not.toContain('removed-plugin.validate.ts');
    expect(await main(['--check'], dir)).toBe(0);
  });

  it('is deterministic: the same input gives byte-identical output', async () => {
    const dir = project({ 'alert-webhook': PLUGIN_SCHEMA });
    expect(await generateAll(dir)).toEqual(await generateAll(dir));
  });
});

describe('compiledWithModule', () => {
  // A recursive $ref: ajv emits a second function that the first calls.
  const TREE = {
    $ref: '#/definitions/node',
    definitions: { node: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/node' } } } } },
  };

  it('turns every top-level function into a parenthesised expression, exports last, and the module still validates', async () => {
    const ajv = createAjv({ esm: true });
    const code = compiledWithModule(standaloneCode.default(ajv, ajv.compile(TREE)).replace(/^"use strict";/, ''));
    const body = parseAst(code).body;
    expect(body.filter((statement) => statement.type === 'FunctionDeclaration')).toEqual([]);
    const functions = [...code.matchAll(/const (validate\d+) = \(function (validate\d+)\(/g)];
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const [, constName, functionName] of functions) expect(constName).toBe(functionName);
    expect(body.slice(-2).map((statement) => statement.type)).toEqual(['ExportNamedDeclaration', 'ExportDefaultDeclaration']);

    const { validate } = await import(`data:text/javascript,${encodeURIComponent(code)}`) as { validate: ((data: unknown) => boolean) & { errors?: unknown[] } };
    expect(validate({ name: 'root', children: [{ name: 'leaf', children: [] }] })).toBe(true);
    expect(validate({ name: 'root', children: [{ children: [] }] })).toBe(false);
    expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/children/0', keyword: 'required' })]);
  });

  it('is what the generated root-config validator holds: no function left to compile at its first call', () => {
    const code = readFileSync(join(ROOT, 'schemas/generated/moltbot.config.validate.ts'), 'utf8');
    expect(parseAst(code).body.filter((statement) => statement.type === 'FunctionDeclaration')).toEqual([]);
    expect(code).toMatch(/const validate10 = \(function validate10\(/);
  });
});

describe('method params', () => {
  it('generates one module per plugin with a validator named as each exported schema', async () => {
    const dir = project({});
    mkdirSync(join(dir, 'plugins/notes'), { recursive: true });
    writeFileSync(join(dir, 'plugins/notes/method-params.ts'), [
      "export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };",
      "export const NOTE_GET = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } };",
    ].join('\n'));
    const files = await generateAll(dir);
    const code = files.get('schemas/generated/notes.method-params.validate.ts')!;
    expect(code).toContain('from plugins/notes/method-params.ts');
    writeFileSync(join(dir, 'notes.validate.ts'), code);
    const validators = await import(pathToFileURL(join(dir, 'notes.validate.ts')).href) as Record<string, ((data: unknown) => boolean) & { errors?: unknown[] }>;
    expect(Object.keys(validators).sort()).toEqual(['NOTE_GET', 'NO_PARAMS']);
    expect(validators.NO_PARAMS!({})).toBe(true);
    expect(validators.NO_PARAMS!({ extra: 1 })).toBe(false);
    expect(validators.NOTE_GET!({ id: 2 })).toBe(true);
    expect(validators.NOTE_GET!({ id: 0 })).toBe(false);
    expect(validators.NOTE_GET!.errors).toEqual([expect.objectContaining({ instancePath: '/id', keyword: 'minimum' })]);
  });

  it('refuses a method-params module with an export that is not a schema', async () => {
    const dir = project({});
    mkdirSync(join(dir, 'plugins/notes'), { recursive: true });
    writeFileSync(join(dir, 'plugins/notes/method-params.ts'), "export const LIMIT = 5;\n");
    await expect(generateAll(dir)).rejects.toThrow('plugins/notes/method-params.ts: export LIMIT is not a JSON Schema object');
  });
});
