import { describe, expect, it } from 'vitest';
import { inspectJson } from '../../../plugins/gateway/json-inspect.ts';

describe('inspectJson', () => {
  it('IN-06: depth is counted for arrays and objects alike', () => {
    expect(inspectJson(JSON.parse('[[[1]]]'), 3)).toBeUndefined();
    expect(inspectJson(JSON.parse('[[[[1]]]]'), 3)).toBe('too-deep');
    expect(inspectJson(JSON.parse('{"a":{"b":{"c":1}}}'), 3)).toBeUndefined();
    expect(inspectJson(JSON.parse('{"a":{"b":{"c":{}}}}'), 3)).toBe('too-deep');
    expect(inspectJson(42, 1)).toBeUndefined();
  });

  it('IN-06: a 100 000-deep array is rejected without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(inspectJson(deep, 64)).toBe('too-deep');
  });

  it.each(['{"__proto__":{"isAdmin":true}}', '{"a":[{"constructor":{"prototype":{"x":1}}}]}', '{"prototype":1}'])('IN-14: %s is refused', (text) => {
    expect(inspectJson(JSON.parse(text), 64)).toBe('forbidden-key');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
