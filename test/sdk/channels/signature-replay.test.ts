/** The shared signed-webhook pieces: HMAC-SHA256 signatures and the replay guard. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createReplayGuard } from '../../../sdk/channels/replay-guard.ts';
import { FileSeenStore } from '../../../plugins/channels/seen-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { hmacSha256Hex, signatureDigest, signatureHeader, verifySignature } from '../../../sdk/channels/signature.ts';

describe('HMAC-SHA256 signatures', () => {
  it('matches the RFC 4231-style reference value and covers the parts in order', () => {
    expect(hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(hmacSha256Hex('key', 'The quick brown ', Buffer.from('fox jumps over the lazy dog'))).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('accepts only the exact sha256=<hex> of the body under the secret', () => {
    const body = Buffer.from('{"a":1}');
    const header = signatureHeader('s3cret', body);
    expect(verifySignature(header, 's3cret', body)).toBe(true);
    expect(verifySignature(header.toUpperCase().replace('SHA256=', 'sha256='), 's3cret', body)).toBe(true);
    expect(verifySignature(header, 'other', body)).toBe(false);
    expect(verifySignature(header, 's3cret', Buffer.from('{"a":2}'))).toBe(false);
    expect(verifySignature(undefined, 's3cret', body)).toBe(false);
    expect(verifySignature(['a', 'b'], 's3cret', body)).toBe(false);
    expect(verifySignature(header.slice(7), 's3cret', body)).toBe(false);
    expect(verifySignature(`${header}00`, 's3cret', body)).toBe(false);
    expect(verifySignature('sha256=zz', 's3cret', body)).toBe(false);
  });

  it('gives one canonical digest for every spelling of the same signature', () => {
    const header = signatureHeader('s3cret', Buffer.from('{"a":1}'));
    const digest = header.slice('sha256='.length);
    expect(signatureDigest(header)).toBe(digest);
    expect(signatureDigest(`sha256=${digest.toUpperCase()}`)).toBe(digest);
    expect(signatureDigest(`sha256= ${digest.slice(0, 32).toUpperCase()}${digest.slice(32)} `)).toBe(digest);
    expect(signatureDigest('sha256=zz')).toBeUndefined();
    expect(signatureDigest(undefined)).toBeUndefined();
  });
});

describe('replay guard', () => {
  const fileStore = (now: () => number, dir = useTempDir().dir) => new FileSeenStore(join(dir, 'seen.jsonl'), { now });

  it('takes a key once, refuses it again inside the window, and forgets it after', async () => {
    let now = 1_000_000;
    const guard = createReplayGuard({ windowMs: 1000, now: () => now, store: fileStore(() => now) });
    expect(await guard.check('a', now)).toBe('ok');
    expect(await guard.check('a', now)).toBe('replayed');
    now += 1002;
    expect(await guard.check('b')).toBe('ok');
    expect(await guard.check('a')).toBe('ok');
  });

  it('calls a timestamp outside the window stale, either way', async () => {
    const now = 5_000_000;
    const guard = createReplayGuard({ windowMs: 300_000, now: () => now, store: fileStore(() => now) });
    expect(await guard.check('old', now - 300_001)).toBe('stale');
    expect(await guard.check('future', now + 300_001)).toBe('stale');
    expect(await guard.check('nan', Number.NaN)).toBe('stale');
    expect(await guard.check('edge', now - 300_000)).toBe('ok');
  });

  it('remembers a future-stamped key until timestamp + window, as long as the timestamp stays fresh', async () => {
    let now = 10_000_000;
    const guard = createReplayGuard({ windowMs: 1000, now: () => now, store: fileStore(() => now) });
    const ts = now + 900;
    expect(await guard.check('future', ts)).toBe('ok');
    now += 1500; // past arrival + window, still inside ts + window
    expect(await guard.check('future', ts)).toBe('replayed');
    now = ts + 1000; // the last instant the timestamp is fresh
    expect(await guard.check('future', ts)).toBe('replayed');
    now += 1;
    expect(await guard.check('future', ts)).toBe('stale');
  });

  it('survives a restart: a new store on the same file still refuses the key for the rest of its window', async () => {
    let now = 20_000_000;
    const { dir } = useTempDir();
    const first = createReplayGuard({ windowMs: 60_000, now: () => now, store: fileStore(() => now, dir) });
    expect(await first.check('sig', now)).toBe('ok');
    expect(await first.check('released', now)).toBe('ok');
    await first.forget('released');
    now += 30_000;
    const second = createReplayGuard({ windowMs: 60_000, now: () => now, store: fileStore(() => now, dir) });
    expect(await second.check('sig', now - 30_000)).toBe('replayed');
    expect(await second.check('released', now - 30_000)).toBe('ok');
  });

  it('forget() lets a retry through; concurrent checks of one key: exactly one is ok', async () => {
    const store = fileStore(Date.now);
    const guard = createReplayGuard({ windowMs: 60_000, store });
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => guard.check('same')));
    expect(verdicts.filter((v) => v === 'ok')).toHaveLength(1);
    await guard.forget('same');
    expect(await guard.check('same')).toBe('ok');
  });
});
