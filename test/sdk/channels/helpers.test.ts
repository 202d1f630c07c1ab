/** The SDK's pure channel helpers: chunking and backoff. */
import { describe, expect, it } from 'vitest';
import { chunkText, createBackoff } from 'moltbot/plugin-sdk/channels';

describe('chunkText', () => {
  it('keeps short text whole and never exceeds the limit', () => {
    expect(chunkText('  hello  ', 10)).toEqual(['hello']);
    expect(chunkText('', 10)).toEqual([]);
    const text = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkText(text, 37);
    expect(chunks.every((c) => c.length <= 37)).toBe(true);
    expect(chunks.join(' ')).toBe(text);
  });

  it('prefers paragraph, then line, then sentence, then word boundaries', () => {
    expect(chunkText('First para line.\nSecond line here.\n\nNext para.', 40)).toEqual(['First para line.\nSecond line here.', 'Next para.']);
    expect(chunkText('Line one is here\nline two is here too and long', 30)).toEqual(['Line one is here', 'line two is here too and long']);
    expect(chunkText('One sentence. Two sentence is longer here', 30)).toEqual(['One sentence.', 'Two sentence is longer here']);
    expect(chunkText('alpha beta gamma delta', 12)).toEqual(['alpha beta', 'gamma delta']);
  });

  it('cuts an unbroken word only when it must, never inside a surrogate pair', () => {
    expect(chunkText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    const emoji = '😀'.repeat(5); // 10 code units
    const chunks = chunkText(`a${emoji}`, 4);
    expect(chunks.every((c) => c.length <= 4)).toBe(true);
    expect(chunks.join('')).toBe(`a${emoji}`);
    for (const chunk of chunks) expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });

  it('rejects a nonsense limit', () => {
    expect(() => chunkText('x', 1)).toThrow(RangeError);
  });
});

describe('createBackoff', () => {
  it('full jitter under a capped exponential ceiling; reset starts over', () => {
    const ceilings: number[] = [];
    const backoff = createBackoff({ baseMs: 100, maxMs: 1000 }, () => 0.999999);
    for (let i = 0; i < 8; i++) ceilings.push(backoff.next());
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999, 999, 999]);
    backoff.reset();
    expect(backoff.next()).toBe(99);
    expect(createBackoff({}, () => 0).next()).toBe(0);
    const real = createBackoff();
    for (let i = 0; i < 100; i++) expect(real.next()).toBeLessThanOrEqual(60_000);
  });
});
