import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureTokenFile, TOKEN_BYTES, tokenFilePath } from '../../../../sdk/gateway/auth/token-file.ts';
import { useTempDir } from '../../../helpers/temp-dir.ts';

describe('generated gateway token', () => {
  it('first start writes 32 random bytes with mode 0600 in a 0700 dir; later starts reuse it', async () => {
    const { dir } = useTempDir();
    const first = await ensureTokenFile(dir);
    expect(first.path).toBe(tokenFilePath(dir));
    expect(first.created).toBe(true);
    expect(Buffer.from(first.token, 'base64url').length).toBe(TOKEN_BYTES);
    expect(readFileSync(first.path, 'utf8')).toBe(`${first.token}\n`);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(statSync(`${dir}/credentials`).mode & 0o777).toBe(0o700);
    const second = await ensureTokenFile(dir);
    expect(second).toEqual({ ...first, created: false });
  });

  it('tokens differ between state dirs', async () => {
    const [a, b] = await Promise.all([ensureTokenFile(useTempDir().dir), ensureTokenFile(useTempDir().dir)]);
    expect(a.token).not.toBe(b.token);
  });

  it('an empty token file is replaced', async () => {
    const temp = useTempDir();
    temp.write('credentials/gateway-token', '\n');
    const result = await ensureTokenFile(temp.dir);
    expect(result.created).toBe(true);
    expect(result.token.length).toBeGreaterThan(40);
  });
});
