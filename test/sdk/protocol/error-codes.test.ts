import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, RPC_ERRORS, RpcError, wireError } from '../../../sdk/protocol/error-codes.ts';

const readme = readFileSync(new URL('../../../plugins/gateway/README.md', import.meta.url), 'utf8');

function tableAfter(heading: string): string[] {
  const section = readme.slice(readme.indexOf(heading));
  const rows = section.split('\n').slice(1);
  const start = rows.findIndex((line) => line.startsWith('|'));
  const table = rows.slice(start);
  const end = table.findIndex((line) => !line.startsWith('|'));
  return table.slice(2, end === -1 ? undefined : end).map((line) => line.split('|')[1]!.trim());
}

describe('wire catalogue', () => {
  it('README lists exactly the error codes of RPC_ERRORS', () => {
    expect(tableAfter('#### Error codes').map((cell) => cell.replaceAll('`', ''))).toEqual(Object.keys(RPC_ERRORS));
  });

  it('README lists every close code the gateway sends', () => {
    const documented = tableAfter('#### Close codes').map((cell) => Number.parseInt(cell, 10));
    for (const code of Object.values(CLOSE_CODES)) expect(documented).toContain(code);
  });

  it('wireError rounds retryAfterMs up to whole milliseconds, at least 1', () => {
    expect(wireError('RATE_LIMITED', 'slow down', { retryAfterMs: 0.2 })).toEqual({ code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 1 });
    expect(wireError('BUSY', 'busy', { retryAfterMs: 99.1, details: { n: 1 } })).toEqual({ code: 'BUSY', message: 'busy', details: { n: 1 }, retryAfterMs: 100 });
    const error = new RpcError('NOT_FOUND', 'no such note', { details: { id: 4 } });
    expect([error.code, error.message, error.details, error.retryAfterMs]).toEqual(['NOT_FOUND', 'no such note', { id: 4 }, undefined]);
  });
});
