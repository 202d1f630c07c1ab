import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { connectClient, startGateway } from './helpers.ts';

function selfSigned(dir: string): { certPath: string; keyPath: string; cert: Buffer } {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath,
  ], { stdio: 'ignore' });
  return { certPath, keyPath, cert: readFileSync(certPath) };
}

describe('gateway TLS', () => {
  it('serves wss and https on the same port from gateway.ssl', async () => {
    const { dir } = useTempDir();
    const { certPath, keyPath, cert } = selfSigned(dir);
    const { url, httpUrl, port } = await startGateway({ gateway: { ssl: { enabled: true, certPath, keyPath } } });
    expect(url).toBe(`wss://127.0.0.1:${port}/`);
    expect(httpUrl).toBe(`https://127.0.0.1:${port}`);
    const client = await connectClient(url, undefined, { ca: cert });
    expect((await client.request('ping')).ok).toBe(true);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      get(`${httpUrl}/healthz`, { ca: cert }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
    });
    expect(status).toBe(200);
  });

  it('an unreadable certificate is a config error naming gateway.ssl.certPath (exit 78), and nothing listens', async () => {
    const { dir } = useTempDir();
    const attempt = startGateway({ gateway: { ssl: { enabled: true, certPath: join(dir, 'missing.pem'), keyPath: join(dir, 'missing-key.pem') } } });
    await expect(attempt).rejects.toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: 'gateway.ssl.certPath', exitCode: 78 });
    await expect(attempt).rejects.toThrow(`gateway.ssl.certPath (${join(dir, 'missing.pem')}) cannot be read: ENOENT`);
  });

  it('a key file that is not PEM is refused without echoing its content', async () => {
    const temp = useTempDir();
    const { certPath } = selfSigned(temp.dir);
    const keyPath = temp.write('key.txt', 'canary-private-key-material');
    const attempt = startGateway({ gateway: { ssl: { enabled: true, certPath, keyPath } } });
    await expect(attempt).rejects.toThrow(`gateway.ssl.keyPath (${keyPath}) is not a PEM file`);
    await expect(attempt).rejects.not.toThrow(/canary/);
  });
});
