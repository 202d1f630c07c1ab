import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const { safeEqualSecret, secretFingerprint } = await import('../../../../sdk/gateway/auth/secret-equal.ts');

describe('safeEqualSecret', () => {
  it('AU-09: HMACs both sides and compares with crypto.timingSafeEqual (32 bytes each)', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    expect(safeEqualSecret('correct horse', 'correct horse')).toBe(true);
    expect(safeEqualSecret('correct horsf', 'correct horse')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [a, b] of spy.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
  });

  it('AU-09: different lengths return false without throwing; non-strings are false', () => {
    for (let length = 0; length < 200; length += 7) {
      expect(safeEqualSecret('x'.repeat(length), 'secret-value-1234')).toBe(false);
    }
    for (const value of [undefined, null, 42, {}, ['secret'], Buffer.from('secret')]) {
      expect(safeEqualSecret(value, 'secret')).toBe(false);
    }
    expect(safeEqualSecret('secret', undefined)).toBe(false);
    expect(safeEqualSecret('', '')).toBe(false);
  });

  it('fingerprints are stable, differ per secret and do not contain it', () => {
    const print = secretFingerprint('canary-9f8e7d');
    expect(print).toBe(secretFingerprint('canary-9f8e7d'));
    expect(print).not.toBe(secretFingerprint('canary-9f8e7e'));
    expect(print).not.toContain('canary');
    expect(secretFingerprint(undefined)).toBe('');
  });
});
