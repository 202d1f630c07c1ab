import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../plugins/control-ui/index.ts';
import { startGateway } from '../gateway/helpers.ts';

/** A GET with the path sent byte for byte (fetch would normalise `..` away). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const start = (extra: Record<string, unknown> = {}, gateway: Record<string, unknown> = {}) => startGateway({ extra: [['control-ui', extra]], gateway });

describe('control-ui static serving', () => {
  it('serves index.html under /ui/ with the security headers and no-cache; / and /ui redirect there', async () => {
    const { httpUrl } = await start();
    const page = await fetch(`${httpUrl}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    const html = await page.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/ui\/assets\/index-[\w-]+\.js"><\/script>/);
    for (const path of ['/', '/ui']) {
      const redirect = await fetch(`${httpUrl}${path}`, { redirect: 'manual' });
      expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/ui/']);
    }
  });

  it('CSP forbids inline code, framing and foreign connections', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("style-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it('hashed assets get their content type and a year of immutable cache; HEAD has no body', async () => {
    const { httpUrl } = await start();
    const html = await (await fetch(`${httpUrl}/ui/`)).text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const style = /href="(\/ui\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    const js = await fetch(`${httpUrl}${script}`);
    expect([js.status, js.headers.get('content-type'), js.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect(js.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await fetch(`${httpUrl}${style}`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    const head = await fetch(`${httpUrl}${script}`, { method: 'HEAD' });
    expect([head.status, Number(head.headers.get('content-length')) > 1000, await head.text()]).toEqual([200, true, '']);
    const post = await fetch(`${httpUrl}${script}`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('unknown files are 404 and no path reaches the file system (traversal, encoded, absolute)', async () => {
    const { httpUrl, port } = await start();
    expect((await fetch(`${httpUrl}/ui/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${httpUrl}/ui/index.html`)).status).toBe(404);
    expect((await fetch(`${httpUrl}/ui/.source-hash`)).status).toBe(404);
    for (const path of ['/ui/../package.json', '/ui/assets/../../package.json', '/ui/%2e%2e/package.json', '/ui/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/ui//etc/passwd', '/ui/..%5cpackage.json']) {
      const res = await rawGet(port, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('"name": "moltbot"');
    }
  });

  it('a request from a foreign origin is refused (403), even for public files', async () => {
    const { port } = await start();
    const res = await rawGet(port, '/ui/', { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('<html');
  });

  it('gateway.controlUi.enabled=false serves nothing', async () => {
    const { httpUrl } = await start({}, { controlUi: { enabled: false } });
    expect((await fetch(`${httpUrl}/ui/`)).status).toBe(404);
    expect((await fetch(`${httpUrl}/`, { redirect: 'manual' })).status).toBe(404);
  });

  it('serves another build from options.assetsDir, and a folder without index.html fails boot with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moltbot-ui-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dev build</title>');
    const { httpUrl } = await start({ assetsDir: dir });
    expect(await (await fetch(`${httpUrl}/ui/`)).text()).toContain('dev build');
    await expect(start({ assetsDir: join(dir, 'missing') })).rejects.toMatchObject({ code: 'MOLT_ERR_CONTROL_UI_ASSETS', message: expect.stringContaining('missing') });
  });
});
