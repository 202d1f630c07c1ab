import { describe, expect, it } from 'vitest';
import { isMoltbotError } from '../../../core/errors.ts';
import { assertBindIsSafe, isTailscaleIp, resolveBind } from '../../../plugins/gateway/bind.ts';

const interfaces = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  eth0: [
    { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: '192.168.1.20/24' },
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
  ],
  tailscale0: [{ address: '100.101.102.103', netmask: '255.255.255.255', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '100.101.102.103/32' }],
} as const;

describe('resolveBind', () => {
  it('maps each mode to a listen address', () => {
    expect(resolveBind('loopback', undefined, interfaces as never)).toEqual({ host: '127.0.0.1', loopback: true, hosts: [] });
    expect(resolveBind('lan', undefined, interfaces as never)).toEqual({ host: '0.0.0.0', loopback: false, hosts: ['192.168.1.20', '100.101.102.103'] });
    expect(resolveBind('tailnet', undefined, interfaces as never)).toEqual({ host: '100.101.102.103', loopback: false, hosts: ['100.101.102.103'] });
    expect(resolveBind('custom', '::ffff:127.0.0.1', interfaces as never)).toEqual({ host: '127.0.0.1', loopback: true, hosts: [] });
    expect(resolveBind('custom', '192.168.1.20', interfaces as never)).toEqual({ host: '192.168.1.20', loopback: false, hosts: ['192.168.1.20'] });
  });

  it('tailnet without a Tailscale address falls back to loopback, with a note', () => {
    const target = resolveBind('tailnet', undefined, { lo: interfaces.lo } as never);
    expect(target).toMatchObject({ host: '127.0.0.1', loopback: true });
    expect(target.note).toMatchInlineSnapshot(`"gateway.bind is "tailnet" but no Tailscale address (100.64.0.0/10) was found; listening on loopback only"`);
  });

  it('loopback and custom binds never read the interfaces (the listing and its parsing are start-up time they do not need)', () => {
    const unread = { get eth0(): never { throw new Error('interfaces read'); } };
    expect(resolveBind('loopback', undefined, unread as never)).toEqual({ host: '127.0.0.1', loopback: true, hosts: [] });
    expect(resolveBind('custom', '10.0.0.5', unread as never)).toEqual({ host: '10.0.0.5', loopback: false, hosts: ['10.0.0.5'] });
    expect(() => resolveBind('lan', undefined, unread as never)).toThrow('interfaces read');
  });

  it('recognises the Tailscale range', () => {
    expect(['100.64.0.1', '100.127.255.254', '100.63.0.1', '100.128.0.1', '10.0.0.1'].map(isTailscaleIp)).toEqual([true, true, false, false, false]);
  });
});

describe('assertBindIsSafe', () => {
  it('AU-02: non-loopback without auth is a config error naming gateway.bind and gateway.auth', () => {
    let caught: unknown;
    try {
      assertBindIsSafe('lan', resolveBind('lan', undefined, interfaces as never), 'none');
    } catch (error) {
      caught = error;
    }
    expect(isMoltbotError(caught, 'MOLT_ERR_CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toMatchInlineSnapshot(`"Refusing to start: gateway.bind is "lan" (listening on 0.0.0.0) while gateway.auth.mode is "none", so anyone who can reach this machine could control it"`);
    expect((caught as { fix: string }).fix).toMatchInlineSnapshot(`"Set gateway.auth.mode to "token" or "password" (a token is generated on first start when none is configured), or set gateway.bind to "loopback"."`);
    expect((caught as { exitCode: number }).exitCode).toBe(78);
  });

  it('allows none on loopback and any auth anywhere', () => {
    expect(() => assertBindIsSafe('loopback', resolveBind('loopback'), 'none')).not.toThrow();
    expect(() => assertBindIsSafe('lan', resolveBind('lan', undefined, interfaces as never), 'token')).not.toThrow();
  });
});
