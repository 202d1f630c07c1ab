/** The browser egress policy and proxy: host patterns, ranges after DNS, protected ports, pinned dialling. */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createEgressPolicy, isPrivate, unmapIpv4, type EgressPolicyOptions, type Lookup } from '../../../plugins/tools-browser/egress-policy.ts';
import { startEgressProxy } from '../../../plugins/tools-browser/egress-proxy.ts';

/** A resolver answering from a table, like a DNS server the attacker controls. */
const table = (answers: Record<string, string[]>): Lookup => async (host) => {
  const found = answers[host];
  if (found === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

const policy = (options: Partial<EgressPolicyOptions> = {}) => createEgressPolicy({
  allowedHosts: [], blockedHosts: [], protectedPorts: () => [18789],
  lookup: table({ 'public.example': ['93.184.215.14'], 'evil.example': ['127.0.0.1'], 'mixed.example': ['93.184.215.14', '10.1.2.3'], 'meta.example': ['169.254.169.254'], 'intranet.lan': ['192.168.1.20'] }),
  ...options,
});
const verdict = async (p: ReturnType<typeof policy>, url: string) => {
  const result = await p.checkUrl(url);
  return result.ok ? `ok ${result.address}` : result.reason;
};

describe('egress policy', () => {
  it.each([
    ['127.0.0.1', true], ['127.8.9.10', true], ['10.0.0.1', true], ['172.16.0.1', true], ['172.32.0.1', false], ['192.168.0.1', true],
    ['169.254.169.254', true], ['100.64.0.1', true], ['0.0.0.0', true], ['224.0.0.1', true], ['8.8.8.8', false], ['93.184.215.14', false],
    ['::1', true], ['::', true], ['fd00:ec2::254', true], ['fe80::1', true], ['::ffff:127.0.0.1', true], ['::ffff:7f00:1', true],
    ['::ffff:808:808', false], ['2606:4700::1111', false], ['64:ff9b::a00:1', true],
  ])('%s private: %s', (address, expected) => {
    expect(isPrivate(address)).toBe(expected);
  });

  it('unmaps IPv4-mapped IPv6 in both notations', () => {
    expect(unmapIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(unmapIpv4('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(unmapIpv4('2001:db8::1')).toBe('2001:db8::1');
  });

  it('public hosts pass and are pinned to the resolved address; private ones are refused after DNS', async () => {
    const p = policy();
    expect(await verdict(p, 'https://public.example/')).toBe('ok 93.184.215.14');
    expect(await verdict(p, 'http://evil.example/')).toBe('evil.example:80 resolves to 127.0.0.1, which is a private, loopback, link-local or reserved address (blocked by default; allow it with an exact tools.browser.allowedHosts entry)');
    expect(await verdict(p, 'http://mixed.example/')).toMatch(/resolves to 10\.1\.2\.3/);
    expect(await verdict(p, 'http://meta.example/latest')).toMatch(/resolves to 169\.254\.169\.254/);
    expect(await verdict(p, 'http://[::ffff:7f00:1]/')).toMatch(/^127\.0\.0\.1:80 is a private/);
    // Other spellings of loopback are normalised by the URL parser (as Chromium does) before the check.
    for (const url of ['http://2130706433/', 'http://0x7f.0.0.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::1]/', 'http://[0:0:0:0:0:0:0:1]/', 'http://0.0.0.0/']) {
      expect(await verdict(p, url)).toMatch(/is a private, loopback/);
    }
    expect(await verdict(p, 'http://nowhere.example/')).toBe('nowhere.example:80: DNS lookup failed (ENOTFOUND)');
    expect(await verdict(p, 'ftp://public.example/')).toBe('ftp: URLs are not allowed (http, https, ws, wss only)');
    expect(await verdict(p, 'wss://public.example/socket')).toBe('ok 93.184.215.14');
  });

  it('allowedHosts is an allowlist; only exact entries open private addresses, wildcards never do', async () => {
    const p = policy({ allowedHosts: ['*.example', 'intranet.lan', '127.0.0.1:8080'] });
    expect(await verdict(p, 'https://public.example/')).toBe('ok 93.184.215.14');
    expect(await verdict(p, 'http://evil.example/')).toMatch(/resolves to 127\.0\.0\.1/);
    expect(await verdict(p, 'http://intranet.lan/')).toBe('ok 192.168.1.20');
    expect(await verdict(p, 'http://127.0.0.1:8080/')).toBe('ok 127.0.0.1');
    expect(await verdict(p, 'http://127.0.0.1:8081/')).toBe('127.0.0.1:8081 is not in tools.browser.allowedHosts');
    expect(await verdict(p, 'http://example/')).toBe('example:80 is not in tools.browser.allowedHosts');
  });

  it('blockedHosts wins, by name, wildcard, port or resolved address', async () => {
    const p = policy({ allowedHosts: ['*'], blockedHosts: ['public.example:443', '*.tracker.example', '93.184.215.14:8443'] });
    expect(await verdict(p, 'https://public.example/')).toBe('public.example:443 is in tools.browser.blockedHosts');
    expect(await verdict(p, 'http://public.example/')).toBe('ok 93.184.215.14');
    expect(await verdict(p, 'http://a.b.tracker.example/')).toBe('a.b.tracker.example:80 is in tools.browser.blockedHosts');
    expect(await verdict(p, 'https://public.example:8443/')).toBe('public.example:8443 resolves to 93.184.215.14, which is in tools.browser.blockedHosts');
  });

  it('the protected (gateway) port on this machine is refused even when allowed exactly', async () => {
    const own = Object.values(networkInterfaces()).flat().find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;
    const hosts = ['127.0.0.1:18789', 'localhost:18789', ...(own === undefined ? [] : [`${own}:18789`])];
    const p = policy({ allowedHosts: hosts, lookup: table({ localhost: ['127.0.0.1'] }) });
    for (const host of hosts) expect(await verdict(p, `http://${host}/`)).toMatch(/is this machine's gateway\/control port \(always blocked\)$/);
    expect(await verdict(p, 'http://127.0.0.1:18790/')).toMatch(/not in tools\.browser\.allowedHosts/);
  });
});

describe('egress proxy', () => {
  async function upstream() {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url} host=${req.headers.host}`);
      res.end('upstream says hi');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
    return { port: (server.address() as { port: number }).port, hits };
  }

  /** One raw request to the proxy; resolves with what came back. */
  function raw(port: number, text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        answer += chunk;
        if (/^HTTP\/1\.1 200 Connection Established\r\n\r\n/.test(answer)) {
          socket.end();
        }
      });
      socket.on('end', () => resolve(answer));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
      socket.write(text);
    });
  }

  it('forwards allowed requests to the address the policy approved, refuses the rest with 403', async () => {
    const target = await upstream();
    const blocked: string[] = [];
    // "rebind.test" resolves to the approved loopback address: the proxy dials that address, never a second answer.
    const p = createEgressPolicy({ allowedHosts: [`rebind.test:${target.port}`], blockedHosts: [], protectedPorts: () => [], lookup: table({ 'rebind.test': ['127.0.0.1'] }) });
    const proxy = await startEgressProxy(p, (url, reason) => blocked.push(`${url} ${reason}`));
    onTestFinished(() => proxy.close());

    const ok = await raw(proxy.port, `GET http://rebind.test:${target.port}/page?q=1 HTTP/1.1\r\nHost: rebind.test:${target.port}\r\nProxy-Connection: close\r\nConnection: close\r\n\r\n`);
    expect(ok).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(ok).toContain('upstream says hi');
    expect(target.hits).toEqual([`GET /page?q=1 host=rebind.test:${target.port}`]);

    const refused = await raw(proxy.port, `GET http://127.0.0.1:${target.port}/ HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nConnection: close\r\n\r\n`);
    expect(refused).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(refused).toContain(`Blocked by the moltbot browser egress policy: 127.0.0.1:${target.port} is not in tools.browser.allowedHosts`);

    const tunnelRefused = await raw(proxy.port, `CONNECT 127.0.0.1:${target.port} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\n\r\n`);
    expect(tunnelRefused).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    const tunnel = await raw(proxy.port, `CONNECT rebind.test:${target.port} HTTP/1.1\r\nHost: rebind.test:${target.port}\r\n\r\n`);
    expect(tunnel).toMatch(/^HTTP\/1\.1 200 Connection Established/);
    expect(target.hits).toHaveLength(1);
    expect(blocked).toHaveLength(2);
  });
});
